"""IOI benchmarks (``ioi``, ``ioi2025``, ``ioi2024_sample``): CMS task packages, IOI rules.

Data: a folder with one CMS/TPS package per task (see
:mod:`evalkit.judging.cms.package`); ``ioi`` takes every package in the folder,
the others a fixed task list.  A malformed package refuses the run before
anything is generated or judged, naming the file; a checker or manager that
does not compile makes every judgement of that task a judge error naming the
file (not counted, retried on the next run) while the other tasks are judged.
Judging: CMS task types in the sandbox (:mod:`evalkit.judging.cms.tasktypes`).
Scoring: IOI subtask rules
and the 50-submission limit (:mod:`evalkit.scoring.ioi`).
Protocols: ``single`` (default) and ``contest`` (IOI contest mode, rounds with CMS
feedback: :mod:`evalkit.protocols.contest`, options table ``contest``).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.options import BenchmarkOptions, Medals
from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_code
from evalkit.extract.reasoning import split_reasoning
from evalkit.judging.cms import tasktypes
from evalkit.judging.cms.package import OUTPUT_ONLY, CmsTask, content_hash, load_task
from evalkit.protocols.contest import ContestOptions
from evalkit.records import Generation, Judgement, Problem
from evalkit.sandbox import job as sj
from evalkit.scoring import ioi as scoring
from evalkit.statements import statement_text

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


@dataclass(frozen=True)
class IoiJudgeOptions:
    output_limit_mb: int = 64
    processes: int = 1
    # CMS's TPS loader gives every Communication task std_io; "fifo_io" is a named
    # difference for packages written for FIFOs (README).
    user_io: str | None = None


@dataclass(frozen=True)
class IoiOptions(BenchmarkOptions):
    """The spec's keys (benchmarks/ioi*.toml); ``--set`` overrides any of them."""

    tasks: list[str] = field(default_factory=list)  # empty: every CMS package in the folder
    max_submissions: int = scoring.MAX_SUBMISSIONS
    medals: Medals | None = None
    judge: IoiJudgeOptions = field(default_factory=IoiJudgeOptions)
    # IOI contest mode (--set protocol=contest): rounds, candidates, feedback level...
    contest: ContestOptions = field(default_factory=ContestOptions)

    PROTOCOLS: ClassVar[tuple[str, ...]] = ("contest",)

    def check(self, where: str) -> None:
        self.contest.check(where)


class IoiBenchmark(Benchmark):
    needs_sandbox = True
    Options = IoiOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        self._tasks: dict[str, CmsTask] | None = None
        self._hash: str | None = None
        self._task_keys: dict[str, str] = {}
        self._broken: dict[str, str] = {}  # task -> why its checker/manager cannot be built
        self._lock = threading.Lock()
        judge = self.spec.settings.get("judge", {})
        # Deliberate difference (off by default): tps.py makes every Communication
        # task std_io; "fifo_io" passes the FIFO paths on argv instead.
        self.user_io: str | None = judge.get("user_io")
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
            if not names:
                raise EvalkitError(f"{self.name}: {self.data_dir} holds no task package "
                                   f"(no DIR/<task>/problem.json). {self.spec.data_help}")
            tasks, errors = {}, []
            for t in names:
                try:
                    tasks[t] = load_task(self.data_dir / t, self.user_io)
                except EvalkitError as e:
                    errors.append(str(e))
            if errors:
                # Refused before anything runs: nothing is lost, and no task is judged
                # under a package list that would change once the package is fixed.
                raise EvalkitError(f"{self.name}: {len(errors)} bad task package(s): "
                                   + " | ".join(errors))
            self._tasks = tasks
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
            if task.task_type == OUTPUT_ONLY:
                reference = output_only_reference(task)
            elif task.model_solution is not None:
                reference = "```cpp\n" + task.model_solution.read_text() + "\n```\n"
            meta: dict[str, Any] = {"max_score": task.max_score, "task_type": task.task_type}
            try:
                messages = [{"role": "user", "content": build_prompt(task)}]
            except EvalkitError as e:
                # Judging needs no statement (replay, reference); a backend that
                # needs the prompt is refused with this reason (pipeline.require_prompts).
                messages, meta["prompt_error"] = [], str(e)
            out.append(Problem(id=name, title=task.title, messages=messages,
                               reference=reference, meta=meta))
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
        """The task's data in the sandbox; its checker/manager built once, before any submission."""
        assert ctx.pool is not None
        with self._lock:
            if task.code not in self._task_keys:
                key = content_hash(task)[:24]
                data_dir = ctx.pool.mirror(key, task.files())
                builds = tasktypes.trusted_builds(task, data_dir)
                if builds:
                    res = ctx.pool.run(sj.Job(trusted_builds=builds))
                    why = res.trusted_build_error or res.error
                    if why is not None:
                        self._broken[task.code] = (
                            f"{task.root / tasktypes.trusted_source(task)}: does not build "
                            f"({why.splitlines()[0][:300] if why else ''})")
                self._task_keys[task.code] = data_dir
            return self._task_keys[task.code]

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        task = self.tasks()[problem.id]
        base: dict[str, Any] = {"problem_id": problem.id, "sample": generation.sample,
                                "judge_key": judge_key,
                "max_score": task.max_score}
        split = split_reasoning(generation.response, generation.reasoning)
        data_dir = self._mirror(ctx, task)
        if task.code in self._broken:
            return Judgement(**base, verdict=tasktypes.JE, score=0.0,
                             details={"compiled": False}, judge_error=self._broken[task.code])
        assert ctx.pool is not None
        if task.task_type == OUTPUT_ONLY:
            files = extract_output_files(split.answer, sorted(task.tests))
            job, names = tasktypes.output_only_job(task, files, data_dir, self.limits)
            ev = tasktypes.interpret_output_only(
                task, ctx.pool.run(job) if names else None, names)
            return self._judgement(task, base, ev, 0)
        code = extract_code(split.answer, "cpp")
        if code is None:
            why = "reasoning never ended" if split.unclosed else "no C++ code block in the answer"
            return Judgement(**base, verdict=NO_CODE, score=0.0,
                             details={"compiled": False, "message": why})
        ev, rejudged = tasktypes.evaluate(task, code, data_dir, self.limits, ctx.pool.run)
        return self._judgement(task, base, ev, rejudged)

    def _judgement(self, task: CmsTask, base: dict[str, Any], ev: tasktypes.Evaluation,
                   rejudged: int) -> Judgement:
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
            "rejudged_tests": rejudged,  # test runs added for tests starved by the host
        }
        return Judgement(
            **base, verdict=failing,
            score=round(scoring.submission_total(subs), task.score_precision),
            details=details,
            judge_error=(f"judge error on tests {', '.join(judge_errors)}"
                         if judge_errors else None),
        )

    def check_locally(self, problem: Problem, generation: Generation, ctx: JudgeContext,
                      examples: bool = True) -> dict[str, Any]:
        """What a contestant learns before submitting: does it compile, and does it pass
        the statement's examples (:func:`example_tests`; none: ``passed`` is None).

        JSON: ``{compiled, message, examples, passed, failed}``.  Run in the sandbox
        with the official graders (a contestant has the sample grader; on the
        examples they agree).  OutputOnly: "compiled" means at least one output file.
        A judge error raises (the episode retries it on the next run).
        """
        task = self.tasks()[problem.id]
        out: dict[str, Any] = {"compiled": False, "message": "", "examples": 0,
                               "passed": None, "failed": []}
        split = split_reasoning(generation.response, generation.reasoning)
        if task.task_type == OUTPUT_ONLY:
            files = extract_output_files(split.answer, sorted(task.tests))
            return {**out, "compiled": bool(files),
                    "message": "" if files else "no output file in the answer"}
        code = extract_code(split.answer, "cpp")
        if code is None:
            why = "reasoning never ended" if split.unclosed else "no C++ code block in the answer"
            return {**out, "message": why}
        data_dir = self._mirror(ctx, task)
        if task.code in self._broken:
            raise EvalkitError(self._broken[task.code])
        assert ctx.pool is not None
        names = example_tests(task) if examples else []
        ev, _ = tasktypes.evaluate(task, code, data_dir, self.limits, ctx.pool.run, names)
        errors = [c for c, t in ev.tests.items() if t.verdict == tasktypes.JE]
        if ev.judge_error is not None or errors:
            raise EvalkitError(f"{task.code}: local check of step {generation.step}: judge "
                               f"error: {ev.judge_error or 'on examples ' + ', '.join(errors)}")
        if not ev.compiled:
            return {**out, "message": ev.compile_message[:2000]}
        failed = [c for c in names if ev.tests[c].outcome < 1.0]
        return {**out, "compiled": True, "examples": len(names),
                "passed": not failed if names else None, "failed": failed}

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        if self.options.protocol == "contest":
            return scoring.summarize_contests(self.name, self.tasks(), problems, judgements,
                                              self.spec.settings.get("medals"))
        return scoring.summarize(
            self.name, self.tasks(), problems, judgements,
            int(self.spec.settings.get("max_submissions", scoring.MAX_SUBMISSIONS)),
            self.spec.settings.get("medals"))



OUTPUT_ONLY_PROMPT = """\
You are an expert competitive programmer taking part in the International \
Olympiad in Informatics. This is an output-only task: the input files are given \
below; submit one output file per input.

Give each output file as a fenced block whose info string is the file name, e.g.
```output_01.txt
<contents>
```

# Task: {title}

{statement}

## Input files
{inputs}
"""


def build_prompt(task: CmsTask) -> str:
    """The prompt for one task: statement (Markdown, else PDF text), interface, limits."""
    if task.statement is None:
        raise EvalkitError(f"{task.root}: no statement to build a prompt from (looked for "
                           "statement*.md, statements/en.md|pdf, translations/en.md)")
    statement = statement_text(task.statement).strip()
    subtasks = "; ".join(f"subtask {s.index} ({s.name}): {s.score:g} points"
                         for s in task.subtasks if s.score > 0)
    if task.task_type == OUTPUT_ONLY:
        inputs = "\n".join(f"### {tasktypes.output_file_name(c)} (input {t.input.name})\n"
                           f"```\n{t.input.read_text(errors='replace').strip()}\n```"
                           for c, t in sorted(task.tests.items()))
        return OUTPUT_ONLY_PROMPT.format(title=task.title, statement=statement, inputs=inputs)
    header_name = f"{task.code}.h"
    header_path = task.graders.get(header_name)
    header = header_path.read_text() if header_path else "(no header)"
    return PROMPT.format(
        title=task.title, statement=statement,
        header_name=header_name, header=header.strip(), time_limit=task.time_limit,
        memory_mib=task.memory_limit // (1024 * 1024), subtasks=subtasks,
    )


_FENCE = re.compile(r"^```[ \t]*(\S*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_NAME = re.compile(r"output_[A-Za-z0-9._-]+?\.txt")


def extract_output_files(answer: str, codenames: list[str]) -> dict[str, str]:
    """OutputOnly files from the final answer: fenced blocks named ``output_<test>.txt``.

    The name is the block's info string or the last file name on the line
    before it; a later block of the same name wins (the model's correction).
    """
    wanted = {tasktypes.output_file_name(c) for c in codenames}
    files: dict[str, str] = {}
    for m in _FENCE.finditer(answer):
        name = m.group(1)
        if name not in wanted:
            before = answer[:m.start()].rstrip().rsplit("\n", 1)[-1]
            names = [n for n in _NAME.findall(before) if n in wanted]
            name = names[-1] if names else ""
        if name in wanted:
            files[name] = m.group(2)
    return files


def output_only_reference(task: CmsTask) -> str | None:
    """The reference answer of an OutputOnly task: the expected outputs as files."""
    blocks = []
    for c, t in sorted(task.tests.items()):
        if t.output is None:
            return None
        blocks.append(f"```{tasktypes.output_file_name(c)}\n{t.output.read_text()}```\n")
    return "\n".join(blocks)


def _subtask_specs(task: CmsTask) -> list[scoring.SubtaskSpec]:
    return [scoring.SubtaskSpec(s.name, s.score, s.testcases, s.reduce) for s in task.subtasks]


def example_tests(task: CmsTask) -> list[str]:
    """The statement's examples: the tests of the zero-point subtasks (TPS packages
    keep them as subtask ``00-samples``); empty when a package has none."""
    return sorted({c for s in task.subtasks if s.score == 0 for c in s.testcases})


def _samples_passed(task: CmsTask, tests: Mapping[str, tasktypes.TestOutcome]) -> bool:
    """Whether every test of the zero-point (sample) subtasks is fully correct."""
    return all(tests[c].outcome >= 1.0 for c in example_tests(task) if c in tests)

