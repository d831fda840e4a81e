"""One submission to a Kattis problem as a sandbox job, and its verdict.

Rules, with their sources:

- Output validator interface (problem package format, "Output validators"):
  ``validator input answer feedback_dir [args] < team_output``; exit 42 is
  accept, 43 wrong answer, anything else (0 included, a crash, a time-out) a
  judge error, never a wrong answer.  ``feedback_dir`` is passed with a
  trailing slash as problemtools does.
- Batch run (problemtools ``judge/execute.py`` ``_run_normal``): a time-out
  is TLE before anything else, a non-zero exit or a signal is RTE, and only
  a clean exit is validated.  The sandbox also reports memory (MLE) and
  output size (OLE) limits, as DOMjudge and Kattis do.
- Interactive run (``_run_interactive`` and ``support/interactive/
  interactive.cc``): validator and submission connected by two pipes; the
  read end of the validator-to-submission pipe stays open until both ended
  (the validator never sees a broken pipe); a process's write end is held
  until it was reaped, so which one ended first is known; a submission killed by SIGPIPE
  counts as a clean exit (the validator decides).  Then: validator exit
  other than 42/43 -> JE; validator rejected (43) and ended first -> WA;
  else submission time-out -> TLE, submission failure -> RTE; else the
  validator's verdict.
- Verdict of a submission: tests in order (samples first), the first
  non-accepted test decides (legacy spec ``on_reject: break``, verdict mode
  ``first_error``, which is how ICPC contests report), so the job stops there.
- Time: CPU time over the problem's time limit is TLE; the wall limit is
  2 x TL + 1 s (CMS's rule; problemtools uses ``ceil(2 x TL)`` for
  interactive runs) so that a blocked submission still ends as TLE.
"""

from __future__ import annotations

import hashlib
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.judging.kattis.languages import CPP, Language, compile_job
from evalkit.judging.kattis.package import CPP_SUFFIXES, KattisProblem, TestCase
from evalkit.sandbox import job as sj

EXIT_AC, EXIT_WA = 42, 43
AC, WA, TLE, RTE, MLE, OLE, CE, JE = "AC", "WA", "TLE", "RTE", "MLE", "OLE", "CE", "JE"
MIB = 1024**2
DEFAULT_VALIDATOR = Path(__file__).with_name("default_validator.py")
FEEDBACK = "feedback"
_FAILED_RUN = {sj.TLE: TLE, sj.WALL: TLE, sj.MLE: MLE, sj.OLE: OLE, sj.RE: RTE, sj.SIG: RTE}


@dataclass(frozen=True)
class JudgeSettings:
    """What the package does not say: the time limit fallback, process limit."""

    time_limit: float | None = None  # used only when the package sets none
    processes: int = 16  # processes + threads of a submission (Python threads, pthreads)

    def fingerprint(self) -> dict[str, Any]:
        return {"time_limit": self.time_limit, "processes": self.processes}


@dataclass(frozen=True)
class TestVerdict:
    name: str
    verdict: str
    time: float  # CPU seconds of the submission
    memory_kb: int
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "time": self.time, "memory_kb": self.memory_kb,
                "message": self.message}


@dataclass
class Outcome:
    """A submission's verdict: the first failing test's, AC if none failed."""

    verdict: str
    tests: list[TestVerdict] = field(default_factory=list)
    compile_message: str = ""
    judge_error: str | None = None

    @property
    def failed_test(self) -> str | None:
        return next((t.name for t in self.tests if t.verdict != AC), None)


def effective_time_limit(problem: KattisProblem, settings: JudgeSettings) -> float:
    tl = problem.time_limit if problem.time_limit is not None else settings.time_limit
    if tl is None:
        from evalkit.errors import EvalkitError

        raise EvalkitError(f"{problem.root}: no time limit in the package (limits.time_limit "
                           "or .timelimit); add a .timelimit file or [time_limits] in the "
                           "benchmark spec")
    return tl


def _key(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def validator_build(problem: KattisProblem, data_dir: str) -> tuple[sj.TrustedBuild, list[str]]:
    """The trusted build of the problem's output validator and the argv to run it."""
    v = problem.validator
    if v is None:
        text = DEFAULT_VALIDATOR.read_text()
        key = _key("default_validator", text)
        build = sj.TrustedBuild(key=key, argv=["/bin/chmod", "644", "default_validator.py"],
                                files={"default_validator.py": sj.FileText(text)},
                                artifacts=["default_validator.py"])
        return build, ["/usr/bin/python3", "-S", "-E", f"{{trusted}}/{key}/default_validator.py"]
    files: dict[str, str | sj.FileText] = {
        p.relative_to(v.root).as_posix(): f"{data_dir}/{p.relative_to(problem.root).as_posix()}"
        for p in v.sources}
    digest = hashlib.sha256()
    for p in v.sources:
        digest.update(p.relative_to(v.root).as_posix().encode() + b"\0" + p.read_bytes())
    if v.language == "cpp":
        sources = [rel for rel in files if Path(rel).suffix in CPP_SUFFIXES]
        argv = [CPP.compile_argv[0], "-O2", "-std=gnu++23", "-o", "validator", *sources]
        key = _key("validator", argv, digest.hexdigest())
        return (sj.TrustedBuild(key=key, argv=argv, files=files, artifacts=["validator"]),
                [f"{{trusted}}/{key}/validator"])
    argv = ["/bin/chmod", "644", v.entry]
    key = _key("validator", argv, digest.hexdigest())
    return (sj.TrustedBuild(key=key, argv=argv, files=files, artifacts=[v.entry]),
            ["/usr/bin/python3", f"{{trusted}}/{key}/{v.entry}"])


def _user_limits(problem: KattisProblem, tl: float, settings: JudgeSettings) -> sj.Limits:
    memory = problem.memory_mib * MIB
    return sj.Limits(cpu=tl, wall=2 * tl + 1, memory=memory, output=problem.output_mib * MIB,
                     processes=settings.processes, stack=memory)


def test_job(problem: KattisProblem, test: TestCase, data_dir: str, validator_argv: list[str],
             lang: Language, tl: float, settings: JudgeSettings) -> sj.Test:
    """The sandbox test for one test case (batch or interactive)."""
    inp = f"{data_dir}/{test.input.relative_to(problem.root).as_posix()}"
    ans = f"{data_dir}/{test.answer.relative_to(problem.root).as_posix()}"
    argv = [*validator_argv, inp, ans, f"{{work}}/{FEEDBACK}/",
            *problem.validator_args, *test.validator_args]
    user_limits = _user_limits(problem, tl, settings)
    validator_limits = sj.Limits(cpu=problem.validation_time,
                                 wall=(2 * tl + 1) + problem.validation_time,
                                 output=problem.output_mib * MIB)
    collect = [f"{FEEDBACK}/judgemessage.txt", f"{FEEDBACK}/teammessage.txt"]
    run_argv = list(lang.run_argv)
    if not problem.interactive:
        user = sj.Process(name="user", argv=run_argv, limits=user_limits,
                          stdin=sj.Stream(path=inp), stdout=sj.Stream(capture="output.txt"))
        check = sj.Process(name="validator", argv=argv, trusted=True, limits=validator_limits,
                           stdin=sj.Stream(path="{work}/output.txt"),
                           stdout=sj.Stream(capture="validator.out", returned=True),
                           stderr=sj.Stream(capture="validator.err", returned=True),
                           return_limit=4096)
        return sj.Test(id=test.name, run=[user], check=check, work_dirs=[FEEDBACK],
                       collect=collect, collect_limit=4096)
    validator = sj.Process(name="validator", argv=argv, trusted=True, limits=validator_limits,
                           stdin=sj.Stream(pipe="from_user"), stdout=sj.Stream(pipe="to_user"),
                           stderr=sj.Stream(capture="validator.err", returned=True),
                           return_limit=4096)
    user = sj.Process(name="user", argv=run_argv, limits=user_limits,
                      stdin=sj.Stream(pipe="to_user"), stdout=sj.Stream(pipe="from_user"))
    return sj.Test(id=test.name, run=[validator, user], pipes=["to_user", "from_user"],
                   keep_open=["to_user"], hold_writes={"to_user": "validator", "from_user": "user"},
                   work_dirs=[FEEDBACK], collect=collect,
                   collect_limit=4096)


def build_job(problem: KattisProblem, source: str, lang: Language, data_dir: str,
              settings: JudgeSettings) -> sj.Job:
    """Compile, then every test in order, stopping at the first failure."""
    tl = effective_time_limit(problem, settings)
    build, validator_argv = validator_build(problem, data_dir)
    if problem.interactive:
        stop = sj.StopRule(untrusted_failure=True, spare_signals=[int(signal.SIGPIPE)],
                           exit_not_in={"validator": [EXIT_AC]})
    else:
        stop = sj.StopRule(untrusted_failure=True, check_exit_not_in=[EXIT_AC])
    return sj.Job(
        trusted_builds=[build],
        compile=compile_job(lang, source),
        tests=[test_job(problem, t, data_dir, validator_argv, lang, tl, settings)
               for t in problem.tests],
        stop_on=stop,
    )


def _validator_verdict(v: sj.ProcResult | None, res: sj.TestResult) -> tuple[str, str]:
    message = (res.files.get(f"{FEEDBACK}/judgemessage.txt") or "").strip()
    if v is None:
        return JE, "validator did not run"
    if v.verdict == sj.XX:
        return JE, f"validator could not start: {v.error}"
    if v.exit_code == EXIT_AC and v.signal is None:
        return AC, message
    if v.exit_code == EXIT_WA and v.signal is None:
        return WA, message
    why = f"exit code {v.exit_code}" if v.signal is None else f"signal {v.signal}"
    if v.verdict in (sj.TLE, sj.WALL):
        why = "time limit"
    err = (v.stderr or "").strip()[:500]
    return JE, f"validator failed ({why}; 42 or 43 expected){': ' + err if err else ''}"


def _run_failure(u: sj.ProcResult, tl: float) -> tuple[str, str] | None:
    if u.verdict == sj.XX:
        return JE, f"could not start the submission: {u.error}"
    if u.verdict == sj.OK:
        return None
    verdict = _FAILED_RUN[u.verdict]
    if verdict == TLE:
        return TLE, f"time limit {tl:g}s exceeded ({u.cpu_time:.3f}s CPU, {u.wall_time:.3f}s wall)"
    if verdict == MLE:
        return MLE, f"memory limit exceeded ({u.max_rss_kb // 1024} MiB)"
    if verdict == OLE:
        return OLE, "output limit exceeded"
    return RTE, (f"killed by signal {u.signal}" if u.signal is not None
                 else f"exit code {u.exit_code}")


def interpret_test(problem: KattisProblem, res: sj.TestResult, tl: float) -> TestVerdict:
    """The verdict of one test from the runner's facts (rules in the module docstring)."""
    u = res.procs["user"]
    time, mem = u.cpu_time, u.max_rss_kb
    if not problem.interactive:
        failed = _run_failure(u, tl)
        verdict, message = failed if failed else _validator_verdict(res.check, res)
        return TestVerdict(res.id, verdict, time, mem, message)
    v = res.procs["validator"]
    if u.verdict == sj.SIG and u.signal == signal.SIGPIPE:
        u = sj.ProcResult(sj.OK, 0, None, u.cpu_time, u.wall_time, u.max_rss_kb,
                          exit_order=u.exit_order)
    v_verdict, v_message = _validator_verdict(v, res)
    if u.verdict == sj.XX:
        return TestVerdict(res.id, JE, time, mem, f"could not start the submission: {u.error}")
    if v_verdict == JE:
        return TestVerdict(res.id, JE, time, mem, v_message)
    if v_verdict == WA and v.exit_order < u.exit_order:
        return TestVerdict(res.id, WA, time, mem, v_message)
    failed = _run_failure(u, tl)
    if failed:
        return TestVerdict(res.id, failed[0], time, mem, failed[1])
    return TestVerdict(res.id, v_verdict, time, mem, v_message)


def interpret(problem: KattisProblem, result: sj.JobResult, settings: JudgeSettings) -> Outcome:
    """The submission's verdict: CE, JE, or the first failing test's (AC if none)."""
    if result.error is not None or result.trusted_build_error is not None:
        err = result.error or result.trusted_build_error
        return Outcome(JE, judge_error=err)
    if result.compile is not None and result.compile.result.verdict == sj.XX:
        return Outcome(JE, judge_error=f"compiler could not start: {result.compile.result.error}")
    if result.compile is None or not result.compile.ok:
        msg = result.compile.message if result.compile else "no compile result"
        if result.compile is not None and result.compile.result.verdict not in (sj.OK, sj.RE):
            msg = f"compilation {result.compile.result.verdict}: {msg}".strip()
        return Outcome(CE, compile_message=msg[:4000])
    tl = effective_time_limit(problem, settings)
    out = Outcome(AC, compile_message=result.compile.message[:2000])
    for t in problem.tests:
        res = result.tests.get(t.name)
        if res is None:
            out.verdict, out.judge_error = JE, f"no result for test {t.name}"
            return out
        tv = interpret_test(problem, res, tl)
        out.tests.append(tv)
        if tv.verdict != AC:
            out.verdict = tv.verdict
            if tv.verdict == JE:
                out.judge_error = f"judge error on test {t.name}: {tv.message}"
            return out
    return out
