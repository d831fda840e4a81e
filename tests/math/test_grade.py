"""grade(gold, response): extraction then comparison."""

from __future__ import annotations

from evalkit.math import grade


def test_response_is_extracted_then_compared() -> None:
    assert grade(r"\frac{1}{2}", r"Thus the probability is $\boxed{\dfrac{1}{2}}$.") is True
    assert grade("4", "The answer is 4 4/9.") is False


def test_bare_answer_is_compared_as_is() -> None:
    assert grade(r"\sqrt{6}", r"\sqrt{6}") is True
    assert grade("(1,2)", "$(1,2).$") is True


def test_a_bare_gold_is_never_cut_down_to_its_last_span() -> None:
    assert grade("$21,16$ or $11$", "$21,16,11$") is True


def test_boxed_gold_solution_uses_its_box() -> None:
    assert grade(r"Hence $x = \boxed{5}$.", "5") is True


def test_truncated_reasoning_scores_false() -> None:
    assert grade("7", r"<think>the answer is \boxed{7} but let me check") is False
    assert grade("7", r"<think>hmm</think>So $\boxed{7}$.") is True
