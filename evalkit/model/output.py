"""Turning an engine's raw output into a :class:`Generation` (shared by all engine backends).

The stored ``response`` is the final answer and ``reasoning`` the thinking, so
answer extraction never sees reasoning.  When the chat template itself opened
the reasoning block (the prompt ends in ``<think>``, as ChatML reasoning
templates do with ``enable_thinking=True``), the output has only the closing
``</think>``; if it has none the whole output is unfinished reasoning.
"""

from __future__ import annotations

from collections.abc import Callable

from evalkit.extract.reasoning import CLOSE, OPEN, split_reasoning
from evalkit.model.base import GenerationRequest
from evalkit.records import Generation


def prompt_opens_reasoning(prompt: str) -> bool:
    """True if a rendered prompt leaves the model inside a reasoning block."""
    tail = prompt.rstrip()
    return tail.endswith(OPEN) and not tail.endswith(OPEN + CLOSE)


def split_output(text: str, server_reasoning: str | None,
                 opened: bool) -> tuple[str | None, str]:
    """(reasoning or None, final answer) of one output."""
    if server_reasoning is not None:
        s = split_reasoning(text, server_reasoning)
        return s.reasoning, s.answer
    if opened and CLOSE not in text:
        return text, ""  # reasoning never ended: no answer
    if opened or OPEN in text or CLOSE in text:
        s = split_reasoning(text)
        if s.unclosed:
            return s.reasoning, ""
        return s.reasoning, s.answer
    return None, text


def make_generation(req: GenerationRequest, text: str, *, server_reasoning: str | None = None,
                    opened: bool = False, finish_reason: str | None,
                    prompt_tokens: int | None, completion_tokens: int | None,
                    reasoning_tokens: int | None = None,
                    count_tokens: Callable[[str], int] | None = None,
                    meta: dict[str, object] | None = None) -> Generation:
    """A Generation with reasoning split off and per-part token counts.

    ``reasoning_tokens`` comes from the server when it reports it; otherwise the
    answer is tokenized with ``count_tokens`` (when the tokenizer is known) and
    the rest of ``completion_tokens`` is reasoning.
    """
    reasoning, answer = split_output(text, server_reasoning, opened)
    answer_tokens: int | None = None
    if reasoning is None:
        reasoning_tokens, answer_tokens = 0, completion_tokens
    elif reasoning_tokens is not None and completion_tokens is not None:
        answer_tokens = completion_tokens - reasoning_tokens
    elif count_tokens is not None and completion_tokens is not None:
        answer_tokens = min(completion_tokens, count_tokens(answer)) if answer else 0
        reasoning_tokens = completion_tokens - answer_tokens
    return Generation(problem_id=req.problem.id, sample=req.sample, response=answer,
                      reasoning=reasoning, finish_reason=finish_reason,
                      prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                      seed=req.seed, meta=dict(meta or {}), reasoning_tokens=reasoning_tokens,
                      answer_tokens=answer_tokens, step=req.step)


def tool_meta(req: GenerationRequest, fmt: str | None) -> dict[str, object] | None:
    """What a generation that was offered tools records: the preset's ``tool_call_format``
    (``fmt``), so the protocol reads calls in its raw text the way this model writes them
    (evalkit/protocols/tir.py).  A request without tools records nothing."""
    if req.tools and fmt:
        return {"tool_call_format": fmt}
    return None


def error_generation(req: GenerationRequest, message: str) -> Generation:
    """A sample that could not be generated (e.g. its prompt is too long); the run goes on."""
    return Generation(problem_id=req.problem.id, sample=req.sample, response="",
                      seed=req.seed, error=message, finish_reason="error", step=req.step)
