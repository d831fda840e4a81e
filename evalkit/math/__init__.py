"""Symbolic grading of math answers: extract the final answer, decide equivalence.

    >>> from evalkit.math import grade
    >>> grade("\\\\frac{1}{2}", "So the answer is $\\\\boxed{0.5}$.")
    True

The decision runs in a worker subprocess under a hard time limit (see
``_timeout``), so it is safe from threads and multiprocessing workers and never
hangs: a comparison that runs out of time is not equivalent.
"""

from __future__ import annotations

import re

from evalkit.extract.reasoning import split_reasoning
from evalkit.math._extract import (
    boxes,
    extract_answer,
    extract_final,
    final_statement,
    last_number,
)
from evalkit.math._timeout import POOL

__all__ = ["DEFAULT_TIMEOUT", "equivalent", "extract_answer", "grade"]

DEFAULT_TIMEOUT = 5.0  # seconds per comparison, as Math-Verify's verify()
_SPAN = re.compile(r"\$|\\\(|\\\[")
_OPTION = re.compile(r"\$?\s*(?:\\text\{)?\(?[A-J]\)?\}?\s*\$?")
_LEADING_OPTION = re.compile(r"\s*(?:\*\*)?\(?[A-J]\)(?:\*\*)?\s|\s*(?:\*\*)?[A-J][.:](?:\*\*)?\s")


def equivalent(
    gold: str, answer: str, timeout: float = DEFAULT_TIMEOUT, question: str | None = None
) -> bool:
    """Whether a competition grader would accept ``answer`` for ``gold``.

    Both are answers (LaTeX or plain text, ``$``/``\\boxed`` allowed), not whole
    responses.  False on any input that cannot be parsed or decided within
    ``timeout`` seconds.  ``question`` (optional) is only used to tell whether a
    bare gold is a percentage ("What percent …?": ``0.25`` then answers ``25``).
    """
    if not isinstance(gold, str) or not isinstance(answer, str):
        return False
    if not gold.strip() or not answer.strip():
        return False
    if gold.strip() == answer.strip():
        return True
    request = {"gold": gold, "answer": answer}
    if question:
        request["question"] = question
    reply = POOL.run(request, timeout)
    return bool(reply and reply.get("equivalent"))


def _gold_answer(gold: str) -> str:
    """A gold answer is used as written unless it is a boxed solution."""
    found = boxes(gold)
    if found:
        answer = extract_final(split_reasoning(gold).answer) or gold
        # "$\\boxed{20}$ percent": the unit written after the box is the gold's
        if re.match(r"\$*\s*(?:\\?%|\\text\{\s*percent|percent\b)", gold[found[-1][1] :]):
            answer += "\\%"
        return answer
    return gold


def _answer_of(text: str) -> str | None:
    """The answer in ``text``: extracted from a response, or ``text`` if bare."""
    split = split_reasoning(text)
    if split.unclosed:
        return None
    final = split.answer.strip()
    if not final:
        return None
    if boxes(final) or final_statement(final) is not None:
        return extract_final(final)
    if not _SPAN.search(final):
        # prose without math mode ("so the number is 1,000.99€"): its last number;
        # a few words ("10 square units", "no solution") are the answer itself
        if len(re.findall(r"(?<!\S)[A-Za-z]{2,}[,.;:!?]?(?!\S)", final)) >= 4:
            return last_number(final) or final
        return final
    # a bare answer written in math mode, e.g. "$(1,2).$", is kept whole
    inner = re.sub(r"^(\$\$?|\\\(|\\\[)|(\$\$?|\\\)|\\\])[\s.,;]*$", "", final)
    if not _SPAN.search(inner):
        return final
    return extract_final(final)


def grade(
    gold: str, response: str, timeout: float = DEFAULT_TIMEOUT, question: str | None = None
) -> bool:
    """Extract the final answer of ``response`` and compare it with ``gold``.

    A response that is already a bare answer (no box, no prose around its math)
    is compared as is; a response with an unclosed ``<think>`` scores False.
    """
    if not isinstance(gold, str) or not isinstance(response, str):
        return False
    answer = _answer_of(response)
    gold_answer = _gold_answer(gold)
    if answer is not None and _OPTION.fullmatch(gold_answer.strip()):
        final = split_reasoning(response).answer.strip()
        if not boxes(final) and _LEADING_OPTION.match(final):
            answer = final  # "(C) $\\frac{1}{2}$": the option, not its value
    if answer is None:
        return False
    return equivalent(gold_answer, answer, timeout, question)
