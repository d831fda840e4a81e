import sys
data = sys.stdin.read().split()
print("\n".join(str(int(a) - int(b)) for a, b in zip(data[::2], data[1::2])))
