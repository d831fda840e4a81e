"""The records a run stores, one JSON line each.

A run directory holds ``generations.jsonl`` (:class:`Generation`) and
``judgements.jsonl`` (:class:`Judgement`); both are keyed by
``(problem_id, sample)``.  Benchmark-specific detail lives in ``details``.

A sample may be an *episode* of several steps (a conversation with the model and
its environment: feedback, tool results).  Each step is one Generation with its
``step`` number and the ``context`` turns added to the conversation before it;
the conversation of step s is the problem's stored prompt (prompts.jsonl), then
for each earlier step its ``context`` and its response as an assistant turn,
then step s's ``context``.  Single-shot runs have one step, 0, with no context
(docs/architecture.md, "The run record").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Self

# {"role": ..., "content": ...}; an assistant turn may carry OpenAI "tool_calls", a
# tool turn "tool_call_id": values other than strings are kept as given (JSON).
Message = dict[str, Any]


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

    step: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.problem_id, self.sample)

    @property
    def step_key(self) -> tuple[str, int, int]:
        """(problem, sample, step): unique per record also within an episode."""
        return (self.problem_id, self.sample, self.step)

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
    # Episodes: this record's step, and the turns (feedback, tool output) added before it.
    step: int = 0
    context: list[Message] = field(default_factory=list)
    # What ``context`` extends: None = the linear chain (prompt, then every earlier step;
    # single-shot records), PROMPT = the problem's prompt only, NOTHING = no messages
    # (context is the whole conversation), k >= 0 = step k's conversation and response.
    parent: int | None = None
    # A sibling of one generate(messages, n) call: its conversation is step ``same_as``'s
    # (stored once, not n times); its own parent/context are unset.
    same_as: int | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("parent", "same_as"):
            if d[key] is None:  # single-shot records stay byte-for-byte as before
                del d[key]
        return d

    def assistant_turn(self) -> Message:
        """This step's response as the assistant turn of a later conversation (with the
        OpenAI ``tool_calls`` the backend returned, if any)."""
        turn: Message = {"role": "assistant", "content": self.response}
        if self.meta.get("tool_calls"):
            turn["tool_calls"] = self.meta["tool_calls"]
        return turn

    def conversation(self, prompt: list[Message], earlier: list[Generation]) -> list[Message]:
        """The messages this step was generated from (see ``parent``): by default
        ``prompt``, then each ``earlier`` step's context and response (as an assistant
        turn), then this step's context."""
        if self.same_as is not None:
            first = {g.step: g for g in earlier}.get(self.same_as)
            if first is None:
                raise ValueError(f"{self.problem_id}#{self.sample} step {self.step}: "
                                 f"sibling step {self.same_as} not given")
            return first.conversation(prompt, earlier)
        if self.parent is None:
            out = list(prompt)
            for g in sorted(earlier, key=lambda g: g.step):
                out += [*g.context, g.assistant_turn()]
            return out + list(self.context)
        if self.parent == NOTHING:
            return list(self.context)
        if self.parent == PROMPT:
            return [*prompt, *self.context]
        by_step = {g.step: g for g in earlier}
        up = by_step.get(self.parent)
        if up is None:
            raise ValueError(f"{self.problem_id}#{self.sample} step {self.step}: "
                             f"parent step {self.parent} not given")
        return [*up.conversation(prompt, earlier), up.assistant_turn(), *self.context]


PROMPT = -1  # Generation.parent: the conversation starts from the problem's prompt
NOTHING = -2  # Generation.parent: the conversation is the context alone


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
    step: int = 0  # the episode step of the generation judged (0: single-shot)
