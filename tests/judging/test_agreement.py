"""Judge-vs-human agreement figures on small tables computed by hand."""

from __future__ import annotations

import pytest

from evalkit.judging.agreement import NONE, Pair, agreement, judge_class


def test_judge_class_on_each_scale():
    assert [judge_class(p) for p in (0, 1, 6, 7)] == ["Incorrect", "Partial", "Almost", "Correct"]
    assert [judge_class(p, "imo") for p in range(8)] == (
        ["Incorrect"] + ["Partial"] * 4 + ["Almost"] * 2 + ["Correct"])


def test_a_small_table():
    pairs = [
        Pair("a", 7, "Correct", 7.0, "Correct"),       # match
        Pair("b", 6, "Almost", 7.0, "Correct"),        # |7-6| = 1, classes 1, binarized ok
        Pair("c", 3, "Partial", 0.0, "Incorrect"),     # |0-3| = 3, classes 1, binarized ok
        Pair("d", 5, "Almost", 1.0, "Partial"),        # |1-5| = 4, classes 5, binarized wrong
        Pair("e", 0, "Incorrect", None, None),         # judge error: not counted
    ]
    got = agreement(pairs)
    assert (got.total, got.graded, got.ungraded, got.exact) == (5, 4, 1, 1)
    assert got.exact_rate == pytest.approx(1 / 4)
    assert got.binarized_rate == pytest.approx(3 / 4)
    assert got.mae_points == pytest.approx((0 + 1 + 3 + 4) / 4)
    assert got.mae_classes == pytest.approx((0 + 1 + 1 + 5) / 4)
    assert got.confusion["Correct"] == {"Incorrect": 0, "Partial": 0, "Almost": 0,
                                        "Correct": 1, NONE: 0}
    assert got.confusion["Almost"]["Correct"] == got.confusion["Almost"]["Partial"] == 1
    assert got.confusion["Partial"]["Incorrect"] == 1
    assert got.confusion["Incorrect"][NONE] == 1
    assert sum(sum(r.values()) for r in got.confusion.values()) == 5


def test_perfect_agreement_and_nothing_graded():
    same = [Pair(str(i), p, c, float(p), c)
            for i, (p, c) in enumerate([(0, "Incorrect"), (1, "Partial"), (6, "Almost")])]
    got = agreement(same)
    assert got.exact_rate == got.binarized_rate == 1.0 and got.mae_points == 0.0
    none = agreement([Pair("x", 7, "Correct")])
    assert none.graded == 0 and none.exact_rate is None and none.mae_points is None
    assert agreement([]).total == 0
