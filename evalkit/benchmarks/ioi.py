"""IOI benchmarks (``ioi2025``, ``ioi2024_sample``): CMS task packages, IOI rules.

Data: a folder with one CMS package per task (see
:mod:`evalkit.judging.cms.package`).  Judging: CMS task types in the
sandbox (:mod:`evalkit.judging.cms.tasktypes`).  Scoring: IOI subtask rules
and the 50-submission limit (:mod:`evalkit.scoring.ioi`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.options import BenchmarkOptions, Medals
from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_code
from evalkit.extract.reasoning import split_reasoning
from evalkit.judging.cms import tasktypes
from evalkit.judging.cms.package import CmsTask, content_hash, load_task
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import ioi as scoring

PROMPT = """\
You are an expert competitive programmer taking part in the International \
Olympiad in Informatics. Solve the task below.

Reason about the problem, then write a complete, efficient solution in C++17. \
Implement exactly the routine(s) described in the statement's implementation \
details. Your code runs with the official grader: do not read from standard \
input or write to standard output unless the statement says so, and do not \
write a main function or a sample grader.

Give your final solution as a single fenced code block:
```cpp
<your code>
```

# Task: {title}

{statement}

## Interface header ({header_name})
```cpp
{header}
```

## Limits
- Time limit: {time_limit:g} seconds per test
- Memory limit: {memory_mib} MiB
- Scoring: {subtasks}
"""

NO_CODE = "NO_CODE"
CE = "CE"


# How often a submission with wall-clock timeouts but little CPU is judged again.
WALL_RETRIES = 2


@dataclass(frozen=True)
class IoiJudgeOptions:
    output_limit_mb: int = 64
    processes: int = 1


@dataclass(frozen=True)
class IoiOptions(BenchmarkOptions):
    """The spec's keys (benchmarks/ioi*.toml); ``--set`` overrides any of them."""

    tasks: list[str] = field(default_factory=list)  # empty: every CMS package in the folder
    max_submissions: int = scoring.MAX_SUBMISSIONS
    medals: Medals | None = None
    judge: IoiJudgeOptions = field(default_factory=IoiJudgeOptions)


class IoiBenchmark(Benchmark):
    needs_sandbox = True
    Options = IoiOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        self._tasks: dict[str, CmsTask] | None = None
        self._hash: str | None = None
        self._task_keys: dict[str, str] = {}
        judge = self.spec.settings.get("judge", {})
        self.limits = tasktypes.JudgeLimits(
            output=int(judge.get("output_limit_mb", 64)) * 1024**2,
            processes=int(judge.get("processes", 1)),
        )

    # -- data ----------------------------------------------------------------
    def tasks(self) -> dict[str, CmsTask]:
        if self._tasks is None:
            if self.data_dir is None:
                raise EvalkitError(f"{self.name}: no data. {self.spec.data_help}")
            names = self.spec.settings.get("tasks") or sorted(
                p.name for p in self.data_dir.iterdir() if (p / "problem.json").exists())
            missing = [t for t in names if not (self.data_dir / t / "problem.json").exists()]
            if missing:
                raise EvalkitError(
                    f"{self.name}: {self.data_dir} has no CMS package for "
                    f"{', '.join(missing)} (expected DIR/<task>/problem.json). "
                    f"{self.spec.data_help}")
            self._tasks = {t: load_task(self.data_dir / t) for t in names}
        return self._tasks

    def data_hash(self) -> str:
        if self._hash is None:
            h = hashlib.sha256()
            for name, task in self.tasks().items():
                h.update(name.encode() + b"\0" + content_hash(task).encode())
            self._hash = h.hexdigest()
        return self._hash

    def problems(self) -> list[Problem]:
        out = []
        for name, task in self.tasks().items():
            reference = None
            if task.model_solution is not None:
                reference = "```cpp\n" + task.model_solution.read_text() + "\n```\n"
            out.append(Problem(
                id=name, title=task.title,
                messages=[{"role": "user", "content": build_prompt(task)}],
                reference=reference,
                meta={"max_score": task.max_score, "task_type": task.task_type},
            ))
        return out

    # -- judging -------------------------------------------------------------
    @classmethod
    def for_problem(cls, spec: Any, problem_id: str, data_dir: Path) -> IoiBenchmark:
        """This adapter on a judge node that holds only ``problem_id``'s package."""
        return cls(replace(spec, settings={**spec.settings, "tasks": [problem_id]}), data_dir)

    def sandbox_config(self, workers: int) -> Any:
        from evalkit.sandbox.docker import SandboxConfig

        memory = max(t.memory_limit for t in self.tasks().values())
        return SandboxConfig(workers=workers, memory=memory)

    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        from evalkit.sandbox.docker import sandbox_fingerprint

        return {
            "benchmark": self.name,
            "data_hash": self.data_hash(),
            **sandbox_fingerprint(ctx.image_id),
            "limits": self.limits.fingerprint(),
            "compile": tasktypes.COMPILE_FLAGS,
        }

    def _mirror(self, ctx: JudgeContext, task: CmsTask) -> str:
        assert ctx.pool is not None
        if task.code not in self._task_keys:
            key = content_hash(task)[:24]
            self._task_keys[task.code] = ctx.pool.mirror(key, task.files())
        return self._task_keys[task.code]

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        task = self.tasks()[problem.id]
        base: dict[str, Any] = {"problem_id": problem.id, "sample": generation.sample,
                                "judge_key": judge_key,
                "max_score": task.max_score}
        split = split_reasoning(generation.response, generation.reasoning)
        code = extract_code(split.answer, "cpp")
        if code is None:
            why = "reasoning never ended" if split.unclosed else "no C++ code block in the answer"
            return Judgement(**base, verdict=NO_CODE, score=0.0,
                             details={"compiled": False, "message": why})
        data_dir = self._mirror(ctx, task)
        codenames = sorted(task.tests)
        job = tasktypes.build_job(task, code, data_dir, self.limits, codenames)
        assert ctx.pool is not None
        ev = tasktypes.interpret(task, ctx.pool.run(job), codenames)
        rejudged = 0
        while ev.judge_error is None and rejudged < WALL_RETRIES \
                and tasktypes.starved_tests(task, ev):
            # Starved, not slow: judge again rather than score load as TLE.
            rejudged += 1
            ev = tasktypes.interpret(task, ctx.pool.run(job), codenames)
        if ev.judge_error is not None:
            return Judgement(**base, verdict=tasktypes.JE, score=0.0,
                             details={"compiled": ev.compiled}, judge_error=ev.judge_error)
        if not ev.compiled:
            return Judgement(**base, verdict=CE, score=0.0,
                             details={"compiled": False, "message": ev.compile_message})
        outcomes = {c: t.outcome for c, t in ev.tests.items()}
        subs = scoring.subtask_scores(_subtask_specs(task), outcomes, task.score_precision)
        judge_errors = [c for c, t in ev.tests.items() if t.verdict == tasktypes.JE]
        failing = next((t.verdict for c, t in sorted(ev.tests.items())
                        if t.verdict != tasktypes.AC), tasktypes.AC)
        details = {
            "compiled": True,
            "compile_message": ev.compile_message[:2000],
            "samples_passed": _samples_passed(task, ev.tests),
            "subtasks": [{"name": s.name, "points": s.points, "fraction": s.fraction,
                          "score": s.score} for s in subs],
            "tests": {c: t.to_json() for c, t in ev.tests.items()},
            "max_time": max((t.time for t in ev.tests.values()), default=0.0),
            "rejudged_for_wall_timeouts": rejudged,
        }
        return Judgement(
            **base, verdict=failing,
            score=round(scoring.submission_total(subs), task.score_precision),
            details=details,
            judge_error=(f"judge error on tests {', '.join(judge_errors)}"
                         if judge_errors else None),
        )

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return scoring.summarize(
            self.name, self.tasks(), problems, judgements,
            int(self.spec.settings.get("max_submissions", scoring.MAX_SUBMISSIONS)),
            self.spec.settings.get("medals"))



def build_prompt(task: CmsTask) -> str:
    """The prompt for one task: statement, interface header, limits, output format."""
    if task.statement is None:
        raise EvalkitError(f"{task.root}: no statement (statement.en.md or statement.md)")
    header_name = f"{task.code}.h"
    header_path = task.graders.get(header_name)
    header = header_path.read_text() if header_path else "(no header)"
    subtasks = "; ".join(f"subtask {s.index} ({s.name}): {s.score:g} points"
                         for s in task.subtasks if s.score > 0)
    return PROMPT.format(
        title=task.title, statement=task.statement.read_text().strip(),
        header_name=header_name, header=header.strip(), time_limit=task.time_limit,
        memory_mib=task.memory_limit // (1024 * 1024), subtasks=subtasks,
    )


def _subtask_specs(task: CmsTask) -> list[scoring.SubtaskSpec]:
    return [scoring.SubtaskSpec(s.name, s.score, s.testcases) for s in task.subtasks]


def _samples_passed(task: CmsTask, tests: Mapping[str, tasktypes.TestOutcome]) -> bool:
    """Whether every test of the zero-point (sample) subtasks is fully correct."""
    samples = {c for s in task.subtasks if s.score == 0 for c in s.testcases}
    return all(tests[c].outcome >= 1.0 for c in samples if c in tests)

