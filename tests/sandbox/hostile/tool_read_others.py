# ruff: noqa  (hostile input run as a tool call, not project code)
import glob, os
found = [p for p in glob.glob("/proc/*/environ") + glob.glob("/box*/*") + glob.glob("/tmp/*")]
print(sorted(os.listdir("/proc"))[:0], len([d for d in os.listdir("/proc") if d.isdigit()]))
print("SECRET" in "".join(open(p, errors="ignore").read() for p in glob.glob("/box/*") if os.path.isfile(p)))
