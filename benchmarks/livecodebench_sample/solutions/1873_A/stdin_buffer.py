# lcb_runner replaces sys.stdin with a StringIO, which has no .buffer: a runtime error there.
import sys
data = sys.stdin.buffer.read().split()
for s in data[1:]:
    print("YES" if sum(1 for a, b in zip(s.decode(), "abc") if a != b) in (0, 2) else "NO")
