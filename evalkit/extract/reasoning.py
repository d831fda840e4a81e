"""Separating a reasoning model's thinking from its final answer.

Answers are read only from the final answer: a program or number that appears
inside unfinished reasoning does not count.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSE = "<think>", "</think>"


@dataclass(frozen=True)
class Split:
    reasoning: str
    answer: str
    unclosed: bool  # reasoning started but never ended (e.g. truncated)


def split_reasoning(response: str, reasoning: str | None = None) -> Split:
    """Split ``response`` into reasoning and final answer.

    ``reasoning`` is what a server returned separately (``reasoning_content``);
    then ``response`` is already the final answer.  Otherwise ``<think>…</think>``
    is looked for; a response that only has ``</think>`` (the template opened
    the block) is split there; an unclosed ``<think>`` leaves no answer.
    """
    if reasoning is not None and CLOSE not in response:
        return Split(reasoning, response, unclosed=False)
    if CLOSE in response:
        head, _, tail = response.rpartition(CLOSE)
        think = head.split(OPEN, 1)[1] if OPEN in head else head
        return Split(((reasoning or "") + think).strip(), tail, unclosed=False)
    if OPEN in response:
        before, _, think = response.partition(OPEN)
        return Split(think, before, unclosed=True)
    return Split("", response, unclosed=False)
