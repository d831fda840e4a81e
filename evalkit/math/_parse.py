"""The structure of a cleaned answer: lists, sets, tuples/intervals, matrices,
equations, relations, ``\\pm``, units and text.

Structure is decided on the string (top-level commas, brackets, ``=``) so the
rules stay the grader's, not the parser's; scalar pieces are later converted to
sympy by ``_compare``.  Rules and their sources:

* a top-level list (``1, 2``; "6 and 8"; ``\\{…\\}``) is a set of solutions, order-free
  (MathArena ``AnswerList``, OlympiadBench unordered matching);
  a bracketed ``(a, b)``/``[a, b)`` is an ordered tuple or interval whose brackets
  count (PRM800K, Math-Verify);
* ``x = v`` with a plain name on the left is an assignment of ``v`` (Minerva keeps
  the text after ``=``; Math-Verify unwraps assignments); a chain ``a = b = v``
  keeps the last value; other equations stay equations;
* ``a \\pm b`` is the two solutions ``a + b`` and ``a - b`` (OlympiadBench);
* words after a number are units (``10\\text{ cm}`` is 10; MATH ``strip_string``),
  an answer made only of words is compared as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a name that can stand on the left of an assignment: x, a_{37}, f(x), \alpha, y'
_NAME = r"(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[\w,]+\}?|_\w)?'*(?:\([^()=]*\))?"
_LABEL = re.compile(rf"{_NAME}|\(\s*{_NAME}(?:\s*,\s*{_NAME})+\s*\)|{_NAME}(?:\s*:\s*{_NAME})+")
# a named quantity on the left of "=": |CD|, \frac{PQ}{QR}, E_{\min}, \angle ABC,
# m\angle A, f(2), AB: names, subscripts, bars, ratios of names; no number or sum
_NAMED_PARTS = re.compile(
    r"_\{[^{}]*\}|_\\?\w|\((?:[^()]*)\)|\\(?:frac|dfrac|angle|overline|overrightarrow|vec|bar|hat|"
    r"widehat|triangle|measuredangle|operatorname|mathrm|text|min|max|left|right|lvert|rvert|"
    r"vert|[A-Za-z]+)(?![A-Za-z])|[{}|\s/:'\[\]]"
)
_REL = re.compile(r"\\(?:le|ge|neq|in|notin|subseteq)(?![a-zA-Z])|[<>]")
# unit abbreviations of two letters or more; one letter is always a variable
_UNITS = "cm|mm|km|kg|mg|ml|sec|min|hr|hrs|ft|yd|mi|mph|lb|lbs|oz|cal|kcal|kwh|kw|hz|pa|cc|sq"
_TEXT_SEG = re.compile(r"\\text\{([^{}]*)\}(?:\s*\^\s*\{?\d\}?)?")
_WORD = re.compile(
    rf"(?<![\\A-Za-z{{])(?:[A-Za-z]{{4,}}|(?<=[\d\s])(?:{_UNITS}|[A-Za-z]{{3}})(?=\s|$|\^))"
    r"(?:\s*\^\s*\{?\d\}?)?"
)


@dataclass(frozen=True)
class Clock:
    """A time of day or a duration ``h:mm[:ss]``, in seconds; never a ratio."""

    seconds: int  # since midnight (am/pm read as a 24-hour clock) or of the duration


@dataclass(frozen=True)
class Text:
    words: str


@dataclass(frozen=True)
class Scalar:
    latex: str


@dataclass(frozen=True)
class Seq:
    """``(a, b)``, ``[a, b)``: ordered; the brackets matter for intervals."""

    open: str
    close: str
    items: tuple[Node, ...]
    latex: str


@dataclass(frozen=True)
class Items:
    """A set of answers (order-free), from a top-level list or ``\\{…\\}``."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[Node, ...], ...]
    latex: str
    # a one-column matrix of single tokens may be one formula shredded into cells
    # (MathArena parse_manual: ``3 \\\\ 3 \\\\ 7 \\\\ 5`` is 3375); only compared
    # with an answer that is not a matrix or vector
    joined: str | None = None


@dataclass(frozen=True)
class Assign:
    label: str
    value: Node
    rhs: str


@dataclass(frozen=True)
class Equation:
    lhs: str
    rhs: str


@dataclass(frozen=True)
class Relation:
    """Inequalities, ``\\neq`` and ``x \\in S``: compared as the set they describe."""

    latex: str


@dataclass(frozen=True)
class Union:
    latex: str


Node = Clock | Text | Scalar | Seq | Items | Matrix | Assign | Equation | Relation | Union

_OPEN, _CLOSE = "([{", ")]}"


def split_top(s: str, seps: str = ",;") -> list[str]:
    """Split at separators outside any bracket (``[0,1)`` counts as a bracket)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s) and s[i + 1] in "{}":
            depth += 1 if s[i + 1] == "{" else -1
            i += 2
            continue
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif ch in seps and depth == 0:
            parts.append(s[start:i])
            start = i + 1
        i += 1
    parts.append(s[start:])
    return [p.strip() for p in parts]


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        if ch in "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _enclosed(s: str) -> bool:
    """Whether s[0] and s[-1] are one bracket pair enclosing everything."""
    depth = 0
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return depth == 0


_OPERATOR_CELL = re.compile(r"[-+*/^=,]|\\times|\\cdot|\\div|\^\{\}|_\{?\d*\}?")
_OPERAND_END = re.compile(r"(?:\d|\})$")
_OPERAND_START = re.compile(r"\d|\\frac")  # 10 \\sqrt{2} is a product


def unshred(cells: list[str]) -> str:
    """One formula from the cells a broken rendering split it into.

    MathArena ``parse_manual.py`` lists responses whose LaTeX was split one token
    per matrix cell (``\\frac{ \\\\ 4 \\\\ \\pi \\\\ }{ \\\\ 3 \\\\ }``), with an
    empty cell where a space was.  Adjacent digit cells are one number; two
    complete operands with a gap between them (``2 \\\\ \\\\ 3``) are two list
    items; a name cell before each value cell (``a \\\\ 13 \\\\ b \\\\ 14``) names
    it; an empty ``\\frac{}`` between numerator and denominator is dropped.
    """
    full = [c for c in cells if c]
    names = full[0::2]
    if (
        len(full) >= 4
        and len(full) % 2 == 0
        and all(re.fullmatch(r"[A-Za-z]|\\[A-Za-z]+", n) for n in names)
        and all(re.search(r"\d", v) for v in full[1::2])
    ):
        return ", ".join(f"{n} = {v}" for n, v in zip(names, full[1::2], strict=True))
    # cells joined; a gap (empty cell) is kept as a marker until the repairs are done
    out, prev, gap = "", "", False
    for cell in cells:
        if not cell:
            gap = True
            continue
        if prev:
            out += _GAP if gap else "" if prev.isdigit() and cell.isdigit() else " "
        out += cell
        prev, gap = cell, False
    out = _complete_fracs(out)
    out = re.sub(rf"\^\s*\{{\s*\}}[\s{_GAP}]*(\d+|[A-Za-z])", r"^{\1}", out)
    out = re.sub(rf"[\s{_GAP}]*_\s*\{{", "_{", out)
    out = _split_gaps(out)
    return re.sub(r"^.*\\text\{\s*(?:is|are)\s*\}", "", out).strip(" ,")


_GAP = "\x00"


def _complete_fracs(s: str) -> str:
    """``\\frac{A} \\frac{} B`` and ``\\frac{A} B``: B is the denominator; in
    ``\\frac{A} / B`` the ``\\frac`` is dropped.  Right to left, so nested ones too."""
    s = re.sub(rf"\\frac[\s{_GAP}]*\{{[\s{_GAP}]*\}}", "", s)  # the empty \\frac{} cell
    for j in reversed([m.start() for m in re.finditer(r"\\frac(?![a-zA-Z])", s)]):
        k = j + 5
        while k < len(s) and s[k] in " " + _GAP:
            k += 1
        end = _group_end(s, k)
        if end is None:
            continue
        rest = re.match(rf"[\s{_GAP}]*(\{{|/|\d+|\\[A-Za-z]+|[A-Za-z])?", s[end:])
        assert rest is not None
        if rest[1] is None or rest[1] == "{":
            continue
        if rest[1] == "/":
            s = s[:j] + s[j + 5 :]
        else:
            s = s[:end] + "{" + rest[1] + "}" + s[end + rest.end() :]
    return s


def _group_end(s: str, k: int) -> int | None:
    """End of the brace group opening at ``s[k]`` (None if none or unclosed)."""
    if k >= len(s) or s[k] != "{":
        return None
    depth = 0
    for n in range(k, len(s)):
        depth += {"{": 1, "}": -1}.get(s[n], 0)
        if depth == 0:
            return n + 1
    return None


_SKIP_GAPS = re.compile(rf"[ {_GAP}]*")


def _split_gaps(s: str) -> str:
    """A gap between two complete operands at the top level separates list items."""
    out: list[str] = []
    depth, last = 0, ""  # brace depth; the last character written that is not a space
    for i, ch in enumerate(s):
        if ch == _GAP:
            after = _SKIP_GAPS.match(s, i + 1)
            start = after.end() if after else i + 1
            item = depth == 0 and _OPERAND_END.search(last) and _OPERAND_START.match(s, start)
            out.append(", " if item else " ")
            last = "," if item else last
            continue
        depth += {"{": 1, "}": -1, "(": 1, ")": -1}.get(ch, 0)
        out.append(ch)
        if ch != " ":
            last = ch
    return re.sub(r" {2,}", " ", "".join(out))


def _matrix(s: str) -> Node | None:
    m = re.fullmatch(r"\\begin\{([pbBvV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}", s, re.S)
    if m is None:
        return None
    body = m.group(2)
    rows = [r for r in re.split(r"\\\\", body)]
    cells = [[c.strip() for c in r.split("&")] for r in rows]
    while cells and all(c == "" for c in cells[-1]):
        cells.pop()
    flat = [c for r in cells for c in r]
    # a broken rendering that put ``\\`` between the tokens of one formula
    # (MathArena parse_manual): cells that are not formulas on their own
    if any(not _balanced(c) or _OPERATOR_CELL.fullmatch(c) for c in flat) or (
        len(flat) >= 4 and unshred(flat).count("=") * 2 >= len([c for c in flat if c])
    ):
        return parse(unshred(flat))
    if not cells or len({len(r) for r in cells}) != 1:
        return None
    rows_text = [" ".join(c for c in r if c) for r in cells]
    if len(rows_text) > 1 and all(len(split_top(t, "=")) == 2 for t in rows_text):
        return parse(", ".join(rows_text))  # \\begin{array}{l} x=1 \\\\ y=2: lines of a list
    joined = None
    # only the bare ``matrix`` environment, the one MathArena's broken renderings use;
    # a ``pmatrix`` of digits is a vector
    if m.group(1) == "matrix" and all(len(r) == 1 for r in cells) and len(cells) > 1:
        joined = unshred(flat)
    return Matrix(tuple(tuple(parse(c) for c in r) for r in cells), s, joined)


_CLOCK = re.compile(
    r"(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*(?:([ap])\.?\s*m\b\.?|(?:h|hrs?|hours?)\b)?",
    re.I,
)
_DURATION = re.compile(
    r"(\d+)\s*(?:h|hrs?|hours?)\s*(?:and\s*)?(\d+)\s*(?:m|mins?|minutes?)"
    r"(?:\s*(?:and\s*)?(\d+)\s*(?:s|secs?|seconds?))?",
    re.I,
)


def _clock(s: str) -> Clock | None:
    """``07:15``, ``7:15:00``, ``08:34 \\text{P.M.}``, ``2 hours 30 minutes``.

    MARIO_EVAL ``latex_normalize.py`` reads ``h:mm`` (optional am/pm) as a time
    (its tests: ``20:34`` = ``20:34:00`` = ``08:34 P.M.``); minutes must be two
    digits, so ``3:2`` stays a ratio.  A time is compared as a time, never as the
    ratio ``h/mm`` (``1:20`` is not ``2:40``; ``12:00`` is not ``1:00``).
    """
    plain = re.sub(r"\\text\{([^{}]*)\}", r" \1 ", s).strip()
    m = _CLOCK.fullmatch(plain)
    if m is not None:
        hours, minutes, seconds = int(m[1]), int(m[2]), int(m[3] or 0)
        if m[4]:
            if not 1 <= hours <= 12:
                return None
            hours = hours % 12 + (12 if m[4].lower() == "p" else 0)
        return Clock(hours * 3600 + minutes * 60 + seconds)
    m = _DURATION.fullmatch(plain)
    if m is not None:
        return Clock(int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0))
    return None


def _pm(s: str) -> list[str] | None:
    m = re.search(r"\\(pm|mp)(?![a-zA-Z])", s)
    if m is None:
        return None
    first, second = ("+", "-") if m.group(1) == "pm" else ("-", "+")
    return [s[: m.start()] + first + s[m.end() :], s[: m.start()] + second + s[m.end() :]]


def _strip_units(s: str) -> str:
    """Drop words (units, qualifiers) from a part that has a number in it."""
    bare = _WORD.sub(" ", _TEXT_SEG.sub(" ", s)).strip()
    if re.search(r"\d", bare) and bare != s.strip():
        return re.sub(r"\s+", " ", bare)
    return s


def _text(s: str) -> Text | None:
    """An answer made of words ("odd", "no solution") compared as text."""
    plain = _TEXT_SEG.sub(r" \1 ", s)
    if re.search(r"\d", plain) or not re.search(r"(?<!\\)\b[A-Za-z]{2,}", plain):
        return None
    if re.search(r"\\(?!text)[A-Za-z]+", plain) and not _TEXT_SEG.search(s):
        return None  # a formula such as \sin x
    words = re.sub(r"[^a-z0-9\\ ]+", " ", plain.lower())
    return Text(" ".join(words.split()))


def named(lhs: str) -> bool:
    """Whether ``lhs`` names a quantity (the asked-for value is its right side).

    OlympiadBench ``judge`` and Minerva keep the right side of ``A = v``; Math-Verify
    unwraps assignments.  Only names count: ``x^2+y^2 = 1`` stays an equation.
    """
    rest = _NAMED_PARTS.sub("", lhs)
    return bool(re.search(r"[A-Za-z]", lhs)) and re.fullmatch(r"[A-Za-z]*", rest) is not None


def _group(parts: list[str]) -> list[str] | None:
    """``a=1,b=3;a=2,b=5`` (or ``… or a=2, b=5``): solutions as tuples ``(1,3)``, ``(2,5)``.

    The labels must repeat as one pattern of two or more names (MARIO_EVAL and
    OlympiadBench list solutions as tuples; models write them as assignments).
    """
    pairs = []
    for p in parts:
        sides = _split_equals(p)
        if len(sides) != 2 or not _LABEL.fullmatch(sides[0].replace(" ", "")):
            return None
        pairs.append((re.sub(r"_\{(\w+)\}", r"_\1", sides[0].replace(" ", "")), sides[1]))
    labels = [lab for lab, _ in pairs]
    for k in range(2, len(labels) // 2 + 1):
        pattern = labels[:k]
        reps = len(labels) // k
        if len(set(pattern)) == k and len(labels) == k * reps and labels == pattern * reps:
            values = [v for _, v in pairs]
            return ["(" + ",".join(values[i : i + k]) + ")" for i in range(0, len(values), k)]
    return None


def parse(s: str) -> Node:
    """The structure of a cleaned answer string."""
    s = s.strip()
    parts = _split_list(s)
    if len(parts) > 1:
        tuples = _group(parts)
        if tuples is not None:
            return Items(tuple(_parse_part(t) for t in tuples))
        return Items(tuple(parse(p) for p in parts))
    return _parse_part(s)


def _split_list(s: str) -> list[str]:
    joined = re.sub(r"\\text\{\s*(?:and|or|,)\s*\}|(?<![\\A-Za-z])(?:and|or)(?![A-Za-z])", ",", s)
    parts = [p for p in split_top(joined) if p]
    return parts if len(parts) > 1 else [s]


def _parse_part(s: str) -> Node:
    s = s.strip()
    if not s:
        return Scalar("")
    if s.startswith("\\begin"):
        mat = _matrix(s)
        if mat is not None:
            return mat
    builder = re.fullmatch(r"\\\{\s*([A-Za-z])\s*(?:\\mid|\||:)\s*(.+?)\s*\\\}", s)
    if builder is not None and _REL.search(builder[2]):
        return Relation(builder[2])  # {y | -1 <= y <= 1}: the set the condition describes
    if s.startswith("\\{") and s.endswith("\\}") and _balanced(s[2:-2]):
        inner = parse(s[2:-2])
        return inner if isinstance(inner, Items) else Items((inner,))
    if s.startswith("{") and s.endswith("}") and _enclosed(s) and len(split_top(s[1:-1])) > 1:
        return parse(s[1:-1])  # {1,2,3} written without the backslashes
    clock = _clock(s)
    if clock is not None:
        return clock
    expanded = _pm(s)
    if expanded is not None:
        return Items(tuple(parse(e) for e in expanded))
    text = _text(s)
    if text is not None:
        return text
    s = _strip_units(s)
    sides = _split_equals(s)
    if len(sides) > 1:
        lhs, value = sides[0], sides[-1]
        label = re.sub(r"_\{(\w+)\}", r"_\1", lhs.replace(" ", ""))  # u_{1} is u_1
        if (_LABEL.fullmatch(label) or named(lhs)) and not _REL.search(value):
            if label.startswith("(") and len(sides) == 2:
                return parse(value)  # (a, b) = (1, 3), (2, 5): the solutions
            return Assign(label, parse(value), value)
        before = " ".join(sides[:-1])
        computed = re.sub(r"\\[A-Za-z]+", "", before)
        if not re.search(r"[A-Za-z]", computed) and re.search(
            r"\d\s*[-+*/^(]|\\(?:frac|cdot|times|sqrt|div)(?![A-Za-z])", before
        ):
            return parse(value)  # a computation 1/2 + 1/3 = 5/6: its result
        if len(sides) == 2:
            return Equation(lhs, value)
        return parse(value)
    if _REL.search(s):
        return Relation(s)
    if re.search(r"\\cup(?![a-zA-Z])", s):
        return Union(s)
    if len(s) >= 2 and s[0] in "([" and s[-1] in ")]" and _enclosed(s):
        items = split_top(s[1:-1])
        if len(items) > 1:
            return Seq(s[0], s[-1], tuple(parse(i) for i in items), s)
        if s[0] == "(" or s[1:].lstrip().startswith("\\begin"):
            return _parse_part(s[1:-1])
    return Scalar(s)


def _split_equals(s: str) -> list[str]:
    sides = split_top(s, "=")
    return sides if len(sides) > 1 and all(sides) else [s]
