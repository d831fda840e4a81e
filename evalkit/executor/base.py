"""Where judging runs: the executor interface.

An executor turns (problem, generation) units into :class:`Judgement` s and
yields each one as soon as it is finished, so the pipeline (the only writer of
the run directory) appends it at once.  Executors differ only in where the
units run; the judge fingerprint, the run directory and resume are the same
whichever executor runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.records import Generation, Judgement, Problem

JE = "JE"  # a judge-side failure: stored with judge_error set, never counted as wrong

Unit = tuple[Problem, Generation]


class Executor(ABC):
    """Runs judging units somewhere; subclasses implement :meth:`open` and :meth:`judge`."""

    name: str = "executor"

    @abstractmethod
    def open(self, bench: Benchmark) -> JudgeContext:
        """Prepare judging ``bench`` (sandboxes, cluster); the context names the judge image."""

    @abstractmethod
    def judge(self, bench: Benchmark, units: Sequence[Unit], ctx: JudgeContext,
              judge_key: str) -> Iterator[Judgement]:
        """Yield one Judgement per unit, in the order they finish."""

    def info(self) -> dict[str, Any]:
        """How judging ran, for the manifest (not part of the judge fingerprint)."""
        return {"executor": self.name}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release containers or the cluster connection."""


def judge_error(problem: Problem, generation: Generation, judge_key: str,
                why: str) -> Judgement:
    """A judgement that records a judge-side failure (retried on the next run)."""
    return Judgement(problem_id=problem.id, sample=generation.sample, judge_key=judge_key,
                     verdict=JE, score=0.0,
                     max_score=float(problem.meta.get("max_score", 0.0) or 0.0),
                     details={}, judge_error=why)
