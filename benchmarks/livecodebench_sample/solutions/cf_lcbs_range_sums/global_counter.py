# A nested function declaring `global` breaks once lcb_runner wraps the program
# into a function: `total` is then a local of wrapped_function, not a global.
import sys

total = 0


def add(x):
    global total
    total += x


n, q = map(int, sys.stdin.readline().split())
a = list(map(int, sys.stdin.readline().split()))
for x in a:
    add(x)
pre = [0]
for x in a:
    pre.append(pre[-1] + x)
for _ in range(q):
    l, r = map(int, sys.stdin.readline().split())
    print(pre[r] - pre[l - 1])
