import sys
data = sys.stdin.read().split()
print("\n".join(str(abs(int(a) - int(b))) for a, b in zip(data[::2], data[1::2])))
