"""CMS's white diff: the default output comparison of IOI Batch tasks.

Source: cms/grading/steps/whitediff.py (cms-dev/cms).  Whitespace is the six
ASCII characters space, \\t, \\n, \\v, \\f, \\r.  Line i of one file must equal
line i of the other after stripping and collapsing runs of whitespace; once
one file ends, the rest of the other may hold only whitespace.  Unlike a plain
token comparison, line structure matters: ``1 2`` is not ``1\\n2``, and a blank
line in the middle counts.
"""

from __future__ import annotations

_WHITES = b" \t\n\x0b\x0c\r"
_TO_SPACE = bytes.maketrans(_WHITES, b" " * len(_WHITES))


def _canonical(line: bytes) -> bytes:
    return b" ".join(t for t in line.translate(_TO_SPACE).split(b" ") if t)


def _lines(data: bytes) -> list[bytes]:
    lines = [_canonical(x) for x in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def white_diff(expected: bytes, actual: bytes) -> tuple[bool, str]:
    """Whether ``actual`` matches ``expected`` under CMS's rules, and why not."""
    exp, act = _lines(expected), _lines(actual)
    for i, (e, a) in enumerate(zip(exp, act, strict=False), start=1):
        if e != a:
            return False, f"expected `{e[:100].decode(errors='replace')}`, found " \
                          f"`{a[:100].decode(errors='replace')}` on line {i}"
    if len(act) > len(exp):
        return False, "contestant output too long"
    if len(act) < len(exp):
        return False, "contestant output too short"
    return True, "output is correct"
