import os
import sys

inp, ans, fb = sys.argv[1:4]
n = int(open(inp).read())
out = sys.stdin.read().split()
counter = os.path.join(fb, "passes.txt")
done = (int(open(counter).read()) if os.path.exists(counter) else 0) + 1
open(counter, "w").write(str(done))
with open(os.path.join(fb, "judgemessage.txt"), "a") as f:
    f.write(f"pass {done}: n={n} output {out}\n")
if out != [str(2 * n)]:
    sys.exit(43)
if done < 3:
    open(os.path.join(fb, "nextpass.in"), "w").write(f"{2 * n + 1}\n")
sys.exit(42)
