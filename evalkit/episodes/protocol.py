"""What a multi-step protocol provides: its parameters, its episode, its metrics."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from evalkit.benchmarks.base import Benchmark
    from evalkit.episodes.episode import Episode
    from evalkit.episodes.journal import EpisodeFinal


class Protocol(ABC):
    """One way of turning a (problem, sample) into an outcome over several steps.

    Subclasses set :attr:`name` and implement :meth:`run`.  ``run`` must make the
    same sequence of episode calls whenever the stored results are the same
    (no wall clock, no unseeded randomness): that is what makes resume exact.
    """

    name: ClassVar[str]
    # What `evalkit judge RUN` does: "final" re-judges each episode's final generation
    # (its steps did not depend on verdicts); "refuse": later steps were chosen from
    # earlier verdicts, so re-judging would describe a run that never happened.
    rejudge: ClassVar[Literal["final", "refuse"]] = "final"

    def __init__(self, bench: Benchmark):
        self.bench = bench

    def params(self) -> dict[str, Any]:
        """The protocol's parameters as JSON (they enter the manifest's identity)."""
        return {}

    def check(self) -> None:  # noqa: B027 - optional hook
        """Refuse early (EvalkitError) when this benchmark or its options cannot run it."""

    @abstractmethod
    def run(self, ep: Episode) -> None:
        """Run one episode to its end (:meth:`Episode.finish`)."""

    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        """Protocol metrics over every finished episode (summary ``protocol.metrics``)."""
        return {}

    def identity(self) -> dict[str, Any]:
        """``{"name": ..., **params}``: the manifest's ``protocol`` field."""
        return {"name": self.name, **self.params()}
