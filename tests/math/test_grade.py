"""grade(gold, response): extraction then comparison."""

from __future__ import annotations

import random
import time

from evalkit.math import extract_answer, grade


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


def test_random_garbage_never_raises() -> None:
    rng = random.Random(7)
    alphabet = [*"$\\{}()[]^_ .,;:ab12=<>+-*/&%", r"\boxed{", r"\frac", "answer is ", r"\(", r"\)"]
    alphabet += [r"\[", r"\]", "<think>", "</think>", r"\text{", r"\begin{pmatrix}", r"\\", r"\pm"]
    for _ in range(60):
        gold = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        response = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert grade(gold, response, timeout=2.0) in (True, False)


def test_extraction_is_linear_on_huge_adversarial_responses() -> None:
    # runs in the caller's process, outside the time limit: no quadratic scans
    for text in (r"\boxed{" * 50_000, r"\boxed{1}" * 50_000, "answer is " * 50_000, "$" * 100_001):
        start = time.monotonic()
        extract_answer(text)
        assert time.monotonic() - start < 10


def test_prose_without_math_mode_gives_its_last_number() -> None:
    assert grade("1000.99", "the number is not 10 which is 1,000.99€") is True
    assert grade("2/3", "So P(A) = 2/3. Therefore, the probability that Alice wins is 2/3.") is True
    assert grade("2", "AZYUK2A") is False  # a digit inside a word is not a number


def test_non_string_input_is_not_an_answer() -> None:
    assert grade("1", None) is False  # type: ignore[arg-type]
    assert grade(None, "1") is False  # type: ignore[arg-type]
