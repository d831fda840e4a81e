# The default validator compares tokens case-insensitively.
print("hello   WORLD!", end="")
