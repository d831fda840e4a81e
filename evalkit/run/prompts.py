"""``prompts.jsonl``: the prompt messages of every problem of a run, once per problem.

Stored so that a run can be audited, reported and re-judged without its data
folder; a resumed run checks that the benchmark still builds the same prompts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from evalkit.errors import EvalkitError
from evalkit.records import Message, Problem


@dataclass(frozen=True)
class PromptRecord:
    """The conversation a problem's samples start from (multi-turn steps extend it)."""

    problem_id: str
    title: str
    messages: tuple[Message, ...]

    @classmethod
    def of(cls, p: Problem) -> Self:
        """The record of a problem as the adapter built it."""
        return cls(p.id, p.title, tuple(dict(m) for m in p.messages))

    def to_json(self) -> dict[str, Any]:
        """One JSON line."""
        return {"problem_id": self.problem_id, "title": self.title,
                "messages": [dict(m) for m in self.messages]}

    @classmethod
    def from_json(cls, d: Mapping[str, Any], where: str) -> Self:
        """Parse one stored line; errors name ``where``."""
        msgs = d.get("messages")
        if not isinstance(d.get("problem_id"), str) or not isinstance(msgs, list) or not all(
                isinstance(m, dict) and isinstance(m.get("content", ""), str) for m in msgs):
            raise EvalkitError(f"{where}: bad prompt record (need problem_id and messages)")
        return cls(d["problem_id"], str(d.get("title") or ""), tuple(dict(m) for m in msgs))

    @property
    def text(self) -> str:
        """The messages' contents, for reading (reports)."""
        return "\n\n".join(str(m.get("content", "")) for m in self.messages)
