# "Infinity" is not the answer's token "inf": non-numeric tokens compare as strings.
import math
n = int(input())
for _ in range(n):
    x = float(input())
    print("nan" if math.isnan(x) else "Infinity" if x == 0 else repr(1 / x))
