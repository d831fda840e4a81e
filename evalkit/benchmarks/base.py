"""What a benchmark adapter provides to the pipeline.

An adapter knows its data format and its contest's rules; the pipeline knows
neither.  Declarative settings (data location, task list, medal cut-offs)
come from a spec file in ``benchmarks/<name>.toml``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError
from evalkit.records import Generation, Judgement, Problem
from evalkit.run.summary import headline  # noqa: F401 - re-exported for adapters

if TYPE_CHECKING:
    from rich.console import RenderableType

    from evalkit.judging.llm import JudgeModel
    from evalkit.sandbox.docker import SandboxConfig, SandboxPool


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    adapter: str
    title: str
    spec_path: Path
    data: Path | None  # bundled data folder, if any
    data_help: str  # where to get the data when it is not bundled
    settings: dict[str, Any] = field(default_factory=dict)  # with ``overrides`` applied
    overrides: dict[str, Any] = field(default_factory=dict)  # --set options (dotted keys)


@dataclass
class JudgeContext:
    """What judging needs at run time (a sandbox pool for code benchmarks, a judge
    model for proof benchmarks)."""

    pool: SandboxPool | None = None
    image_id: str | None = None
    judge_model: JudgeModel | None = None
    run_dir: Path | None = None  # where adapters may keep per-judgement files (logs)


class Benchmark(ABC):
    """A benchmark adapter bound to one data folder."""

    needs_sandbox = False
    needs_judge_model = False  # graded by a judge model (--judge-backend)
    # The typed options of the spec file (and of --set); adapters declare their own.
    Options: ClassVar[type[BenchmarkOptions]] = BenchmarkOptions

    def __init__(self, spec: BenchmarkSpec, data_dir: Path | None = None):
        self.spec = spec
        self.data_dir = data_dir or spec.data
        self.options = self.Options.parse(spec.settings, str(spec.spec_path))

    @property
    def name(self) -> str:
        return self.spec.name

    @abstractmethod
    def problems(self) -> list[Problem]:
        """Load the problems (with their prompts); errors name the file at fault."""

    @abstractmethod
    def data_hash(self) -> str:
        """A hash of everything the results depend on in the data."""

    def import_predictions(self, path: Path, dest: Path) -> tuple[Path, str]:
        """``--predictions``: outputs made elsewhere (an agent's) -> (replay JSONL under
        ``dest``, model name).  Only benchmarks that define a predictions format take it."""
        raise EvalkitError(f"{self.name} reads no --predictions; pass --backend replay "
                           "--generations FILE")

    def judge_environment(self) -> dict[str, Any] | None:
        """Facts judging found out (toolchain versions, derived limits), for the manifest.

        Not part of the judge key: the image id already fixes the toolchains.  None by
        default.
        """
        return None

    def finish(self, run_dir: Path, summary: Mapping[str, Any]) -> None:  # noqa: B027
        """Write extra report files next to summary.json (nothing by default)."""

    def problem_files(self, problem_id: str) -> dict[str, Path]:
        """The data files judging ``problem_id`` reads, by path relative to the data folder.

        Remote judges (``--executor ray``) get exactly these files.  Default: the
        problem's own sub-folder if there is one, else the whole data folder.
        """
        if self.data_dir is None:
            return {}
        root = self.data_dir / problem_id if (self.data_dir / problem_id).is_dir() \
            else self.data_dir
        return {str(p.relative_to(self.data_dir)): p for p in sorted(root.rglob("*"))
                if p.is_file()}

    @classmethod
    def for_problem(cls, spec: BenchmarkSpec, problem_id: str, data_dir: Path) -> Benchmark:
        """The adapter bound to a copy of ``problem_files(problem_id)`` (on a remote judge)."""
        return cls(spec, data_dir)

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

    def generated(self, gens: Iterable[Generation], backend: str) -> list[Generation]:
        """The generations whose health (truncation, unclosed reasoning, no answer: the
        summary's ``generation`` and its "raise max_tokens" warning) describes how a model
        generated in this run; ``backend`` is the run's backend name.  Default: all."""
        return list(gens)

    @abstractmethod
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        """The run's summary (see :func:`headline` for the keys every summary has).

        Adapters delegate to their family's ``evalkit/scoring/<family>.py``.

        Every summary has ``benchmark``, ``score``, ``max_score``, ``metrics``
        (adapter-specific), ``headline`` and ``problems``; build the last two
        with :func:`headline` so tables and the regression gate can compare any
        two runs problem by problem without knowing the benchmark.
        """

    def render(self, summary: Mapping[str, Any]) -> RenderableType:
        """The console table of the summary (report/console.py, by adapter)."""
        from evalkit.report.console import render_summary

        return render_summary(self.spec.adapter, summary)
