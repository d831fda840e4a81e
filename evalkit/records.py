"""The records a run stores, one JSON line each.

A run directory holds ``generations.jsonl`` (:class:`Generation`) and
``judgements.jsonl`` (:class:`Judgement`); both are keyed by
``(problem_id, sample)``.  Benchmark-specific detail lives in ``details``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Self

Message = dict[str, str]  # {"role": ..., "content": ...}


@dataclass(frozen=True)
class Problem:
    """One problem as the pipeline sees it; adapters keep their richer objects."""

    id: str
    title: str
    messages: list[Message]
    reference: str | None = None  # a reference response (e.g. the model solution)
    meta: dict[str, Any] = field(default_factory=dict)


class _Record:
    """JSON (de)serialisation shared by the stored records."""

    problem_id: str
    sample: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.problem_id, self.sample)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Self:
        """Build from a stored line; unknown keys (from newer versions) are ignored."""
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True)
class Generation(_Record):
    problem_id: str
    sample: int
    response: str
    reasoning: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    seed: int | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Of completion_tokens: how many were reasoning and how many the final answer.
    reasoning_tokens: int | None = None
    answer_tokens: int | None = None


@dataclass(frozen=True)
class Judgement(_Record):
    problem_id: str
    sample: int
    judge_key: str  # fingerprint of the judge configuration that produced it
    verdict: str
    score: float
    max_score: float
    details: dict[str, Any] = field(default_factory=dict)
    judge_error: str | None = None  # set: not a verdict; re-judged on the next run
