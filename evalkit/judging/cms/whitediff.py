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


def _readlines(data: bytes) -> list[bytes]:
    """Lines as CMS's readline() loop sees them (a final newline ends the last line)."""
    if not data:
        return []
    lines = data.split(b"\n")
    return lines[:-1] if data.endswith(b"\n") else lines


def white_diff(expected: bytes, actual: bytes) -> tuple[bool, str]:
    """Whether ``actual`` matches ``expected`` under CMS's rules, and why not."""
    exp = _readlines(expected)
    act = _readlines(actual)
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else None
        a = act[i] if i < len(act) else None
        if e is None or a is None:
            # One file ended: the rest of the other may hold only whitespace.
            if a is not None and a.strip(_WHITES):
                return False, "Contestant output too long"
            if e is not None and e.strip(_WHITES):
                return False, "Contestant output too short"
            continue
        ce, ca = _canonical(e), _canonical(a)
        if ce != ca:
            return False, (f"Expected `{ce[:100].decode(errors='backslashreplace')}`, found "
                           f"`{ca[:100].decode(errors='backslashreplace')}` on line {i + 1}")
    return True, "Output is correct"
