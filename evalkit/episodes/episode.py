"""One episode: the calls a protocol makes, each stored as it happens and replayed on resume."""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from evalkit.episodes.journal import EpisodeFinal, EpisodeRecords, Journal, judge_record
from evalkit.errors import EvalkitError
from evalkit.model.base import GenerationRequest, SamplingParams, step_seed
from evalkit.records import NOTHING, PROMPT, Generation, Judgement, Message, Problem

if TYPE_CHECKING:
    from evalkit.benchmarks.base import Benchmark, JudgeContext

J = TypeVar("J")
# The driver's side of generate(): requests in, one Generation per request out.
Generator = Callable[[Sequence[GenerationRequest]], list[Generation]]


class EpisodeError(EvalkitError):
    """An episode could not go on (a judge error, a replay that ran out): the episode
    ends with this error, is never counted as wrong, and is run again next time."""


class Diverged(EpisodeError):
    """The protocol asked for something else than what this position of the stored
    episode holds: the protocol's code or options changed, or it is not deterministic."""


class Episode:
    """The protocol's handle on one (problem, sample).

    Generations are stored by the driver in generations.jsonl; actions, verdicts
    and the outcome in episodes.jsonl (:class:`~evalkit.episodes.journal.Journal`).
    """

    def __init__(self, problem: Problem, sample: int, bench: Benchmark, params: SamplingParams,
                 *, generator: Generator, journal: Journal,
                 recorder: Callable[[Generation], None] | None = None,
                 stored: Sequence[Generation] = (), records: EpisodeRecords | None = None,
                 ctx: JudgeContext | None = None, judge_key: str = "",
                 judge_slots: threading.Semaphore | None = None):
        self.problem = problem
        self.sample = sample
        self.bench = bench
        self.params = params
        self.ctx = ctx
        self.judge_key = judge_key
        self._generator = generator
        self._recorder = recorder or (lambda g: None)  # stores a recorded step
        self._journal = journal
        self._stored = {g.step: g for g in stored}
        self._records = records or EpisodeRecords()
        self._judge_slots = judge_slots or threading.Semaphore(1)
        self._next_step = 0
        self._next_act = 0
        self._seen: dict[int, Generation] = {}  # steps returned so far, for parents
        self.final: EpisodeFinal | None = None
        self.judgement: Judgement | None = None  # finish(judgement=...), written by the driver

    # -- identity ------------------------------------------------------------------
    @property
    def prompt(self) -> list[Message]:
        """The problem's prompt (the first messages of most conversations)."""
        return self.problem.messages

    @property
    def name(self) -> str:
        return f"{self.problem.id}#{self.sample}"

    def rng(self, label: str) -> random.Random:
        """Randomness that is the same on every replay: seeded by run seed, episode, label."""
        h = hashlib.sha256(f"{self.params.seed}\0{self.problem.id}\0{self.sample}\0{label}"
                           .encode()).digest()
        return random.Random(int.from_bytes(h[:8], "big"))

    # -- generate ------------------------------------------------------------------
    def generate(self, messages: list[Message], n: int = 1, *, label: str = "",
                 params: SamplingParams | None = None,
                 tools: list[dict[str, Any]] | None = None) -> list[Generation]:
        """``n`` generations of the conversation ``messages``, each its own step.

        Steps are numbered in call order; stored steps are returned as stored
        (a stored step with another label is :class:`Diverged`); the rest are asked
        of the backend together with other episodes' requests.
        """
        return self.generate_many([(messages, n)], label=label, params=params, tools=tools)[0]

    def generate_many(self, convs: Sequence[tuple[list[Message], int]], *, label: str = "",
                      params: SamplingParams | None = None,
                      tools: list[dict[str, Any]] | None = None) -> list[list[Generation]]:
        """Several conversations at once (``(messages, n)`` each), all sent in one batch:
        steps are allocated in list order (conversation 0's n steps, then 1's, ...).
        Returns, per conversation, its n generations."""
        params = params or self.params
        plan: list[list[int]] = []
        missing: list[GenerationRequest] = []
        out: dict[int, Generation] = {}
        for messages, n in convs:
            if n < 1:
                raise ValueError("n must be at least 1")
            parent, context = self._compact(messages)
            steps = list(range(self._next_step, self._next_step + n))
            self._next_step += n
            plan.append(steps)
            for s in steps:
                g = self._stored.get(s)
                if g is not None:
                    self._check_label(g, label)
                    out[s] = g
                    continue
                # Siblings after the first store a reference to its conversation.
                sib = {"parent": parent, "context": context} if s == steps[0] else \
                    {"parent": None, "context": [], "same_as": steps[0]}
                missing.append(GenerationRequest(
                    problem=self.problem, sample=self.sample, messages=list(messages),
                    params=params, seed=step_seed(params.seed, self.problem.id, self.sample, s),
                    step=s, tools=tools, extra={"label": label, **sib}))
        if missing:
            for g in self._generator(missing):
                out[g.step] = g
        result = [[out[s] for s in steps] for steps in plan]
        for group in result:
            for g in group:
                self._seen[g.step] = g
        return result

    def record(self, response: str, *, label: str,
               meta: dict[str, Any] | None = None) -> Generation:
        """A step that is not a model call (an agent's patch, a chosen answer): stored like
        a generation (next step number, no seed), so that ``finish(final=...)`` can name it;
        replayed on resume like :meth:`generate`."""
        step = self._next_step
        self._next_step += 1
        g = self._stored.get(step)
        if g is not None:
            self._check_label(g, label)
        else:
            g = Generation(problem_id=self.problem.id, sample=self.sample, response=response,
                           finish_reason="recorded", meta={**(meta or {}), "label": label},
                           step=step, parent=NOTHING)
            self._recorder(g)
            self._stored[step] = g
        self._seen[step] = g
        return g

    def _check_label(self, g: Generation, label: str) -> None:
        if g.meta.get("label", "") != label:
            raise Diverged(f"{self.name} step {g.step}: stored as {g.meta.get('label')!r}, "
                           f"the protocol now asks {label!r}")

    def _compact(self, messages: list[Message]) -> tuple[int, list[Message]]:
        """(parent, context) storing ``messages`` without repeating what is stored:
        the longest earlier step's conversation + response it extends, else the prompt,
        else nothing."""
        best: tuple[int, int] | None = None  # (length covered, parent)
        for step, g in self._seen.items():
            conv = [*self._conversation(g), g.assistant_turn()]
            if len(conv) <= len(messages) and messages[:len(conv)] == conv \
                    and (best is None or len(conv) > best[0]):
                best = (len(conv), step)
        if best is not None:
            return best[1], list(messages[best[0]:])
        n = len(self.prompt)
        if n and messages[:n] == self.prompt:
            return PROMPT, list(messages[n:])
        return NOTHING, list(messages)

    def _conversation(self, g: Generation) -> list[Message]:
        return g.conversation(self.prompt, list(self._seen.values()))

    def conversation(self, g: Generation) -> list[Message]:
        """The messages step ``g`` was generated from."""
        return self._conversation(g)

    # -- act -----------------------------------------------------------------------
    @property
    def replaying(self) -> bool:
        """Whether the next :meth:`act` is served from the journal (resume) rather than run.

        A protocol with live state outside the run record (a Python session, a
        container) rebuilds that state before its first live action.
        """
        return self._next_act < len(self._records.acts)

    def act(self, label: str, fn: Callable[[], J]) -> J:
        """``fn()``'s JSON result, computed once and stored; replayed on resume."""
        seq = self._next_act
        self._next_act += 1
        if seq < len(self._records.acts):
            rec = self._records.acts[seq]
            if rec.get("label") != label:
                raise Diverged(f"{self.name} action {seq}: stored as {rec.get('label')!r}, "
                               f"the protocol now asks {label!r}")
            return rec.get("result")  # type: ignore[no-any-return,return-value]
        result = fn()
        # at_step: how many steps existed when it ran (orders actions among the steps
        # for readers: a trajectory is model turn, command, model turn...).
        rec = {"kind": "act", "problem_id": self.problem.id, "sample": self.sample,
               "seq": seq, "label": label, "result": result, "at_step": self._next_step}
        self._journal.append(rec)
        self._records.acts.append(rec)
        return result

    # -- judge ---------------------------------------------------------------------
    def judge(self, generation: Generation) -> Judgement:
        """The benchmark's verdict on step ``generation`` (stored; replayed on resume).

        A judge error ends the episode (:class:`EpisodeError`): a protocol must not
        act on a verdict the judge could not give.
        """
        rec = self._records.judges.get(generation.step)
        if rec is not None:
            if rec.get("judge_key") != self.judge_key:
                raise EpisodeError(f"{self.name} step {generation.step}: judged under judge "
                                   f"{rec.get('judge_key')}, the judge is now {self.judge_key} "
                                   "(the image or judge options changed mid-run); use another "
                                   "--out")
            return Judgement.from_json(rec["judgement"])
        if self.ctx is None:
            raise EpisodeError(f"{self.name}: this run has no judge open")
        with self._judge_slots:
            j = self.bench.judge(self.problem, generation, self.ctx, self.judge_key)
        j = replace(j, step=generation.step)
        if j.judge_error:
            raise EpisodeError(f"{self.name} step {generation.step}: judge error: "
                               f"{j.judge_error}")
        line = judge_record(self.problem.id, self.sample, generation.step, self.judge_key, j)
        self._journal.append(line)
        self._records.judges[generation.step] = line
        return j

    # -- finish --------------------------------------------------------------------
    def finish(self, final: Generation | None = None, *, judgement: Judgement | None = None,
               metrics: dict[str, Any] | None = None) -> None:
        """The episode's outcome: ``final`` (judged by the judge stage) or ``judgement``
        (the protocol's own verdict, written to judgements.jsonl by the driver), and its
        ``metrics`` (JSON)."""
        if final is not None and judgement is not None:
            raise ValueError("finish() takes a final generation or a judgement, not both")
        if self.final is not None:
            raise ValueError(f"{self.name}: finish() called twice")
        self.final = EpisodeFinal(self.problem.id, self.sample,
                                  step=final.step if final is not None else None,
                                  judged=judgement is not None, metrics=dict(metrics or {}),
                                  judge_key=self.judge_key or None)
        self.judgement = None if judgement is None else replace(
            judgement, problem_id=self.problem.id, sample=self.sample,
            judge_key=self.judge_key)
