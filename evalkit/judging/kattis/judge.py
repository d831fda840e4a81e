"""One submission to a Kattis problem as a sandbox job, and its verdict.

Rules, with their sources (Kattis/problemtools a185fe9741dd, DOMjudge/domjudge
a023fd3ec375; the memory, output, compile-output, multi-pass and derived time
limit rules are also checked against problemtools' own verdicts,
``tests/judging/kattis/reference/problemtools_verdicts.json``):

- Output validator interface (problem package format, "Output validators"):
  ``validator input answer feedback_dir [args] < team_output``; exit 42 is
  accept, 43 wrong answer, anything else (0 included, a crash, a time-out) a
  judge error, never a wrong answer.  ``feedback_dir`` is passed with a
  trailing slash as problemtools does.
- Batch run (problemtools ``judge/execute.py`` ``_run_normal``): a time-out
  is TLE before anything else, a non-zero exit or a signal is RTE, and only
  a clean exit is validated.
- Memory (problemtools ``run/program.py`` ``__run_wait``: ``RLIMIT_AS`` = the
  memory limit, none for the JVM; DOMjudge ``judgedaemon.main.php``
  ``determineVerdict`` has no memory verdict, a program killed over its
  cgroup limit is a run-error): the submission's address space is limited,
  an allocation past it fails and the program crashes, so memory exhaustion
  is RTE.  The message keeps evalkit's finer reason ("memory limit exceeded").
- Output (problemtools ``judge/validate.py`` L93-96: a finished run whose
  output is over ``limits.output`` is OLE; DOMjudge ``runguard.cc`` L905
  throws output past the limit away and lets the program run on, and
  ``determineVerdict`` checks TLE and RTE before OUTPUT-LIMIT): a program
  that ends after writing too much is OLE; one that writes forever runs into
  the time limit, TLE.  evalkit stops a flood at :func:`flood_cap` (4 x the
  output limit + 16 MiB) instead of letting it fill the disk, and calls that
  TLE, with "output flood" in the message.
- Compilation: no cap on the compiler's output size below the sandbox's
  disk (problemtools sets none); a source whose binary does not fit is CE.
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
- Time: CPU time (user + system, all threads) over the problem's time limit
  is TLE (problemtools ``judge/execute.py`` ``_run_normal``: ``runtime >
  timelim``, RLIMIT_CPU ``ceil(TL) + 1``; it sets no wall limit for batch
  runs).  evalkit's wall limit is only a safety net for a blocked or sleeping
  submission: 2 x TL + 1 s.  A verdict must not depend on the host's load,
  so a test killed by the wall clock with less CPU than the time limit
  (starved, or blocked) is judged again once with a patient wall limit of
  10 x TL + 10 s (:func:`starved`); that run's verdict is final (a blocked
  program times out again and is TLE).
"""

from __future__ import annotations

import dataclasses
import hashlib
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.judging.kattis.languages import (
    COMPILE_LIMITS,
    CPP,
    JVM_PROCESSES,
    Language,
    compile_job,
)
from evalkit.judging.kattis.package import CPP_SUFFIXES, KattisProblem, TestCase
from evalkit.sandbox import job as sj

EXIT_AC, EXIT_WA = 42, 43
AC, WA, TLE, RTE, MLE, OLE, CE, JE = "AC", "WA", "TLE", "RTE", "MLE", "OLE", "CE", "JE"
MIB = 1024**2
# Bumped when a verdict rule changes (it is part of the judge fingerprint).
RULES_VERSION = "2026-12 kattis: RLIMIT_AS memory -> RTE, flood -> TLE, patient re-judge"

DEFAULT_VALIDATOR = Path(__file__).with_name("default_validator.py")
FEEDBACK = "feedback"
# Runner verdict -> Kattis verdict (module docstring): memory is RTE, a flood TLE.
_FAILED_RUN = {sj.TLE: TLE, sj.WALL: TLE, sj.MLE: RTE, sj.OLE: TLE, sj.RE: RTE, sj.SIG: RTE}


@dataclass(frozen=True)
class JudgeSettings:
    """What the package does not say: the time limit fallback, process limit."""

    time_limit: float | None = None  # used only when the package sets none
    processes: int = 16  # processes + threads of a submission (Python threads, pthreads)
    patient: bool = False  # the re-judge of a starved test: a generous wall limit

    def fingerprint(self) -> dict[str, Any]:
        return {"time_limit": self.time_limit, "processes": self.processes}


@dataclass(frozen=True)
class TestVerdict:
    name: str
    verdict: str
    time: float  # CPU seconds of the submission
    memory_kb: int
    message: str = ""
    wall_timeout: bool = False  # the submission was killed by the wall clock
    wall_time: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "time": self.time, "memory_kb": self.memory_kb,
                "message": self.message, "wall_time": self.wall_time}


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


def wall_limit(tl: float, settings: JudgeSettings) -> float:
    """The wall-clock safety net of a submission run (module docstring)."""
    return 10 * tl + 10 if settings.patient else 2 * tl + 1


def starved(outcome: Outcome, tl: float) -> bool:
    """Whether the deciding test was killed by the wall clock with CPU under TL.

    Such a TLE says more about the host (another process had the CPU) or about
    a blocked program than about speed; the caller judges it again with
    ``JudgeSettings(patient=True)``.  Judge errors are retried elsewhere.
    """
    last = outcome.tests[-1] if outcome.tests else None
    return (outcome.verdict == TLE and last is not None and last.wall_timeout
            and last.time <= tl)


def flood_cap(problem: KattisProblem) -> int:
    """Bytes of output at which a still-writing submission is stopped (a flood)."""
    return 4 * problem.output_mib * MIB + 16 * MIB


# The trusted wrapper of a multi-pass validator: $1 feedback dir, $2 the previous
# pass's saved feedback (or ""), $3 where to save this pass's; then the validator.
# The spec: files in the feedback directory persist between passes, nextpass.in
# is removed before the next pass.  No braces: the runner substitutes {work} etc.
PASS_WRAPPER = """fb=$1; prev=$2; save=$3; shift 3
if [ -n "$prev" ]; then base64 -d "$prev" | tar xf - -C "$fb" || exit 120; fi
rm -f "$fb/nextpass.in"
"$@"
rc=$?
tar cf - -C "$fb" . | base64 -w0 > "$save" || exit 121
exit $rc
"""
STATE_LIMIT = 64 * MIB  # base64 of a pass's feedback directory (nextpass.in included)


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


def _user_limits(problem: KattisProblem, tl: float, settings: JudgeSettings,
                 lang: Language) -> sj.Limits:
    # problemtools: RLIMIT_AS = memory (not for the JVM, which reserves more
    # than it uses and is bounded by -Xmx), unlimited stack.  The peak-RSS
    # limit stays as the sandbox's own backstop.
    memory = problem.memory_mib * MIB
    return sj.Limits(cpu=tl, wall=wall_limit(tl, settings), memory=memory,
                     output=flood_cap(problem),
                     processes=max(settings.processes, JVM_PROCESSES) if lang.jvm
                     else settings.processes,
                     stack="unlimited", address_space=None if lang.jvm else memory)


def test_job(problem: KattisProblem, test: TestCase, data_dir: str, validator_argv: list[str],
             lang: Language, tl: float, settings: JudgeSettings,
             pass_state: str | None = None) -> sj.Test:
    """The sandbox test for one test case (batch or interactive).

    Multi-pass problems (:mod:`evalkit.judging.kattis.multipass`): the
    validator runs in a trusted wrapper that restores the feedback directory
    of the previous pass from ``pass_state`` (a trusted directory holding
    ``input.in`` and ``state.b64``) and saves it afterwards; the submission
    and the validator read that pass's input.
    """
    inp = f"{data_dir}/{test.input.relative_to(problem.root).as_posix()}"
    if pass_state is not None:
        inp = f"{pass_state}/input.in"
    ans = f"{data_dir}/{test.answer.relative_to(problem.root).as_posix()}"
    argv = [*validator_argv, inp, ans, f"{{work}}/{FEEDBACK}/",
            *problem.validator_args, *test.validator_args]
    if problem.multi_pass:
        argv = ["/bin/sh", "-c", PASS_WRAPPER, "pass", f"{{work}}/{FEEDBACK}",
                f"{pass_state}/state.b64" if pass_state else "", "{work}/state.b64", *argv]
    user_limits = _user_limits(problem, tl, settings, lang)
    validator_limits = sj.Limits(cpu=problem.validation_time,
                                 wall=wall_limit(tl, settings) + problem.validation_time,
                                 output=problem.output_mib * MIB)
    collect = [f"{FEEDBACK}/judgemessage.txt", f"{FEEDBACK}/teammessage.txt"]
    limit = 4096
    if problem.multi_pass:
        collect, limit = [*collect, "state.b64"], STATE_LIMIT
    run_argv = lang.run_command(problem.memory_mib)
    if not problem.interactive:
        user = sj.Process(name="user", argv=run_argv, limits=user_limits,
                          stdin=sj.Stream(path=inp), stdout=sj.Stream(capture="output.txt"))
        check = sj.Process(name="validator", argv=argv, trusted=True, limits=validator_limits,
                           stdin=sj.Stream(path="{work}/output.txt"),
                           stdout=sj.Stream(capture="validator.out", returned=True),
                           stderr=sj.Stream(capture="validator.err", returned=True),
                           return_limit=4096)
        return sj.Test(id=test.name, run=[user], check=check, work_dirs=[FEEDBACK],
                       collect=collect, collect_limit=limit)
    validator = sj.Process(name="validator", argv=argv, trusted=True, limits=validator_limits,
                           stdin=sj.Stream(pipe="from_user"), stdout=sj.Stream(pipe="to_user"),
                           stderr=sj.Stream(capture="validator.err", returned=True),
                           return_limit=4096)
    user = sj.Process(name="user", argv=run_argv, limits=user_limits,
                      stdin=sj.Stream(pipe="to_user"), stdout=sj.Stream(pipe="from_user"))
    return sj.Test(id=test.name, run=[validator, user], pipes=["to_user", "from_user"],
                   keep_open=["to_user"], hold_writes={"to_user": "validator", "from_user": "user"},
                   work_dirs=[FEEDBACK], collect=collect,
                   collect_limit=limit)


def build_job(problem: KattisProblem, source: str, lang: Language, data_dir: str,
              settings: JudgeSettings) -> sj.Job:
    """Compile, then every test in order, stopping at the first failure."""
    lang = lang.for_source(source)
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


def _run_failure(u: sj.ProcResult, tl: float, problem: KattisProblem,
                 check_output: bool = True) -> tuple[str, str] | None:
    if u.verdict == sj.XX:
        return JE, f"could not start the submission: {u.error}"
    if u.verdict == sj.OK:
        if check_output and u.stdout_size > problem.output_mib * MIB:
            return OLE, (f"output limit exceeded ({u.stdout_size / MIB:.1f} MiB of "
                         f"{problem.output_mib} MiB)")
        return None
    verdict = _FAILED_RUN[u.verdict]
    if u.verdict == sj.OLE:
        return TLE, (f"output flood: still writing at {flood_cap(problem) // MIB} MiB "
                     f"(output limit {problem.output_mib} MiB); time limit {tl:g}s")
    if u.verdict == sj.MLE:
        return RTE, f"memory limit exceeded ({u.max_rss_kb // 1024} MiB)"
    if verdict == TLE:
        return TLE, f"time limit {tl:g}s exceeded ({u.cpu_time:.3f}s CPU, {u.wall_time:.3f}s wall)"
    if u.signal == signal.SIGABRT or u.exit_code == 134:
        # An allocation over RLIMIT_AS: std::bad_alloc -> abort (or MemoryError).
        return RTE, f"killed by signal {u.signal} (abort; an allocation may have failed)"
    return RTE, (f"killed by signal {u.signal}" if u.signal is not None
                 else f"exit code {u.exit_code}")


def interpret_test(problem: KattisProblem, res: sj.TestResult, tl: float) -> TestVerdict:
    """The verdict of one test from the runner's facts (rules in the module docstring)."""
    tv = _interpret_test(problem, res, tl)
    u = res.procs["user"]
    return dataclasses.replace(tv, wall_timeout=u.verdict == sj.WALL, wall_time=u.wall_time)


def _interpret_test(problem: KattisProblem, res: sj.TestResult, tl: float) -> TestVerdict:
    u = res.procs["user"]
    time, mem = u.cpu_time, u.max_rss_kb
    if not problem.interactive:
        failed = _run_failure(u, tl, problem)
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
    failed = _run_failure(u, tl, problem, check_output=False)
    if failed:
        return TestVerdict(res.id, failed[0], time, mem, failed[1])
    return TestVerdict(res.id, v_verdict, time, mem, v_message)


def compile_outcome(result: sj.JobResult) -> Outcome | None:
    """JE or CE when the job failed before its tests; None when they ran."""
    if result.error is not None or result.trusted_build_error is not None:
        err = result.error or result.trusted_build_error
        return Outcome(JE, judge_error=err)
    if result.compile is not None and result.compile.result.verdict == sj.XX:
        return Outcome(JE, judge_error=f"compiler could not start: {result.compile.result.error}")
    c = result.compile
    if c is not None and c.result.verdict == sj.WALL and c.result.cpu_time < (
            COMPILE_LIMITS.cpu or 0) / 2:
        # Out of wall time with little CPU: the compiler was starved by a loaded
        # host, not defeated by the source.  Not a verdict; the pipeline retries.
        return Outcome(JE, judge_error=(
            f"compile ran out of wall time ({c.result.wall_time:.0f}s) with only "
            f"{c.result.cpu_time:.1f}s of CPU: machine overloaded; will be retried"))
    if result.compile is None or not result.compile.ok:
        msg = result.compile.message if result.compile else "no compile result"
        if result.compile is not None and result.compile.result.verdict not in (sj.OK, sj.RE):
            msg = f"compilation {result.compile.result.verdict}: {msg}".strip()
        return Outcome(CE, compile_message=msg[:4000])
    return None


def interpret(problem: KattisProblem, result: sj.JobResult, settings: JudgeSettings) -> Outcome:
    """The submission's verdict: CE, JE, or the first failing test's (AC if none)."""
    failed = compile_outcome(result)
    if failed is not None:
        return failed
    assert result.compile is not None
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
