"""The answer forms of issue 16, one test per class: each pairs the rule with the
case the naive rule gets wrong (a false negative) and a trap it must not accept
(a false positive).  tests/math/data/classes.jsonl holds more cases of the same
classes, each with its source; it is scored as a whole at the end."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evalkit.math import equivalent, extract_answer, grade

CLASSES = Path(__file__).parent / "data" / "classes.jsonl"


def check(gold: str, answer: str, expected: bool, question: str | None = None) -> None:
    assert equivalent(gold, answer, question=question) is expected, (gold, answer)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        # the value of a named quantity (OlympiadBench / Math-Verify numina golds)
        (r"\frac{PQ}{QR} = \frac{2}{\sqrt{3}}", r"\frac{2\sqrt{3}}{3}", True),
        (r"|CD| = 4", "4", True),
        ("4", r"|CD| = 4", True),  # and the reverse
        (r"E_{\min} = -\frac{1}{2}", "-0.5", True),
        (r"[ABC] = 24", "24", True),
        (r"|CD| = 4", "5", False),
        (r"x^2 + y^2 = 1", "1", False),  # trap: an equation, not a name
        ("x + y = 5", "5", False),
    ],
)
def test_a_named_quantity_on_one_side_is_its_value(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        ("a=1,b=3;a=2,b=5", "(1,3),(2,5)", True),
        ("(1,3),(2,5)", "a=1,b=3;a=2,b=5", True),  # the other way round
        ("(1,3),(2,5)", r"a=2,b=5 \text{ or } a=1,b=3", True),
        ("(1,3),(2,5)", "(a,b) = (1,3), (2,5)", True),
        ("(1,3)", "a=1, b=3", True),
        ("(1,3),(2,5)", "a=1,b=5;a=2,b=3", False),  # trap: the values re-paired
        ("(1,3),(2,5)", "1,3,2,5", False),  # trap: the tuples flattened
        ("(1,3)", "a=3, b=1", False),
    ],
)
def test_parameter_assignments_are_tuples(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        (r"-1 \le g(t) < 2", "[-1,2)", True),
        ("[-1,2)", r"-1 \le f(x) < 2", True),
        (r"g(t) \in [-1,2)", "[-1,2)", True),
        ("[-1,1]", r"\{y \mid -1 \le y \le 1\}", True),
        (r"-1 < g(t) < 2", "[-1,2)", False),  # trap: the left end is open
        (r"-1 < 2x < 3", r"(-\frac12, \frac32)", True),  # 2x is no name: solved for x
    ],
)
def test_inequality_chains_are_intervals(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


@pytest.mark.parametrize(
    ("gold", "answer", "expected", "question"),
    [
        (r"25\%", "0.25", True, None),  # a percentage gold: its value ...
        (r"25\%", "25", True, None),  # ... or its number
        ("0.4", r"40\%", True, None),  # an answer's % means /100
        ("25", "0.25", True, "What percent of the class passed?"),
        ("0.25", "25", False, None),  # trap: a bare gold is never rescaled
        ("25", "0.25", False, None),
        ("25", "0.25", False, "How many students passed?"),
        (r"12.5\%", r"0.125\%", False, None),  # trap: both percentages, numbers differ
        (r"5\%", "0.5", False, None),
        (r"\frac{10}{3}", r"3\frac{1}{3}\%", False, None),  # trap: 3 1/3% is 1/30
        (r"3\frac{1}{3}\%", r"\frac{1}{30}", True, None),
        ("40", r"40\%", True, "By what percentage did it grow?"),
        (r"40\%", r"\frac{2}{5}", True, None),
        (r"40\%", r"\frac{2}{5}\%", False, None),  # trap: a percent sign after a fraction
    ],
)
def test_percent_readings(gold: str, answer: str, expected: bool, question: str | None) -> None:
    check(gold, answer, expected, question)


def test_a_percent_written_after_a_boxed_gold_belongs_to_it() -> None:
    assert grade(r"So $x = 1/5$, or $\boxed{20}$ percent.", r"$\boxed{20\%}$")
    assert not grade(r"So $\boxed{20}$ apples.", r"$\boxed{20\%}$")


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        ("07:15", "07:15:00", True),
        ("20:34", r"08:34 \text{P.M.}", True),
        ("3:45", r"3 \text{ hours } 45 \text{ minutes}", True),
        ("1:20", "2:40", False),  # trap: equal as ratios, different times
        ("12:00", "1:00", False),  # trap: both x/0 as divisions
        ("10:30", r"\frac{1}{3}", False),  # a clock value is no division
        ("20:34", "8:34", False),  # no am/pm: a 24-hour time
        ("3:2", "6:4", True),  # one-digit minutes: a ratio still
        ("7:15", "7{:}15", True),  # the LaTeX spacing form of the colon
        ("10:00", "10", False),
    ],
)
def test_clock_values_are_times_never_ratios(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        (r"2\frac{1}{2} \text{ cm}", "2.5", True),
        (r"\frac{7}{2}", r"3 \frac{1}{2} \text{ inches}", True),
        (r"3\frac{1}{3}\%", r"3 1/3 \%", True),
        ("4", r"4\frac{1}{2}\text{ hours}", False),
    ],
)
def test_mixed_numbers_with_units(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        (r"\mu_0 I r", r"r I \mu_0", True),
        (r"\frac{G M_{\oplus}}{R^2}", r"\frac{M_{\oplus} G}{R^2}", True),
        (r"\frac{G M_{\oplus}}{R^2}", r"\frac{M_{\odot} G}{R^2}", False),  # another constant
        (r"E_{0} + 1", "1 + E_0", True),
        (r"\approx 3.3 \hbar", r"3.3\hbar", True),
        (r"\frac{\hbar^2}{2 m a^2}", r"\frac{h^2}{2ma^2}", False),  # trap: hbar is not h
        (r"\frac{q}{4 \pi \varepsilon_0 r^2}", r"\frac{q}{4\pi\epsilon_0 r^2}", True),
        (r"\approx 9.8 \, \mathrm{m/s^2}", "9.8", True),
        (r"\log_{2} 8", "3", True),  # a function's subscript is no name
        (r"\Delta p \approx -\frac{\hbar \omega_{L}}{c}", r"-\frac{\omega_L \hbar}{c}", True),
        (
            r"n(\nu) = A \frac{R_{\odot}^{2}}{d^{2}}"
            r" e^{-\frac{h \nu}{k_{\mathrm{B}} T_{\mathrm{s}}}}",
            r"\frac{A R_{\odot}^2}{d^2} e^{-h\nu/(k_B T_s)}",
            True,
        ),  # OlympiadBench scoring_examples.json form: \mathrm subscripts, a named left side
        (r"M_{\oplus}(R + h)", r"M_{\oplus} R + M_{\oplus} h", True),  # a product, not f(x)
    ],
)
def test_symbolic_products_with_named_constants(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        ("C", "C. Because A and B are wrong", True),
        ("C", r"\text{C, since option A fails}", True),
        ("B", "**B** because options A and C violate it", True),
        ("B", "Option A is wrong, so the answer is B", True),
        ("A", "C. Option A would need x > 2", False),  # trap: A named, C chosen
        ("A", "A good choice is C", False),  # an article, not an option
        ("A", "the answer is a prime", False),
        ("C", r"(C) $\frac{1}{2}$", True),  # the option before its value
        ("C", r"(B) $\frac{1}{2}$", False),
    ],
)
def test_option_letter_before_an_explanation(gold: str, answer: str, expected: bool) -> None:
    assert grade(gold, answer) is expected, (gold, answer)


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        ("3375", r"\begin{matrix} 3 \\ 3 \\ 7 \\ 5 \end{matrix}", True),  # digits one per cell
        ("3375", r"\begin{matrix} 3 \\ 3 \\ 7 \\ 6 \end{matrix}", False),
        ("15", r"\begin{pmatrix}1\\5\end{pmatrix}", False),  # a vector of digits
        (r"\begin{pmatrix}1\\5\end{pmatrix}", "15", False),  # a gold vector never joins
        (
            r"\frac{9\sqrt{23}}{23}",
            r"\begin{matrix} \dfrac{ \\ 9 \\ \, \\ \sqrt{ \\ 23 \\ } \\ } \\ \dfrac{ \\ }"
            r" \\ { \\ 23 \\ } \end{matrix}",
            True,
        ),  # split around \dfrac: the empty \dfrac{} between the parts
        (
            r"\frac{\sin(\frac{6\pi}{13})}{\sin(\frac{\pi}{13})}",
            r"\begin{matrix} \frac{ \\ \sin \\ ( \\ \\ \dfrac{ \\ 6 \\ \pi \\ } \\ \\ 13"
            r" \\ \\ ) \\ \\ } \\ \\ / \\ \\ \sin \\ ( \\ \dfrac{ \\ \pi \\ }"
            r" \\ \\ 13 \\ ) \end{matrix}",
            True,
        ),  # a denominator outside its \dfrac; a \frac{} / b
        (
            r"2, 3, \frac{3}{2} + i\frac{\sqrt{3}}{2}",
            r"\begin{pmatrix} \\ 2 \\ \\ 3 \\ \\ \dfrac{ \\ 3 \\ }{ \\ 2 \\ } \\ + \\ \\ i \\ \\"
            r" \dfrac{ \\ \sqrt{ \\ 3 \\ } \\ }{ \\ 2 \\ } \end{pmatrix}",
            True,
        ),  # an empty cell between two operands separates items
        ("10\\sqrt{2}", r"\begin{matrix} 10 \\ \\ \sqrt{ \\ 2 \\ } \end{matrix}", True),
        ("13,14,18", r"\begin{pmatrix} a \\ 13 \\ b \\ 14 \\ c \\ 18 \end{pmatrix}", True),
        ("13,14,19", r"\begin{pmatrix} a \\ 13 \\ b \\ 14 \\ c \\ 18 \end{pmatrix}", False),
        ("x = 1, y = 2", r"x = 1 \\ y = 2", True),  # several lines
        ("x = 1, y = 2", r"\begin{aligned} x &= 1 \\ y &= 2 \end{aligned}", True),
        ("x = 1, y = 2", "x = 1\ny = 2", True),
        ("x = 1, y = 2", r"\begin{array}{l} x=1 \\ y=2 \end{array}", True),
        ("1, 2, 3", r"\begin{matrix} 1 \\ 2 \\ 3 \end{matrix}", True),  # a list as a column
        ("2", r"x = 2 \\ y = -1", False),
    ],
)
def test_shredded_cells_and_several_lines(gold: str, answer: str, expected: bool) -> None:
    check(gold, answer, expected)


def test_two_boxed_parts_keep_their_names() -> None:
    response = r"So $u_1 = \boxed{2}$ and $u_2 = \boxed{\frac{6}{2}}$."
    assert extract_answer(response) == r"u_1 = 2, u_2 = \frac{6}{2}"
    assert grade("u_1 = 2, u_2 = 3", response)
    assert grade("2, 3", response)
    assert grade("u_1 = 2, u_2 = 3", r"(a) $u_1 = \boxed{2}$. (b) $u_2 = \boxed{3}$.")
    assert not grade("u_1 = 3, u_2 = 2", r"$u_1 = \boxed{2}$ and $u_2 = \boxed{3}$")  # swapped
    assert not grade("u_1 = 2, u_2 = 3", r"Hence $u_2 = \boxed{3}$.")  # one part only
    assert grade("(a) 2 (b) 3", r"(a) $\boxed{2}$ (b) $\boxed{3}$")
    assert grade("3, 5", r"**(a)** $\boxed{3}$ **(b)** $\boxed{5}$")
    assert grade("3, 5", r"a) $\boxed{3}$, b) $\boxed{5}$")
    assert grade("u_1 = 3, u_2 = 5", r"$u_{1}=\boxed{3}$ and $u_{2}=\boxed{5}$")


def test_shredded_repair_stays_linear_on_long_input() -> None:
    cells = r" \\ ".join(["\\frac{", "1", "}{", "2", "}", ""] * 400)
    assert equivalent("1", rf"\begin{{matrix}} {cells} \end{{matrix}}", timeout=10) is False


def _grade_row(row: dict) -> bool:
    return grade(row["gold"], row["pred"], question=row.get("question"))


@pytest.mark.slow  # ~10 s
def test_class_cases_file() -> None:
    """Every labelled case of tests/math/data/classes.jsonl, each naming its source."""
    rows = [json.loads(line) for line in CLASSES.read_text().splitlines() if line.strip()]
    assert len(rows) >= 60 and all(r["source"] for r in rows)
    with ThreadPoolExecutor(max_workers=2) as pool:
        got = list(pool.map(_grade_row, rows))
    wrong = [r["id"] for r, g in zip(rows, got, strict=True) if g != r["equivalent"]]
    false_pos = [r["id"] for r, g in zip(rows, got, strict=True) if g and not r["equivalent"]]
    assert len(wrong) / len(rows) <= 0.05, wrong
    assert len(false_pos) <= 1, false_pos
