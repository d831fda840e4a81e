"""Separating a reasoning model's thinking from its final answer.

Rule (evalkit/extract/reasoning.py): answers are read only from the final
answer.  ``<think>R</think>A`` splits into R and A; a response holding only
``</think>`` was opened by the chat template and splits there; an unclosed
``<think>`` (truncated reasoning) leaves no answer, so a program written
inside unfinished reasoning is not graded; a server's separate
``reasoning_content`` means the response already is the final answer.
"""

from __future__ import annotations

from evalkit.extract.code import extract_code
from evalkit.extract.reasoning import split_reasoning

DRAFT = "```cpp\nint draft;\n```"
FINAL = "```cpp\nint final_answer;\n```"


def test_think_tags_split_reasoning_from_answer():
    s = split_reasoning(f"<think>\nplan it\n</think>\n\nAnswer:\n{FINAL}")
    assert s.reasoning == "plan it"
    assert s.answer == f"\n\nAnswer:\n{FINAL}"
    assert not s.unclosed


def test_only_a_closing_tag_means_the_template_opened_the_block():
    s = split_reasoning(f"plan it {DRAFT}\n</think>\n{FINAL}")
    assert s.reasoning == f"plan it {DRAFT}"
    assert s.answer == f"\n{FINAL}"
    assert extract_code(s.answer) == "int final_answer;\n"


def test_code_inside_closed_reasoning_is_not_the_answer():
    """The naive 'last code block of the response' rule would grade the draft."""
    response = f"<think>\n{FINAL}\nhmm, no.\n</think>I give up."
    assert extract_code(response) is not None  # the naive rule finds a program
    assert extract_code(split_reasoning(response).answer) is None


def test_unclosed_think_leaves_no_answer():
    """Truncated reasoning: the program inside it does not count."""
    response = f"<think>Let me write it.\n{DRAFT}\nNow check the edge cases"
    s = split_reasoning(response)
    assert s.unclosed
    assert s.answer == ""
    assert "int draft;" in s.reasoning
    assert extract_code(s.answer) is None


def test_response_without_tags_is_all_answer():
    """Without any tag the response is taken as the answer (a non-reasoning model)."""
    s = split_reasoning(f"Solution:\n{FINAL}")
    assert (s.reasoning, s.answer, s.unclosed) == ("", f"Solution:\n{FINAL}", False)


def test_separate_reasoning_field_leaves_the_response_as_the_answer():
    s = split_reasoning(f"Here:\n{FINAL}", reasoning=f"thinking {DRAFT}")
    assert s.reasoning == f"thinking {DRAFT}"
    assert s.answer == f"Here:\n{FINAL}"
    assert not s.unclosed
    assert extract_code(s.answer) == "int final_answer;\n"


def test_separate_reasoning_and_a_leftover_closing_tag_still_split_at_the_tag():
    """Some servers leave the tail of the reasoning, up to ``</think>``, in the content."""
    s = split_reasoning(f"{DRAFT}</think>{FINAL}", reasoning="start ")
    assert s.answer == FINAL
    assert s.reasoning.startswith("start")
    assert "int draft;" in s.reasoning
