lo, hi = 1, 1000
while True:
    g = (lo + hi) // 2
    print(g, flush=True)
    r = input().strip()
    if r == "correct":
        break
    if r == "lower":
        hi = g - 1
    else:
        lo = g + 1
