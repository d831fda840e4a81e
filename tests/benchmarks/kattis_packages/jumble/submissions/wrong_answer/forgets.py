# Jumbles well, but cannot undo it: wrong in the second pass.
kind, word = input().split()
print("".join(chr((ord(c) - 97 + 1) % 26 + 97) for c in word))
