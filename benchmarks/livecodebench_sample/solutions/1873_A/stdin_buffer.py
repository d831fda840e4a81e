# lcb_runner (since 16de2a1, 2025-05-23) gives its mock sys.stdin a .buffer holding the whole
# input: this passes there (it was a runtime error with the earlier StringIO).
import sys
data = sys.stdin.buffer.read().split()
for s in data[1:]:
    print("YES" if sum(1 for a, b in zip(s.decode(), "abc") if a != b) in (0, 2) else "NO")
