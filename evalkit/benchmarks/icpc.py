"""ICPC benchmarks (``icpc_wf2025``, ``icpc_sample``): Kattis problem packages, ICPC rules.

Data: a folder with one Kattis problem package per problem
(:mod:`evalkit.judging.kattis.package`).  Judging: compile, run every test in
order in the sandbox, first failure decides
(:mod:`evalkit.judging.kattis.judge`).  Scoring: problems solved, within the
first k submissions (:mod:`evalkit.scoring.icpc`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_program
from evalkit.extract.reasoning import split_reasoning
from evalkit.judging.kattis import judge as kjudge
from evalkit.judging.kattis.languages import CPP, LANGUAGES, language
from evalkit.judging.kattis.package import KattisProblem, content_hash, load_problem
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import icpc as scoring

PROMPT = """\
You are an expert competitive programmer taking part in the ICPC World Finals. \
Solve the problem below.

Reason about the problem, then write a complete, efficient program that reads \
from standard input and writes to standard output{interactive}. Use C++ (GNU \
C++23, compiled with -O2) or Python 3 ({python}).

Give your final program as a single fenced code block, ```cpp or ```python.

# Problem: {title}

{statement}

## Limits
- Time limit: {time_limit:g} seconds per test
- Memory limit: {memory} MiB
"""
INTERACTIVE = (" (this problem is interactive: the judge answers your output; flush "
               "standard output after every line)")
NO_CODE = "NO_CODE"


@dataclass(frozen=True)
class IcpcJudgeOptions:
    processes: int = 16


@dataclass(frozen=True)
class IcpcOptions(BenchmarkOptions):
    """The spec's keys (benchmarks/icpc*.toml); ``--set`` overrides any of them."""

    problems: list[str] = field(default_factory=list)  # empty: every package in the folder
    python: str = "pypy3"  # python3 | pypy3
    solved_at: list[int] = field(default_factory=lambda: list(scoring.DEFAULT_KS))
    time_limits: dict[str, float] = field(default_factory=dict)  # seconds, per problem
    judge: IcpcJudgeOptions = field(default_factory=IcpcJudgeOptions)


class IcpcBenchmark(Benchmark):
    needs_sandbox = True
    Options = IcpcOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        self._problems: dict[str, KattisProblem] | None = None
        self._hash: str | None = None
        self._keys: dict[str, str] = {}
        settings = self.spec.settings
        self.python = language(str(settings.get("python", "pypy3")))
        if self.python.fence != "python":
            raise EvalkitError(f"{self.spec.spec_path}: field 'python' must be python3 or pypy3")
        self.time_limits = {str(k): float(v) for k, v in settings.get("time_limits", {}).items()}
        self.ks = tuple(int(k) for k in settings.get("solved_at", scoring.DEFAULT_KS))
        self.processes = int(settings.get("judge", {}).get("processes", 16))

    # -- data ----------------------------------------------------------------
    def packages(self) -> dict[str, KattisProblem]:
        if self._problems is None:
            if self.data_dir is None or not Path(self.data_dir).is_dir():
                raise EvalkitError(f"{self.name}: no data. {self.spec.data_help}")
            root = Path(self.data_dir)
            names = self.spec.settings.get("problems") or sorted(
                p.name for p in root.iterdir() if (p / "problem.yaml").is_file())
            missing = [n for n in names if not (root / n / "problem.yaml").is_file()]
            if missing or not names:
                raise EvalkitError(
                    f"{self.name}: {root} has no Kattis package for "
                    f"{', '.join(missing) or 'any problem'} (expected DIR/<problem>/problem.yaml). "
                    f"{self.spec.data_help}")
            self._problems = {n: load_problem(root / n) for n in names}
            for n, p in self._problems.items():
                kjudge.effective_time_limit(p, self._settings(n))  # fail early, naming it
        return self._problems

    def _settings(self, name: str) -> kjudge.JudgeSettings:
        return kjudge.JudgeSettings(time_limit=self.time_limits.get(name),
                                    processes=self.processes)

    def data_hash(self) -> str:
        if self._hash is None:
            h = hashlib.sha256()
            for name, p in self.packages().items():
                h.update(name.encode() + b"\0" + content_hash(p).encode())
                h.update(repr(self._settings(name).fingerprint()).encode())
            self._hash = h.hexdigest()
        return self._hash

    def problems(self) -> list[Problem]:
        out = []
        for name, p in self.packages().items():
            out.append(Problem(
                id=name, title=p.name,
                messages=[{"role": "user", "content": self.prompt(name, p)}],
                reference=_reference(p),
                meta={"interactive": p.interactive,
                      "time_limit": kjudge.effective_time_limit(p, self._settings(name))},
            ))
        return out

    def prompt(self, name: str, p: KattisProblem) -> str:
        """The prompt: statement, limits, languages, answer format."""
        if p.statement is None:
            raise EvalkitError(f"{p.root}: no statement (statement/problem.en.md or "
                               "problem_statement/problem.en.tex)")
        return PROMPT.format(
            interactive=INTERACTIVE if p.interactive else "",
            python="run with PyPy 3" if self.python.name == "pypy3" else "run with CPython",
            title=p.name, statement=p.statement.read_text().strip(),
            time_limit=kjudge.effective_time_limit(p, self._settings(name)),
            memory=p.memory_mib)

    # -- judging -------------------------------------------------------------
    def sandbox_config(self, workers: int) -> Any:
        from evalkit.sandbox.docker import SandboxConfig

        memory = max(p.memory_mib for p in self.packages().values()) * 1024**2
        return SandboxConfig(workers=workers, memory=memory)

    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        from evalkit.sandbox.docker import sandbox_fingerprint

        return {
            "benchmark": self.name,
            "data_hash": self.data_hash(),
            **sandbox_fingerprint(ctx.image_id),
            "default_validator_sha256": hashlib.sha256(
                kjudge.DEFAULT_VALIDATOR.read_bytes()).hexdigest(),
            "languages": {n: [lang.compile_argv, lang.run_argv] for n, lang in LANGUAGES.items()},
            "python": self.python.name,
        }

    def _mirror(self, ctx: JudgeContext, name: str, p: KattisProblem) -> str:
        assert ctx.pool is not None
        if name not in self._keys:
            self._keys[name] = ctx.pool.mirror("kattis-" + content_hash(p)[:24], p.files())
        return self._keys[name]

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        p = self.packages()[problem.id]
        base: dict[str, Any] = {"problem_id": problem.id, "sample": generation.sample,
                                "judge_key": judge_key, "max_score": 1.0}
        split = split_reasoning(generation.response, generation.reasoning)
        found = extract_program(split.answer, ("cpp", "python"))
        if found is None:
            why = "reasoning never ended" if split.unclosed else "no C++ or Python code block"
            return Judgement(**base, verdict=NO_CODE, score=0.0, details={"message": why})
        lang = CPP if found[0] == "cpp" else self.python
        job = kjudge.build_job(p, found[1], lang, self._mirror(ctx, problem.id, p),
                               self._settings(problem.id))
        assert ctx.pool is not None
        out = kjudge.interpret(p, ctx.pool.run(job), self._settings(problem.id))
        details = {
            "language": lang.name,
            "failed_test": out.failed_test,
            "tests_run": len(out.tests),
            "tests_total": len(p.tests),
            "max_time": max((t.time for t in out.tests), default=0.0),
            "compile_message": out.compile_message[:2000],
            "tests": {t.name: t.to_json() for t in out.tests[-3:]},  # the last ones matter
        }
        return Judgement(**base, verdict=out.verdict,
                         score=1.0 if out.verdict == kjudge.AC else 0.0,
                         details=details, judge_error=out.judge_error)

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return scoring.summarize(self.name, problems, judgements, self.ks)



def _reference(p: KattisProblem) -> str | None:
    """A fenced accepted judge solution (C++ preferred), if the package has one."""
    acc = p.root / "submissions" / "accepted"
    if not acc.is_dir():
        return None
    for suffix, tag in ((".cpp", "cpp"), (".cc", "cpp"), (".py", "python")):
        for f in sorted(acc.glob(f"*{suffix}")):
            return f"```{tag}\n{f.read_text()}\n```\n"
    return None
