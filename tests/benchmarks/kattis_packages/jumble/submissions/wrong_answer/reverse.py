kind, word = input().split()
print(word[::-1])
