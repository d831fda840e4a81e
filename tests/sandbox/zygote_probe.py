"""A trusted Python module for tests/sandbox/test_zygote.py, run by a zygote or exec'd.

``main()`` does what ``sys.argv[1]`` names and prints one JSON line to stdout:
- ``probe``: what the process sees of itself (uid, descriptors, limits, signals,
  environment, namespaces, argv, ...);
- ``dirty``: changes everything it can that a later process might see (modules,
  this module's globals, files in its box, SysV IPC), prints what it did;
- ``look``: whether any of ``dirty``'s changes are visible;
- ``zygote``: tries to signal, ptrace and read the memory of every root process
  (the zygote among them);
- ``exit``: ends as ``sys.argv[2]`` says (a code, a message, an exception, os._exit);
- ``fork_burn``: a child process burns CPU (the parent sleeps): the uid's sum counts;
- ``hog``: allocates ``sys.argv[2]`` MiB.
"""

from __future__ import annotations

import json
import os
import signal
import sys

MARK = "zygote-probe-mark"
SEEN: list = []  # ``dirty`` appends to it: a later process must find it empty


def _fds() -> list:
    return sorted(int(x) for x in os.listdir("/proc/self/fd"))


def _status(key: str) -> str:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return ""


def probe() -> dict:
    with open("/proc/self/limits") as f:
        limits = f.read()
    return {
        "uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(),
        "fds": _fds(),  # 0-2 and listdir's own
        "cap_eff": _status("CapEff"), "cap_bnd_nonzero": _status("CapBnd") != "0" * 16,
        "no_new_privs": _status("NoNewPrivs"), "seccomp": _status("Seccomp"),
        "limits": limits, "cwd": os.getcwd(), "argv": sys.argv, "env": dict(os.environ),
        "oom_score_adj": open("/proc/self/oom_score_adj").read().strip(),
        "sid_is_pid": os.getsid(0) == os.getpid(), "pgid_is_pid": os.getpgid(0) == os.getpid(),
        "signals": {name: str(signal.getsignal(getattr(signal, name)))
                    for name in ("SIGPIPE", "SIGXFSZ", "SIGINT", "SIGTERM", "SIGCHLD")},
        "blocked": sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])),
        "isolated": sys.flags.isolated, "path": sys.path, "main": __name__,
        "stdin": sys.stdin.read(), "stdout_tty": sys.stdout.isatty(),
        "encoding": [sys.getfilesystemencoding(), sys.stdout.encoding],
        "recursion": sys.getrecursionlimit(), "dumpable_proc_owner": os.stat("/proc/self").st_uid,
        "ns": [os.readlink("/proc/self/ns/" + ns) for ns in ("net", "ipc")],  # the uid's
    }


def dirty() -> dict:
    import collections
    import ctypes

    json.zygote_probe = MARK  # type: ignore[attr-defined]
    collections.Counter.zygote_probe = MARK
    SEEN.append(MARK)
    sys.modules["zygote_probe_planted"] = json
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    with open("planted.txt", "w") as f:
        f.write(MARK)
    libc = ctypes.CDLL(None, use_errno=True)
    shm = libc.shmget(0x5EED, 4096, 0o1666)  # IPC_CREAT | 0666
    return {"shm": shm >= 0, "box": os.getcwd()}


def look() -> dict:
    import collections
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return {
        "json": hasattr(json, "zygote_probe"),
        "counter": hasattr(collections.Counter, "zygote_probe"),
        "seen": bool(SEEN), "planted": "zygote_probe_planted" in sys.modules,
        "sigusr1": signal.getsignal(signal.SIGUSR1) == signal.SIG_IGN,
        "file": os.path.exists("planted.txt") or bool(os.listdir(".")),
        "shm": libc.shmget(0x5EED, 0, 0) >= 0,
    }


def zygote() -> dict:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                uid = next(line for line in f if line.startswith("Uid:")).split()[1]
            cmdline = open(f"/proc/{name}/cmdline", "rb").read().replace(b"\0", b" ")
        except (OSError, StopIteration):
            continue
        if uid != "0":
            continue
        pid = int(name)
        tries = {"kill": libc.kill(pid, signal.SIGKILL) == 0,
                 "ptrace": libc.ptrace(16, pid, None, None) == 0}  # PTRACE_ATTACH
        try:
            with open(f"/proc/{pid}/mem", "rb") as f:
                f.read(1)
            tries["mem"] = True
        except OSError:
            tries["mem"] = False
        out[cmdline.decode(errors="replace")[:80]] = tries
    return out


def fork_burn() -> dict:
    import time

    pid = os.fork()
    if pid == 0:
        while True:
            pass
    time.sleep(30)
    return {}


def hog(mib: int) -> dict:
    block = bytearray(mib * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    return {"len": len(block)}


def main() -> int:
    what = sys.argv[1]
    if what == "exit":
        how = sys.argv[2]
        print(json.dumps({"exit": how}), flush=True)
        if how == "return3":
            return 3
        if how == "message":
            sys.exit("a message")
        if how == "raise":
            raise ValueError("uncaught")
        if how == "os_exit":
            os._exit(5)
        if how == "none":
            sys.exit(None)
        return 0
    result = {"probe": probe, "dirty": dirty, "look": look, "zygote": zygote,
              "fork_burn": fork_burn}.get(what, lambda: hog(int(sys.argv[2])))()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
