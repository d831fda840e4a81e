kind, word = input().split()
step = 1 if kind == "jumble" else 25
print("".join(chr((ord(c) - 97 + step) % 26 + 97) for c in word))
