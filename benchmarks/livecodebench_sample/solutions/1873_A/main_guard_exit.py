import sys


def solve():
    data = sys.stdin.read().split()
    out = []
    for s in data[1:]:
        diff = sum(1 for a, b in zip(s, "abc") if a != b)
        out.append("YES" if diff in (0, 2) else "NO")
    sys.stdout.write("\n".join(out) + "   \n\n")  # trailing blanks are stripped
    sys.exit(0)  # SystemExit ends the test normally


if __name__ == "__main__":
    solve()
