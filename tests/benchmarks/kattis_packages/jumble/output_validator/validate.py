"""Jumble (evalkit's own validator for DOMjudge's jumble data; multi-pass, 2 passes).

Pass 1, input ``jumble S``: the output must be one word of the same length in
lower-case letters, different from S (so a palindrome cannot be "jumbled" by
reversing it) unless every letter of S is the same; the next pass gets
``unjumble T``.  Pass 2: the output must be S again (the answer file).
"""

import os
import sys

inp, ans, fb = sys.argv[1:4]
kind, word = open(inp).read().split()
out = sys.stdin.read().split()
answer = open(ans).read().split()[0]


def reject(why):
    with open(os.path.join(fb, "judgemessage.txt"), "a") as f:
        f.write(why + "\n")
    sys.exit(43)


if len(out) != 1:
    reject(f"{kind}: expected one word, got {len(out)}")
if kind == "jumble":
    t = out[0]
    if len(t) != len(word) or not (t.isascii() and t.isalpha() and t.islower()):
        reject(f"jumble: {t!r} is not {len(word)} lower-case letters")
    if t == word and len(set(word)) > 1:
        reject(f"jumble: {t!r} is the word itself")
    with open(os.path.join(fb, "nextpass.in"), "w") as f:
        f.write(f"unjumble {t}\n")
    sys.exit(42)
if out[0] != answer:
    reject(f"unjumble: expected {answer!r}, got {out[0]!r}")
sys.exit(42)
