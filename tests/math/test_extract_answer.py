"""extract_answer: which part of a model response is its final answer."""

from __future__ import annotations

import pytest

from evalkit.math import extract_answer


def test_last_boxed_wins_and_nested_braces_are_kept() -> None:
    text = r"First $\boxed{1}$, then finally $\boxed{\frac{a^{2}}{\sqrt{b}}}$."
    assert extract_answer(text) == r"\frac{a^{2}}{\sqrt{b}}"


def test_fbox_and_glm_box_tokens_count_as_boxes() -> None:
    assert extract_answer(r"so \fbox{42}") == "42"
    assert extract_answer("\n<|begin_of_box|>C<|end_of_box|>") == "C"


def test_boxes_joined_by_connectors_are_one_multi_part_answer() -> None:
    assert extract_answer(r"\(\boxed{1}\) and \(\boxed{-2}\).") == "1, -2"
    # boxes in different sentences with formulas between them are not joined
    text = r"We get $\boxed{200}$ after $x = 3$ steps, so the total is $\boxed{255}$."
    assert extract_answer(text) == "255"


def test_final_answer_statement_without_box() -> None:
    assert extract_answer("The final answer is $10,455$. I hope it is correct.") == "10,455"
    assert extract_answer("Therefore, answer is 189.\n\nAnother thought: no.") == "189"


def test_final_answer_statement_after_the_last_box_wins() -> None:
    text = r"first $\boxed{200}$ then ... Final Answer: The final answer is $10,455$."
    assert extract_answer(text) == "10,455"


def test_last_math_span_when_nothing_explicit() -> None:
    assert extract_answer(r"Therefore $x \gt 5$ is the solution.") == r"x \gt 5"
    assert extract_answer("Answer \\[ 9 \\]") == "9"
    assert extract_answer("Answer $ \n 9 \n $") == "9"


def test_plain_number_after_the_last_span_is_the_answer() -> None:
    text = r"so $$\frac{a}{b} \geq 2.$$ Therefore the error increases by 100%."
    assert extract_answer(text) == "100%"


def test_reasoning_is_ignored() -> None:
    assert extract_answer(r"<think>maybe \boxed{7}</think>The answer is $\boxed{8}$") == "8"


def test_unclosed_reasoning_has_no_answer() -> None:
    assert extract_answer(r"<think>so it is \boxed{7} ... and then") is None


@pytest.mark.parametrize("text", ["", "no math here at all", r"\boxed{unclosed"])
def test_nothing_to_extract(text: str) -> None:
    assert extract_answer(text) is None
