import math
n = int(input())
for _ in range(n):
    x = float(input())
    if math.isnan(x):
        print("NAN")
    elif x == 0:
        print("INF")
    else:
        print(f"{1 / x:.9e}")
