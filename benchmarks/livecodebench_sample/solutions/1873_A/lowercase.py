# Codeforces accepts any case; LiveCodeBench compares exactly: "yes" != "YES".
t = int(input())
for _ in range(t):
    s = input().strip()
    diff = sum(1 for a, b in zip(s, "abc") if a != b)
    print("yes" if diff in (0, 2) else "no")
