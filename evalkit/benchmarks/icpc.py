"""ICPC benchmarks (``icpc_wf2025``, ``icpc_sample``): Kattis problem packages, ICPC rules.

Data: a folder with one Kattis problem package per problem
(:mod:`evalkit.judging.kattis.package`).  Judging: compile, run every test in
order in the sandbox, first failure decides
(:mod:`evalkit.judging.kattis.judge`).  Scoring: problems solved, within the
first k submissions (:mod:`evalkit.scoring.icpc`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from evalkit.benchmarks.base import Benchmark, JudgeContext, headline
from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_program
from evalkit.extract.reasoning import split_reasoning
from evalkit.judging.kattis import judge as kjudge
from evalkit.judging.kattis.languages import CPP, LANGUAGES, language
from evalkit.judging.kattis.package import KattisProblem, content_hash, load_problem
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import icpc as scoring
from evalkit.scoring.sampling import mean_pass_at_k

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
        per: dict[str, list[scoring.Submission]] = {p.id: [] for p in problems}
        verdicts: dict[str, Counter[str]] = {p.id: Counter() for p in problems}
        for (pid, _), j in judgements.items():
            if pid in per:
                per[pid].append(scoring.Submission(j.sample, j.verdict, j.judge_error is not None))
                verdicts[pid][j.verdict if j.judge_error is None else kjudge.JE] += 1
        counts = scoring.solved_at(per, self.ks)
        rows: dict[str, Any] = {}
        for pid, subs in per.items():
            first = scoring.first_accepted(subs)
            rows[pid] = {
                "generations": len(subs),
                "judged": sum(1 for s in subs if not s.judge_error),
                "judge_errors": sum(1 for s in subs if s.judge_error),
                "first_accepted": first,
                "solved": first is not None,
                "accepted": sum(1 for s in subs if s.verdict == kjudge.AC and not s.judge_error),
                "verdicts": dict(verdicts[pid]),
            }
        correct = {pid: [s.verdict == kjudge.AC for s in sorted(subs, key=lambda s: s.sample)
                         if not s.judge_error] for pid, subs in per.items()}
        pass1 = mean_pass_at_k(correct, 1) if all(correct.values()) else None
        solved = counts["solved@all"]
        return {
            "benchmark": self.name,
            "score": solved,
            "max_score": len(per),
            "metrics": {
                "score_rule": "ICPC: problems with an accepted submission (first failing test "
                              "decides each submission's verdict)",
                **counts,
                "ks": list(self.ks),
                "min_generations": min((r["judged"] for r in rows.values()), default=0),
                "pass@1": pass1.to_json() if pass1 else None,
                "judge_errors": sum(r["judge_errors"] for r in rows.values()),
                "problems": rows,
            },
            **headline("problems solved", "problems", "sum",
                       {pid: 1.0 if r["solved"] else 0.0 for pid, r in rows.items()},
                       {pid: 1.0 for pid in rows}),
        }

    def render(self, summary: Mapping[str, Any]) -> RenderableType:
        m = summary["metrics"]
        table = Table(title=f"{summary['benchmark']} — ICPC scoring", title_justify="left")
        for col in ("problem", "solved", "first AC", "accepted", "gens", "verdicts"):
            table.add_column(col, justify="left" if col in ("problem", "verdicts") else "right")
        for pid, r in m["problems"].items():
            verdicts = " ".join(f"{k}:{v}" for k, v in sorted(r["verdicts"].items()))
            table.add_row(pid, "yes" if r["solved"] else "no",
                          str(r["first_accepted"] or "-"), str(r["accepted"]),
                          str(r["generations"]), verdicts)
        table.add_section()
        table.add_row("total", f"{summary['score']}/{summary['max_score']}", "", "", "", "")
        at = ", ".join(f"@{k}: {m[f'solved@{k}']}" for k in m["ks"])
        lines: list[RenderableType] = [table, Text(
            f"solved {at}, all: {m['solved@all']} (of {summary['max_score']}; fewest judged "
            f"generations per problem: {m['min_generations']})")]
        if m["judge_errors"]:
            lines.append(Text(f"{m['judge_errors']} judge error(s): not counted as wrong; "
                              "re-run to retry them", style="bold red"))
        return Group(*lines)


def _reference(p: KattisProblem) -> str | None:
    """A fenced accepted judge solution (C++ preferred), if the package has one."""
    acc = p.root / "submissions" / "accepted"
    if not acc.is_dir():
        return None
    for suffix, tag in ((".cpp", "cpp"), (".cc", "cpp"), (".py", "python")):
        for f in sorted(acc.glob(f"*{suffix}")):
            return f"```{tag}\n{f.read_text()}\n```\n"
    return None
