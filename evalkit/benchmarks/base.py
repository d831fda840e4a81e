"""What a benchmark adapter provides to the pipeline.

An adapter knows its data format and its contest's rules; the pipeline knows
neither.  Declarative settings (data location, task list, medal cut-offs)
come from a spec file in ``benchmarks/<name>.toml``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit.records import Generation, Judgement, Problem

if TYPE_CHECKING:
    from rich.console import RenderableType

    from evalkit.sandbox.docker import SandboxConfig, SandboxPool


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    adapter: str
    title: str
    spec_path: Path
    data: Path | None  # bundled data folder, if any
    data_help: str  # where to get the data when it is not bundled
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class JudgeContext:
    """What judging needs at run time (a sandbox pool for code benchmarks)."""

    pool: SandboxPool | None = None
    image_id: str | None = None


class Benchmark(ABC):
    """A benchmark adapter bound to one data folder."""

    needs_sandbox = False

    def __init__(self, spec: BenchmarkSpec, data_dir: Path | None = None):
        self.spec = spec
        self.data_dir = data_dir or spec.data

    @property
    def name(self) -> str:
        return self.spec.name

    @abstractmethod
    def problems(self) -> list[Problem]:
        """Load the problems (with their prompts); errors name the file at fault."""

    @abstractmethod
    def data_hash(self) -> str:
        """A hash of everything the results depend on in the data."""

    def sandbox_config(self, workers: int) -> SandboxConfig | None:
        """Sandbox settings for judging, or None if judging needs no sandbox."""
        return None

    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        """Everything a verdict depends on besides the generation itself."""
        return {"benchmark": self.name, "data_hash": self.data_hash()}

    @abstractmethod
    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        """Extract, run and grade one generation."""

    @abstractmethod
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        """The run's summary: at least benchmark, score, max_score, metrics."""

    @abstractmethod
    def render(self, summary: Mapping[str, Any]) -> RenderableType:
        """A rich table of the summary."""
