"""The decision: is a cleaned, parsed answer the gold answer?

Exact before numeric (Math-Verify ``sympy_expr_eq`` order, without its
``chop=True`` that makes ``1/2004!`` equal ``1/2006!``): decimals are read as
exact rationals (``0.5`` is ``1/2``); two exact constants are equal only if
their difference evaluates to exactly zero or cannot be told from zero at the
full adaptive precision of sympy's ``evalf`` *and* simplifies to zero.  A
decimal answer to an exact gold is accepted only within a relative 1e-9 (at
least ~10 significant digits; ``3.1416`` is not ``\\pi``, unlike the 1e-4 of
Qwen2.5-Math or the absolute 1e-3 of DeepSeek-Math).  Expressions with
variables are equal when their difference expands to zero or vanishes at
several random positive points (the Schwartz-Zippel identity test; positive
values give ``\\sqrt{1/n} = 1/\\sqrt{n}``, Math-Verify issue #64).
"""

from __future__ import annotations

import random
import re
import zlib
from functools import lru_cache

import sympy as sp
from latex2sympy2_extended import latex2sympy

from evalkit.math._normalize import clean, has_percent
from evalkit.math._parse import (
    Assign,
    Clock,
    Equation,
    Items,
    Matrix,
    Node,
    Relation,
    Scalar,
    Seq,
    Text,
    Union,
    named,
    parse,
)

APPROX_REL = 1e-9  # decimal answer vs exact value: ~10 significant digits
IDENTITY_REL = 1e-20  # random-point identity test at 40 digits
_DECIMAL = re.compile(r"(?<![\d.])(\d*)\.(\d+)")
_MIXED = re.compile(r"(?<![\d.}^_])(-?)(\d+)\s+(\d+)\s*/\s*(\d+)(?![\d.])")
_LATEX_MIXED = re.compile(r"(?<![\d.}^_{])(-?)(\d+)\s*\\frac\s*\{(\d+)\}\s*\{(\d+)\}")
_MCQ = re.compile(r"\(?([A-J])\)?")


# a letter or Greek/constant command with a subscript: M_{\oplus}, E_{\min}, k_B, \mu_0
_SUBSCRIPTED = re.compile(
    r"((?<![\\A-Za-z])[A-Za-z]|(?<!\\)\\(?:[a-z]*(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|"
    r"kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|upsilon|phi|chi|psi|omega)|hbar|ell|Gamma|Delta|"
    r"Theta|Lambda|Xi|Pi|Sigma|Phi|Psi|Omega))(?![a-zA-Z])\s*_\s*"
    r"(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z0-9])"
)


def _symbol_name(m: re.Match[str]) -> str:
    """One sympy symbol for a subscripted name, the same on both sides.

    latex2sympy fails on ``M_{\\oplus}``, ``E_{\\min}``, ``E_0`` (physics golds of
    OlympiadBench); a name derived from the written symbol (braces, spaces, ``\\text``
    and case ignored, as latex2sympy lower-cases) parses everywhere.
    """
    written = re.sub(r"\\(?:text|mathrm|rm)\b|[{}\s]", "", m[1] + "_" + m[2]).lower()
    # digits only: some letter runs are grammar keywords to latex2sympy; braces
    # keep ``M_{a}(R+h)`` a product, not a function call
    return f" {{q_{{{zlib.crc32(written.encode())}}}}} "


def _prepare(latex: str) -> str:
    latex = _SUBSCRIPTED.sub(_symbol_name, latex)
    # mixed numbers: 4 4/9 is 40/9, -4 4/9 is -(4 + 4/9) (PRM800K _normalize)
    s = _MIXED.sub(lambda m: f"{m[1]}({m[2]}+\\frac{{{m[3]}}}{{{m[4]}}})", latex)
    s = _LATEX_MIXED.sub(lambda m: f"{m[1]}({m[2]}+\\frac{{{m[3]}}}{{{m[4]}}})", s)
    # decimals as exact rationals so 0.5 == 1/2 exactly
    return _DECIMAL.sub(
        lambda m: (
            f"(\\frac{{{int(m[1] or '0') * 10 ** len(m[2]) + int(m[2])}}}{{1{'0' * len(m[2])}}})"
        ),
        s,
    )


@lru_cache(maxsize=4096)
def _sym(latex: str) -> sp.Basic | None:
    if not latex.strip():
        return None
    try:
        expr = latex2sympy(_prepare(latex))
    except Exception:  # noqa: BLE001 - latex2sympy raises anything on bad input
        return None
    if isinstance(expr, sp.MatrixBase):
        expr = sp.ImmutableMatrix(expr)  # mutable matrices are not sympy Basic
    if not isinstance(expr, sp.Basic):
        return None
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        expr = expr.doit()  # A + B of explicit matrices
    names = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    subs = {}
    if "i" in names:
        subs[names["i"]] = sp.I
    if "e" in names:
        subs[names["e"]] = sp.E
    return expr.subs(subs) if subs else expr


def _has_decimal(latex: str) -> bool:
    return _DECIMAL.search(latex) is not None


def _const_equal(x: sp.Expr, y: sp.Expr, approx: bool) -> bool:
    diff = x - y
    value = diff.evalf(40)
    if value == 0:
        return True
    if not value.is_number or value.has(sp.nan, sp.zoo):
        return False
    re_part, im_part = value.as_real_imag()
    precs = [getattr(p, "_prec", 100) for p in (re_part, im_part) if p != 0]
    if precs and min(precs) < 10:
        # smaller than evalf can resolve (2^{1/2^{1000}} - 1): only an exact
        # simplification to zero proves equality, never a tolerance; simplify is
        # not tried on giant exponents, which it cannot finish (OlympiadBench
        # refuses exponents over 1000 the same way)
        if _giant(diff):
            return False
        return bool(sp.simplify(diff) == 0)
    if approx and not (_terminating(x) and _terminating(y)):
        # a decimal approximates only a value with no exact decimal form
        # (1/432, \sqrt{3}/2); 0.9999999999 is not 1
        scale = max(abs(complex(x.evalf(40))), abs(complex(y.evalf(40))))
        return abs(complex(value)) <= APPROX_REL * scale
    return False


def _terminating(value: sp.Expr) -> bool:
    """A rational whose decimal expansion ends (denominator 2^a 5^b)."""
    if not value.is_Rational:
        if value.is_rational is not True:
            return False
        value = sp.simplify(value)  # an unevaluated product of integers
        if not value.is_Rational:
            return False
    q = int(sp.Rational(value).q)
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def _giant(expr: sp.Expr) -> bool:
    """Powers sympy cannot simplify in reasonable time: huge or tiny exponents."""
    for power in expr.atoms(sp.Pow):
        exp = power.exp
        if not exp.is_number:
            continue
        size = abs(complex(exp.evalf(15)))
        if size > 1000 or 0 < size < 1e-6 or (exp.has(sp.Pow) and size > 100):
            return True
    return False


def _identity(x: sp.Expr, y: sp.Expr) -> bool:
    diff = x - y
    if sp.expand(diff) == 0:
        return True
    symbols = sorted(diff.free_symbols, key=str)
    rng = random.Random(20240229)
    checked = 0
    for attempt in range(6):
        # Points at three magnitudes: at one scale alone, step functions agree
        # (floor(x/9) and floor(x/10) are both 0 on [1, 3]).
        scale_10 = 10 ** (attempt % 3)
        point = {s: sp.Rational(rng.randint(1100, 2900), 1000) * scale_10 for s in symbols}
        try:
            dv = complex(diff.subs(point).evalf(40))
            scale = max(
                abs(complex(x.subs(point).evalf(40))), abs(complex(y.subs(point).evalf(40)))
            )
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if dv != dv or scale != scale:  # nan
            continue
        if abs(dv) > IDENTITY_REL * max(scale, 1e-30):
            return False
        checked += 1
        if checked >= 3:
            return True
    return False


def _expr_equal(x: sp.Basic, y: sp.Basic, approx: bool) -> bool:
    # latex2sympy leaves some products unevaluated, so == can miss identical trees
    if x == y or sp.srepr(x) == sp.srepr(y):
        return True
    if isinstance(x, sp.MatrixBase) or isinstance(y, sp.MatrixBase):
        if not (isinstance(x, sp.MatrixBase) and isinstance(y, sp.MatrixBase)):
            return False
        return x.shape == y.shape and all(
            _expr_equal(a, b, approx) for a, b in zip(x, y, strict=True)
        )
    if not (isinstance(x, sp.Expr) and isinstance(y, sp.Expr)):
        return False
    if x.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or y.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return False
    if not x.free_symbols and not y.free_symbols:
        return _const_equal(x, y, approx)
    return _identity(x, y)


def _canon(latex: str) -> str:
    return re.sub(r"\s+|\{|\}", "", latex)


def _scalar_equal(g: str, a: str) -> bool:
    if _canon(g) == _canon(a):
        return True
    x, y = _sym(g), _sym(a)
    if x is None or y is None:
        return False
    return _expr_equal(x, y, _has_decimal(g) or _has_decimal(a))


def _flat(node: Node) -> list[Node]:
    if isinstance(node, Items):
        return [leaf for item in node.items for leaf in _flat(item)]
    return [node]


def _items_equal(gold: list[Node], answer: list[Node]) -> bool:
    named = [g for g in gold if isinstance(g, Assign)]
    if len(named) == len(gold) and len({g.label for g in named}) == len(named):
        # x = 1, y = 2: named values, matched by name or else in the given order
        if len(answer) == 1 and isinstance(answer[0], Seq) and answer[0].open == "(":
            answer = list(answer[0].items)  # written as the point (1, 2)
        if len(gold) != len(answer):
            return False
        if all(isinstance(a, Assign) for a in answer):
            by_label = {a.label: a for a in answer if isinstance(a, Assign)}
            return all(g.label in by_label and equal(g, by_label[g.label]) for g in named)
        if not any(isinstance(a, Assign) for a in answer):
            return all(equal(g, a) for g, a in zip(gold, answer, strict=True))
    named_answer = [a for a in answer if isinstance(a, Assign)]
    if (
        len(gold) == 1
        and isinstance(gold[0], Seq)
        and gold[0].open == "("
        and len(named_answer) == len(answer) == len(gold[0].items)
        and len({a.label for a in named_answer}) == len(answer)
    ):
        # the point (1, 3) answered as a = 1, b = 3: the values in the given order
        return all(equal(g, a) for g, a in zip(gold[0].items, answer, strict=True))
    # a set of solutions: order-free, a repeated solution counts once
    memo: dict[tuple[int, int], bool] = {}

    def pair(i: int, j: int) -> bool:
        if (i, j) not in memo:
            memo[i, j] = equal(gold[i], answer[j])
        return memo[i, j]

    return all(any(pair(i, j) for j in range(len(answer))) for i in range(len(gold))) and all(
        any(pair(i, j) for i in range(len(gold))) for j in range(len(answer))
    )


def _as_set(node: Node) -> sp.Set | None:
    """The set of reals an interval, union or one-variable relation describes."""
    if (isinstance(node, Seq) and len(node.items) == 2) or isinstance(node, Union):
        latex = node.latex
    elif isinstance(node, Relation):
        latex = _one_variable(node.latex)
    else:
        return None
    expr = _sym(latex)
    if isinstance(expr, sp.Set):
        return expr
    if isinstance(expr, sp.Eq) and isinstance(expr.rhs, sp.Set):
        return expr.rhs
    if not isinstance(expr, (sp.Rel, sp.And, sp.Or)):
        return None
    free = expr.free_symbols
    if len(free) != 1:
        return None
    var = next(iter(free))

    def solve(e: sp.Basic) -> sp.Set:
        if isinstance(e, sp.And):
            return sp.Intersection(*(solve(a) for a in e.args))
        if isinstance(e, sp.Or):
            return sp.Union(*(solve(a) for a in e.args))
        result = sp.solveset(e, var, sp.S.Reals)
        assert isinstance(result, sp.Set)
        return result

    return solve(expr)


def _one_variable(latex: str) -> str:
    """``-1 \\le g(t) < 2``: the bounded quantity, a name, is the set's variable.

    A function value or named quantity (``g(t)``, ``|z|``, ``E_{\\min}``) in the
    middle of a chain is what the range describes (OlympiadBench writes ranges
    of ``f(x)`` this way); ``2x`` is not a name and is left to solveset.
    """
    member = re.fullmatch(r"(.+?)\\in(?![a-zA-Z])(.+)", latex)
    if member is not None and named(member[1]):
        return member[2]  # g(t) \\in [-1, 2): the set itself
    parts = {p.strip() for p in re.split(r"\\(?:le|ge|neq)(?![a-zA-Z])|[<>]", latex)}
    names = {p for p in parts if named(p) and not re.fullmatch(r"[A-Za-z]", p)}
    if len(names) != 1:
        return latex
    name = names.pop()
    return " ".join(
        " x " if p.strip() == name else p
        for p in re.split(r"(\\(?:le|ge|neq)(?![a-zA-Z])|[<>])", latex)
    )


def _set_equal(g: Node, a: Node) -> bool:
    x, y = _as_set(g), _as_set(a)
    if x is None or y is None:
        return False
    if x == y:
        return True
    return bool(sp.simplify(sp.SymmetricDifference(x, y)) == sp.S.EmptySet)


def _equation_equal(l1: str, r1: str, l2: str, r2: str) -> bool:
    """Same equation: (l1 - r1) / (l2 - r2) is a nonzero constant (OlympiadBench)."""
    parts = [_sym(s) for s in (l1, r1, l2, r2)]
    if any(not isinstance(p, sp.Expr) for p in parts):
        return False
    f1, f2 = parts[0] - parts[1], parts[2] - parts[3]  # type: ignore[operator]
    if f2 == 0 or f1 == 0:
        return False
    ratio = sp.cancel(sp.together(f1 / f2))
    if ratio.free_symbols:
        return False
    return bool(ratio != 0 and ratio.is_finite)


def _same_label(x: str, y: str) -> bool:
    """Same name; ``y`` and ``f(x)`` both name a function's value (y = f(x))."""
    if x == y:
        return True
    function = re.compile(r"[A-Za-z]\([A-Za-z]\)")
    return {x, y} & {"y"} != set() and any(function.fullmatch(v) for v in (x, y))


def equal(gold: Node, answer: Node) -> bool:
    """Whether ``answer`` is ``gold`` under the rules of this module."""
    if isinstance(answer, Matrix) and isinstance(gold, Items):
        line = _line_cells(answer)
        if line is not None:
            answer = Items(line)  # solutions 1, 2, 3 answered as one column
    g_items, a_items = _flat(gold), _flat(answer)
    if len(g_items) > 1 or len(a_items) > 1:
        return _items_equal(g_items, a_items)
    gold, answer = g_items[0] if g_items else gold, a_items[0] if a_items else answer
    if isinstance(gold, Assign) and isinstance(answer, Assign):
        if _same_label(gold.label, answer.label) and equal(gold.value, answer.value):
            return True
        return _equation_equal(gold.label, gold.rhs, answer.label, answer.rhs)
    if isinstance(gold, Equation) or isinstance(answer, Equation):
        sides = []
        for node in (gold, answer):
            if isinstance(node, Equation):
                sides.append((node.lhs, node.rhs))
            elif isinstance(node, Assign):
                sides.append((node.label, node.rhs))
            else:
                return False
        return _equation_equal(*sides[0], *sides[1])
    if isinstance(gold, Assign):
        return equal(gold.value, answer)
    if isinstance(answer, Assign):
        return equal(gold, answer.value)
    if isinstance(gold, Clock) or isinstance(answer, Clock):
        # a clock value equals only the same clock value (never a ratio)
        return isinstance(gold, Clock) and isinstance(answer, Clock) and gold == answer
    if isinstance(gold, Text) or isinstance(answer, Text):
        return _text_equal(gold, answer)
    if isinstance(gold, Seq) and isinstance(answer, Seq):
        return (
            gold.open == answer.open
            and gold.close == answer.close
            and len(gold.items) == len(answer.items)
            and all(equal(x, y) for x, y in zip(gold.items, answer.items, strict=True))
        )
    if isinstance(gold, Matrix) or isinstance(answer, Matrix):
        return _matrix_equal(gold, answer)
    if isinstance(gold, (Relation, Union)) or isinstance(answer, (Relation, Union)):
        return _set_equal(gold, answer)
    if isinstance(gold, Scalar) and isinstance(answer, Scalar):
        return _scalar_equal(gold.latex, answer.latex)
    return False


def _line_cells(node: Matrix) -> tuple[Node, ...] | None:
    """The cells of a one-column or one-row matrix (MathArena ``ParseList`` reads a
    list written as a vector), else None."""
    if len(node.rows) == 1:
        return node.rows[0]
    if all(len(r) == 1 for r in node.rows):
        return tuple(r[0] for r in node.rows)
    return None


def _text_equal(gold: Node, answer: Node) -> bool:
    words = [
        n.words if isinstance(n, Text) else n.latex.lower() if isinstance(n, Scalar) else None
        for n in (gold, answer)
    ]
    return words[0] is not None and words[0] == words[1]


def _matrix_equal(gold: Node, answer: Node) -> bool:
    def cells(node: Node) -> tuple[tuple[Node, ...], ...] | None:
        if isinstance(node, Matrix):
            return node.rows
        if isinstance(node, Seq) and node.open + node.close in ("()", "[]"):  # a vector
            return tuple((item,) for item in node.items)
        return None

    x, y = cells(gold), cells(answer)
    if (x is None) != (y is None):
        # an answer shredded into one-column cells, against a gold that is no
        # matrix or vector (a gold vector is never read as one number)
        if isinstance(answer, Matrix) and answer.joined:
            return equal(gold, parse(answer.joined))
    if x is None or y is None:
        # a matrix expression such as A + B: evaluate both sides with sympy
        latex = [n.latex if isinstance(n, (Matrix, Scalar)) else None for n in (gold, answer)]
        if latex[0] is None or latex[1] is None:
            return False
        g, a = _sym(latex[0]), _sym(latex[1])
        return g is not None and a is not None and _expr_equal(g, a, False)
    if len(x) == 1 and len(y) != 1:  # a row vector against a column vector
        x = tuple((c,) for c in x[0])
    if len(y) == 1 and len(x) != 1:
        y = tuple((c,) for c in y[0])
    return len(x) == len(y) and all(
        len(r) == len(s) and all(equal(c, d) for c, d in zip(r, s, strict=True))
        for r, s in zip(x, y, strict=True)
    )


_ASKS_PERCENT = re.compile(r"\bper\s?cent(?:age)?s?\b|%", re.I)
# an option letter at the start of an answer, before its explanation: "C", "(C)",
# "C.", "C) 42", "**C** because A and B fail", "Option C, since …"
_LEAD_LETTER = re.compile(
    r"^\s*(?:\*\*|\\text(?:bf)?\{|\$|\\\(|\\boxed\{)*\s*(?:(?i:option|choice|answer)\s*:?\s*)?"
    r"\(?([A-J])\)?(?=\s*$|[.,:;)}*$]|\\[)\]]|\s+(?i:because|since|as|is|was|the|-|–|—|\(|\\))",
)


_ANSWER_LETTER = re.compile(r"\b(?i:answer)\s*(?i:is\s*)?:?\s*(?:\*\*)?\(?([A-J])\)?(?![A-Za-z])")
_NAMED_LETTER = re.compile(
    r"\b(?i:option|choice)\s*(?i:is\s*)?:?\s*(?:\*\*)?\(?([A-J])\)?(?![A-Za-z])"
)


def _option_letter(answer: str) -> str | None:
    """The option letter an answer starts with; the rest may explain and name others.

    Matched on the raw answer: clean-up would drop the letter of "C. Because A and
    B are wrong" (its "are …" lead-in rule).  MMLU-Pro / GPQA practice (NeMo-Skills
    ``StringExtractionConfig`` letters A-J; lighteval MCQ tests): the first letter.
    """
    m = _LEAD_LETTER.match(answer)
    if m is None:
        # "The correct option is B because A is impossible": the letter it names
        m = _ANSWER_LETTER.search(answer) or _NAMED_LETTER.search(answer)
    return m[1].upper() if m is not None else None


def decide(gold: str, answer: str, question: str | None = None) -> bool:
    """Whether ``answer`` is equivalent to ``gold`` (no time limit: run in a worker).

    ``question``, when given, only decides whether a bare gold is a percentage.
    """
    letter = _MCQ.fullmatch(gold.strip().strip("$").strip())
    if letter is None:
        g0 = clean(gold)
        letter = _MCQ.fullmatch(g0) if g0 else None
    if letter is not None:
        # a multiple-choice gold: the answer's option letter, "(C)", "C." or "C) 42"
        option = _option_letter(answer)
        if option is not None:
            return option == letter[1]
    for g_mode, a_mode in _percent_readings(gold, answer, question):
        g = clean(_as_percent(gold, question) if g_mode == "value" else gold, g_mode)
        a = clean(answer, a_mode)
        if not g or not a:
            continue  # this reading does not exist (e.g. an unread percent)
        if g == a or equal(parse(g), parse(a)):
            return True
    return False


def _as_percent(gold: str, question: str | None) -> str:
    """A bare numeric gold to a question asking for a percentage is that percentage."""
    if question and not has_percent(gold) and _ASKS_PERCENT.search(question):
        bare = clean(gold)
        if re.fullmatch(r"-?\d+(?:\.\d+)?", bare):
            return bare + "\\%"
    return gold


def _percent_readings(gold: str, answer: str, question: str | None) -> list[tuple[str, str]]:
    """How ``N%`` is read on each side (decided rule, README "Math grading").

    A percent sign means /100 (``0.4`` is ``40\\%``).  Where the gold is a
    percentage (it carries ``%``, or ``question`` asks for a percentage) the answer
    may also give the percentage bare: ``25`` or ``0.25`` for ``25\\%``
    (MARIO_EVAL ``test_is_equiv.py`` "10\\% = 10" and "10\\% = 0.1"; OlympiadBench
    ``judge`` tries x/100 for a percentage).  A bare gold is never rescaled:
    ``0.25`` is not ``25`` (Qwen2.5-Math ``include_percentage``'s false
    positives), and ``3\\frac13\\%`` is not ``\\frac{10}{3}``.
    """
    gold_pct = has_percent(gold) or bool(question and _ASKS_PERCENT.search(question))
    answer_pct = has_percent(answer)
    if answer_pct and not gold_pct:
        return [("number", "value")]
    if gold_pct and not answer_pct:
        return [("number", "number"), ("value", "number")]
    return [("number", "number")]
