"""ICPC benchmarks (``icpc_wf2025``, ``icpc_sample``): Kattis problem packages, ICPC rules.

Data: a folder with one Kattis problem package per problem
(:mod:`evalkit.judging.kattis.package`).  Judging: compile, run every test in
order in the sandbox, first failure decides
(:mod:`evalkit.judging.kattis.judge`).  Scoring: problems solved, within the
first k submissions (:mod:`evalkit.scoring.icpc`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_program
from evalkit.extract.reasoning import split_reasoning
from evalkit.judging.kattis import judge as kjudge
from evalkit.judging.kattis import languages as klang
from evalkit.judging.kattis import multipass
from evalkit.judging.kattis import timelimit as tlimit
from evalkit.judging.kattis.languages import LANGUAGES, language
from evalkit.judging.kattis.package import KattisProblem, content_hash, load_problem
from evalkit.protocols.submit import SubmitOptions
from evalkit.records import Generation, Judgement, Problem
from evalkit.sandbox import job as sj
from evalkit.scoring import icpc as scoring
from evalkit.statements import statement_text

PROMPT = """\
You are an expert competitive programmer taking part in the ICPC World Finals. \
Solve the problem below.

Reason about the problem, then write a complete, efficient program that reads \
from standard input and writes to standard output{interactive}. Use C (gcc, \
-std=gnu17 -O2), C++ (GNU C++23, compiled with -O2), Java (OpenJDK 17), Kotlin \
(1.3) or Python 3 ({python}).

Give your final program as a single fenced code block: ```c, ```cpp, ```java, \
```kotlin or ```python.

# Problem: {title}

{statement}

## Limits
- Time limit: {time_limit:g} seconds per test
- Memory limit: {memory} MiB
"""
INTERACTIVE = (" (this problem is interactive: the judge answers your output; flush "
               "standard output after every line)")
NO_CODE = "NO_CODE"
log = logging.getLogger(__name__)
JUDGE_FACTS = "icpc_judge.json"  # in the run dir: toolchains, validator builds, time limits
COMPILE_ROOM = 1536 * 1024**2  # /tmp of a judge container: sources, binaries, captures


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
    # "secret" (default) or "samples": judge a package that ships only data/sample on it.
    judge_on: str = "secret"
    # Protocol "submit" (submissions-to-solve, evalkit/protocols/submit.py).
    submit: SubmitOptions = field(default_factory=SubmitOptions)

    PROTOCOLS: ClassVar[tuple[str, ...]] = ("submit",)

    def check(self, where: str) -> None:
        self.submit.check(where)


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
        self._toolchains: dict[str, str | None] | None = None
        self._broken: dict[str, str] | None = None  # problem -> its validator's build error
        self.judge_on = _judge_on(str(settings.get("judge_on", "secret")),
                                  f"{self.spec.spec_path}: field 'judge_on'")
        self.refused: dict[str, str] = {}  # problem -> why its package is not judged
        self.derived: dict[str, tlimit.DerivedLimit] = {}

    # -- data ----------------------------------------------------------------
    def packages(self) -> dict[str, KattisProblem]:
        """The packages evalkit judges; a refused one is in :attr:`refused` instead.

        A package that cannot be judged (bad YAML, a typo, a scoring problem, no
        time limit and nothing to derive it from, ...) is left out of the run
        with its one-line reason (logged, and listed in the summary as refused
        and unsolved), so one bad package never aborts the others.  A run where
        every package is refused is an error.
        """
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
            problems: dict[str, KattisProblem] = {}
            self.refused = {}
            for n in names:
                try:
                    p = self._usable(load_problem(root / n))
                    for w in p.warnings:
                        log.warning(w)
                    problems[n] = p
                except EvalkitError as e:
                    self.refused[n] = str(e)
                    log.warning("refused %s: %s", n, e)
            self._derive_time_limits(problems)
            if not problems:
                raise EvalkitError(f"{self.name}: every package was refused; first: "
                                   f"{next(iter(self.refused.values()))}")
            self._problems = problems
        return self._problems

    def _usable(self, p: KattisProblem) -> KattisProblem:
        if p.samples_only and self.judge_on != "samples":
            raise EvalkitError(f"{p.root / 'data' / 'secret'}: no test cases (X.in with X.ans); "
                               "the package has sample data only: judge on it with "
                               "judge_on=samples")
        if self.judge_on == "samples":
            p = samples_package(p)
            if not p.tests:
                raise EvalkitError(f"{p.root / 'data' / 'sample'}: no sample test cases to "
                                   "judge on (judge_on=samples)")
        return p

    def _derive_time_limits(self, problems: dict[str, KattisProblem]) -> None:
        """Time limits from accepted submissions where neither package nor spec has one."""
        todo = [n for n, p in problems.items()
                if p.time_limit is None and n not in self.time_limits]
        if not todo:
            return
        from evalkit.sandbox.docker import SandboxConfig, SandboxPool, default_cache_dir

        cache = default_cache_dir().parent / "kattis-time-limits"
        pool: Any = None
        try:
            for n in todo:
                p = problems[n]
                try:
                    found = tlimit.cached(p, cache)
                    if found is None:
                        tlimit.check_derivable(p)
                        if pool is None:
                            pool = SandboxPool(SandboxConfig(
                                workers=1, memory=max(q.memory_mib for q in problems.values())
                                * 1024**2, tmp_size=COMPILE_ROOM, memory_slack=COMPILE_ROOM))
                        data_dir = pool.mirror("kattis-" + content_hash(p)[:24], p.files())
                        found = tlimit.derive(p, pool.run, data_dir)
                        tlimit.store(p, cache, found)
                except EvalkitError as e:
                    self.refused[n] = str(e)
                    log.warning("refused %s: %s", n, e)
                    del problems[n]
                    continue
                self.derived[n] = found
                problems[n] = dataclasses.replace(
                    p, time_limit=found.time_limit,
                    time_limit_source=(f"derived: {found.slowest:.3f}s "
                                       f"({found.slowest_submission}) x {found.multiplier:g}"))
        finally:
            if pool is not None:
                pool.close()

    def _settings(self, name: str) -> kjudge.JudgeSettings:
        return kjudge.JudgeSettings(time_limit=self.time_limits.get(name),
                                    processes=self.processes)

    def data_hash(self) -> str:
        if self._hash is None:
            h = hashlib.sha256()
            for name, p in self.packages().items():
                h.update(name.encode() + b"\0" + content_hash(p).encode())
                h.update(repr(self._settings(name).fingerprint()).encode())
            h.update(repr(sorted(self.refused.items())).encode())
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
        """The prompt: statement, limits, languages, answer format.

        The statement is Markdown/LaTeX as written or the text of a PDF
        (DOMjudge ships ``problem.pdf`` only).  Judging never needs one: a
        package without a statement still loads (replay, reference), its
        prompt says so, and a warning is logged.
        """
        if p.statement is None:
            log.warning("%s: no statement (statement/problem.en.md, problem_statement/"
                        "problem.en.tex or problem.pdf); its prompt has none", p.root)
            statement = "(This problem package has no statement.)"
        else:
            statement = statement_text(p.statement).strip()
        return PROMPT.format(
            interactive=INTERACTIVE if p.interactive else "",
            python="run with PyPy 3" if self.python.name == "pypy3" else "run with CPython",
            title=p.name, statement=statement,
            time_limit=kjudge.effective_time_limit(p, self._settings(name)),
            memory=p.memory_mib)

    # -- judging -------------------------------------------------------------
    def sandbox_config(self, workers: int) -> Any:
        from evalkit.sandbox.docker import SandboxConfig

        memory = max(p.memory_mib for p in self.packages().values()) * 1024**2
        # problemtools caps no compiler output: room in /tmp (and the container's
        # memory, which tmpfs counts against) for a binary with a large static array.
        return SandboxConfig(workers=workers, memory=memory, tmp_size=COMPILE_ROOM,
                             memory_slack=COMPILE_ROOM)

    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        from evalkit.sandbox.docker import sandbox_fingerprint

        self._record_judge_facts(ctx)
        return {
            "benchmark": self.name,
            "data_hash": self.data_hash(),
            **sandbox_fingerprint(ctx.image_id),
            "default_validator_sha256": hashlib.sha256(
                kjudge.DEFAULT_VALIDATOR.read_bytes()).hexdigest(),
            "languages": {n: [lang.compile_argv, lang.run_argv] for n, lang in LANGUAGES.items()},
            "kattis_rules": kjudge.RULES_VERSION,
            "python": self.python.name,
            "judge_on": self.judge_on,
            "time_limits": {n: kjudge.effective_time_limit(p, self._settings(n))
                            for n, p in self.packages().items()},
            "refused": dict(self.refused),
        }

    def judge_environment(self) -> dict[str, Any] | None:
        """Toolchain versions, validator builds and time limits (derived ones with their
        submissions) in the manifest, once the packages are loaded."""
        return self.judge_facts() if self._problems is not None else None

    def judge_facts(self) -> dict[str, Any]:
        """What the judge found out: toolchain versions, validator builds, time limits."""
        return {
            "toolchains": self._toolchains,
            "broken_validators": dict(self._broken or {}),
            "time_limits": {n: {"seconds": kjudge.effective_time_limit(p, self._settings(n)),
                                "source": p.time_limit_source if p.time_limit is not None
                                else "benchmark spec [time_limits]",
                                **({"derived": self.derived[n].to_json()}
                                   if n in self.derived else {})}
                            for n, p in self.packages().items()},
            "refused": dict(self.refused),
        }

    def _record_judge_facts(self, ctx: JudgeContext) -> None:
        """Probe the image (local pool only) and write :meth:`judge_facts` to the run dir.

        Not part of the judge fingerprint: the image id already fixes the
        toolchains, and a run judged on one executor (a Ray driver has no pool
        to probe with) must resume on another under the same judge key.  The
        facts go to ``RUN/icpc_judge.json`` and into the summary.
        """
        self.toolchains(ctx)
        self.check_validators(ctx)
        if ctx.run_dir is not None:
            f = Path(ctx.run_dir) / JUDGE_FACTS
            tmp = f.with_name(f.name + ".tmp")
            tmp.write_text(json.dumps(self.judge_facts(), indent=1, sort_keys=True))
            os.replace(tmp, f)

    def check_validators(self, ctx: JudgeContext) -> dict[str, str]:
        """Build every custom output validator once, before any submission is judged.

        A validator that does not compile makes every judgement of its problem
        a judge error naming the validator (never a wrong answer), without
        running the submissions; the other problems are judged as usual.
        """
        if ctx.pool is None or self._broken is not None:
            return self._broken or {}
        self._broken = {}
        for name, p in self.packages().items():
            if p.validator is None:
                continue
            build, _ = kjudge.validator_build(p, self._mirror(ctx, name, p))
            res = ctx.pool.run(sj.Job(trusted_builds=[build]))
            err = res.trusted_build_error or res.error
            if err:
                self._broken[name] = (f"{p.validator.root}: the output validator does not "
                                      f"build: {' '.join(err.split())[:300]}")
                log.warning(self._broken[name])
        return self._broken

    def toolchains(self, ctx: JudgeContext) -> dict[str, str | None] | None:
        """Each language's toolchain version in the judge image (None: missing).

        Probed once through the sandbox pool (a local executor); the versions go
        into the manifest with the judge fingerprint.  Without a pool here
        (Ray judges) they are not known and nothing is refused up front.
        """
        if self._toolchains is None and ctx.pool is not None:
            res = ctx.pool.run(klang.version_probe())
            text = res.compile.message if res.compile is not None else ""
            self._toolchains = klang.parse_versions(text)
            if not self._toolchains:
                raise EvalkitError(f"{self.name}: could not probe the judge image's "
                                   f"toolchains: {(res.error or text)[:200]}")
        return self._toolchains

    def _mirror(self, ctx: JudgeContext, name: str, p: KattisProblem) -> str:
        assert ctx.pool is not None
        if name not in self._keys:
            self._keys[name] = ctx.pool.mirror("kattis-" + content_hash(p)[:24], p.files())
        return self._keys[name]

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        return self._judge(problem, self.packages()[problem.id], generation, ctx, judge_key)

    def judge_samples(self, problem: Problem, generation: Generation, ctx: JudgeContext,
                      judge_key: str) -> Judgement:
        """The verdict on the package's sample tests only (``data/sample``), what a contestant
        can check before submitting: the same judge as :meth:`judge` on the package cut to
        its samples, as ``judge_on = "samples"`` judges a sample-only package.

        A package without sample test cases (an interactive problem's samples are
        ``.interaction`` transcripts, not tests) checks that the program compiles, nothing
        more: its verdict is CE, NO_CODE or AC.
        """
        return self._judge(problem, samples_package(self.packages()[problem.id]), generation,
                           ctx, judge_key)

    def _judge(self, problem: Problem, p: KattisProblem, generation: Generation,
               ctx: JudgeContext, judge_key: str) -> Judgement:
        base: dict[str, Any] = {"problem_id": problem.id, "sample": generation.sample,
                                "judge_key": judge_key, "max_score": 1.0}
        split = split_reasoning(generation.response, generation.reasoning)
        found = extract_program(split.answer, klang.FENCES)
        if found is None:
            why = "reasoning never ended" if split.unclosed else \
                "no C, C++, Java, Kotlin or Python code block"
            return Judgement(**base, verdict=NO_CODE, score=0.0, details={"message": why})
        lang = self.python if found[0] == "python" else LANGUAGES[found[0]]
        if self._broken and problem.id in self._broken:
            return Judgement(**base, verdict=kjudge.JE, score=0.0,
                             details={"language": lang.name},
                             judge_error=self._broken[problem.id])
        if self._toolchains is not None and self._toolchains.get(lang.name) is None:
            return Judgement(**base, verdict=kjudge.JE, score=0.0,
                             details={"language": lang.name},
                             judge_error=f"the judge image has no {lang.title} toolchain "
                                         f"({lang.version_argv[0]}); rebuild it (make image)")
        settings = self._settings(problem.id)
        data_dir = self._mirror(ctx, problem.id, self.packages()[problem.id])  # every file
        assert ctx.pool is not None
        out = multipass.evaluate(p, found[1], lang, data_dir, settings, ctx.pool.run)
        rejudged = 0
        if kjudge.starved(out, kjudge.effective_time_limit(p, settings)):
            # Killed by the wall clock with CPU to spare: the host's load, or a
            # blocked program.  Judge again with a patient wall limit; final.
            rejudged, first = 1, out.tests[-1]
            patient = dataclasses.replace(settings, patient=True)
            out = multipass.evaluate(p, found[1], lang, data_dir, patient, ctx.pool.run)
        details: dict[str, Any] = {
            "language": lang.name,
            "failed_test": out.failed_test,
            "tests_run": len(out.tests),
            "tests_total": len(p.tests),
            "max_time": max((t.time for t in out.tests), default=0.0),
            "compile_message": out.compile_message[:2000],
            "tests": {t.name: t.to_json() for t in out.tests[-3:]},  # the last ones matter
            "rejudged_for_wall_timeouts": rejudged,
        }
        if rejudged:
            details["first_wall_timeout"] = {"test": first.name, "cpu": first.time,
                                             "wall": first.wall_time}
        return Judgement(**base, verdict=out.verdict,
                         score=1.0 if out.verdict == kjudge.AC else 0.0,
                         details=details, judge_error=out.judge_error)

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return scoring.summarize(
            self.name, problems, judgements, self.ks, refused=self.refused,
            judge_facts=self.judge_facts() if self._problems is not None else None)



def samples_package(p: KattisProblem) -> KattisProblem:
    """``p`` with its sample test cases only (the rest of the package unchanged)."""
    return dataclasses.replace(p, tests=tuple(t for t in p.tests if t.is_sample))


def _judge_on(value: str, where: str) -> str:
    if value not in ("secret", "samples"):
        raise EvalkitError(f"{where} must be 'secret' or 'samples', not {value!r}")
    return value


def _reference(p: KattisProblem) -> str | None:
    """A fenced accepted judge solution (C++ preferred), if the package has one."""
    acc = p.root / "submissions" / "accepted"
    if not acc.is_dir():
        return None
    for suffix, tag in ((".cpp", "cpp"), (".cc", "cpp"), (".py", "python")):
        for f in sorted(acc.glob(f"*{suffix}")):
            return f"```{tag}\n{f.read_text()}\n```\n"
    return None
