import sys
runs = int(sys.stdin.readline())
for _ in range(runs):
    n = int(sys.stdin.readline())
    lo, hi = 0, n - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        print("READ", mid, flush=True)
        if sys.stdin.readline().strip() == "true":
            lo = mid
        else:
            hi = mid
    print("OUTPUT", lo, flush=True)
