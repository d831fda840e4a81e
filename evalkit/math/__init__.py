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
from evalkit.math._extract import extract_answer, extract_final
from evalkit.math._timeout import POOL

__all__ = ["DEFAULT_TIMEOUT", "equivalent", "extract_answer", "grade"]

DEFAULT_TIMEOUT = 5.0  # seconds per comparison, as Math-Verify's verify()
_SPAN = re.compile(r"\$|\\\(|\\\[")


def equivalent(gold: str, answer: str, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """Whether a competition grader would accept ``answer`` for ``gold``.

    Both are answers (LaTeX or plain text, ``$``/``\\boxed`` allowed), not whole
    responses.  False on any input that cannot be parsed or decided within
    ``timeout`` seconds.
    """
    if not isinstance(gold, str) or not isinstance(answer, str):
        return False
    if not gold.strip() or not answer.strip():
        return False
    if gold.strip() == answer.strip():
        return True
    reply = POOL.run({"gold": gold, "answer": answer}, timeout)
    return bool(reply and reply.get("equivalent"))


def _answer_of(text: str) -> str | None:
    """The answer in ``text``: extracted from a response, or ``text`` if bare."""
    split = split_reasoning(text)
    if split.unclosed:
        return None
    final = split.answer.strip()
    spans = _SPAN.findall(final)
    found = extract_final(final)
    if found is None:
        return final or None
    if not spans or "boxed" in final or "box|>" in final:
        return found
    # a bare answer written in math mode, e.g. "$(1,2).$", is kept whole
    stripped = re.sub(r"^\s*(\$\$?|\\\(|\\\[)|(\$\$?|\\\)|\\\])[\s.,;]*$", "", final)
    if not _SPAN.search(stripped) and stripped.count("$") == 0:
        return final
    return found


def grade(gold: str, response: str, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """Extract the final answer of ``response`` and compare it with ``gold``.

    A response that is already a bare answer (no box, no prose around its math)
    is compared as is; a response with an unclosed ``<think>`` scores False.
    """
    answer = _answer_of(response)
    gold_answer = _answer_of(gold) or gold
    if answer is None:
        return False
    return equivalent(gold_answer, answer, timeout)
