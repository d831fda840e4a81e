"""One LiveCodeBench sample as a sandbox job, and its verdict.

The job: the in-sandbox harness (sandboxes/lcb/harness.py) and the program
placed under ``{bin}`` (``Job.files``: no compile step), then ONE test that runs
``python3 -I harness.py solution.py`` with the problem's test *inputs* on stdin,
forked warm by the container's zygote for the harness (a Python that has
imported it and lcb_runner's prelude modules once; sandboxes/runner, ZYGOTE),
which saves a sample the ~40 ms of a fresh interpreter and its imports.  All
tests of the sample run in that one process, as lcb_runner does (one process per
sample, ``run_test``, forked from its warm parent).  Expected outputs never enter the
sandbox: the harness reports what the program produced and the host compares
(:mod:`evalkit.judging.lcb.compare`).

Limits, from lcb_runner: per-test timeout 6 s by an alarm inside the harness
(``--timeout``, default 6); the whole process is bounded by lcb_runner's global
timeout ``(timeout + 1) * n_tests + 5`` seconds (``check_correctness``).  Both are
measured by the harness in *effective* time (wall time less the time the program
waited for a CPU; sandboxes/lcb/harness.py ``Clock``), so a verdict does not depend
on the host's load; the sandbox backs them up with the global figure as a CPU limit
and ``STRETCH`` times it as a wall limit.  lcb_runner sets no memory limit
(``reliability_guard(None)``); the sandbox needs one, 4 GiB by default, the figure
its comment names.

Values a call returns that the host cannot rebuild from builtins (objects with
their own ``__eq__``, numpy arrays) are compared inside the sandbox, where the
object lives: :func:`interpret` lists those tests (``compare_in_sandbox``) and the
caller runs the sample once more with their expected outputs, and only theirs, in
the spec (:func:`spec_json` ``compare``).

Each :class:`SampleResult` also carries ``lcb_results``: the per-test list
lcb_runner's ``evaluate_generations`` gives for the same sample (``True``, ``False``
for a wrong call result, -2/-3/-4, ``[-4]`` for "Error during testing", ``[-2]``
when its worker process dies), checked against lcb_runner itself by
tests/judging/lcb/test_lcb_differential.py.

Trust: the untrusted program shares the interpreter with the harness, so it can
write forged result lines or per-test times.  It cannot forge a pass without
producing the expected output (which it never sees); reported per-test times
are informational only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.judging.lcb.compare import (
    LcbTestingError,
    Opaque,
    ValueFormatError,
    compare_call,
    compare_stdout,
    decode_value,
    parse_expected,
    str_fails,
    truncate,
)
from evalkit.sandbox import job as sj

# The lcb_runner revision whose grading the harness and the host follow (recorded in
# the judge fingerprint and checked by tests/judging/lcb/lcb_runner_verdicts.json).
LCB_RUNNER_REVISION = "28fef95ea8c9f7a547c8329f2cd3d32b92c1fa24"
PYTHON = "/usr/bin/python3"
# The harness lets a starved test run up to this many times its limit in wall time
# (sandboxes/lcb/harness.py STRETCH); the sandbox's wall limit sits above that.
STRETCH = 40
HARNESS = "harness.py"
SOLUTION = "solution.py"

# Verdicts of one sample (LiveCodeBench codes in brackets).
AC = "AC"
WA = "WA"  # -2
TLE = "TLE"  # -3, or -1 (global timeout)
RE = "RE"  # -4
CE = "CE"  # -4 too in LiveCodeBench ("Error during testing"); named apart for clarity
MLE = "MLE"  # no memory limit in LiveCodeBench: the sandbox's own
OLE = "OLE"
JE = "JE"  # judge-side failure, never a verdict on the program


def harness_path() -> Path:
    from evalkit._resources import sandboxes_dir

    return sandboxes_dir() / "lcb" / HARNESS


@dataclass(frozen=True)
class JudgeLimits:
    timeout: int = 6  # seconds per test (lcb_runner --timeout)
    memory: int = 4 * 1024**3  # bytes, peak resident set of the interpreter
    output: int = 64 * 1024**2  # bytes of harness results (all tests' outputs)
    processes: int = 32  # threads are common (threading.stack_size + Thread for recursion)
    stack: int = 8 * 1024**2  # the usual Linux default, under which lcb_runner runs

    consistent_stdin: bool = False  # evalkit option: stdin read as one file (README)

    def fingerprint(self) -> dict[str, Any]:
        return {"timeout": self.timeout, "memory": self.memory, "output": self.output,
                "processes": self.processes, "stack": self.stack,
                "consistent_stdin": self.consistent_stdin}

    def global_wall(self, n_tests: int) -> float:
        """lcb_runner check_correctness: ``(timeout + 1) * n_tests + 5``."""
        return float((self.timeout + 1) * n_tests + 5)


def spec_json(mode: str, fn_name: str | None, inputs: list[str], timeout: int,
              consistent_stdin: bool = False, compare: dict[int, str] | None = None) -> bytes:
    """What the harness reads on stdin: the mode and the test inputs.

    No expected outputs, except, in a second run, those of the tests in ``compare``
    (whose returned objects only the sandbox can compare).
    """
    spec: dict[str, Any] = {"mode": mode, "fn_name": fn_name, "inputs": inputs,
                            "timeout": timeout}
    if consistent_stdin:
        spec["consistent_stdin"] = True
    if compare:
        spec["compare"] = {str(i): out for i, out in sorted(compare.items())}
    return json.dumps(spec).encode()


def spec_key(spec: bytes) -> str:
    return "lcb-" + hashlib.sha256(spec).hexdigest()[:24]


def build_job(code: str, harness_file: str, spec_file: str, n_tests: int,
              limits: JudgeLimits, warm: bool = True) -> sj.Job:
    """The sandbox job for one sample; ``*_file`` are container paths (DataStore).

    ``warm``: the harness is forked from the container's zygote, which has
    imported it and lcb_runner's prelude modules (see the module docstring);
    False: a fresh ``python3`` per sample (the same verdicts; for tests).
    """
    run = sj.Process(
        name="harness",
        argv=[PYTHON, "-I", "{bin}/" + HARNESS, "{bin}/" + SOLUTION],
        # The harness enforces lcb_runner's limits on effective time; these back it up
        # (a program that ignores the alarm) without depending on the host's load
        # for CPU-bound programs: CPU time at the global figure, wall well above it.
        limits=sj.Limits(cpu=limits.global_wall(n_tests),
                         wall=limits.global_wall(n_tests) * STRETCH + 10, memory=limits.memory,
                         output=limits.output, processes=limits.processes,
                         stack=limits.stack),
        stdin=sj.Stream(path=spec_file),
        stdout=sj.Stream(capture="results.jsonl", returned=True),
        return_limit=limits.output,
        zygote=harness_file,
    )
    return sj.Job(files={HARNESS: harness_file, SOLUTION: sj.FileText(code)},
                  tests=[sj.Test(id="all", run=[run])], zygote=warm)


@dataclass(frozen=True)
class TestVerdict:
    index: int
    verdict: str
    time: float | None
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"test": self.index, "verdict": self.verdict, "time": self.time,
                "message": self.message}


@dataclass(frozen=True)
class SampleResult:
    """A sample passes iff every test is AC (lcb_runner pass_k_utils: ``all(res > 0)``)."""

    verdict: str
    total: int
    passed: int  # tests passed before the first failure (later tests are not run)
    tests: list[TestVerdict] = field(default_factory=list)
    message: str = ""
    judge_error: str | None = None
    lcb_results: list[bool | int] | None = None  # lcb_runner's per-test list (see above)
    compare_in_sandbox: tuple[int, ...] = ()  # tests to run again with their outputs

    @property
    def ok(self) -> bool:
        return self.verdict == AC

    def details(self) -> dict[str, Any]:
        failed = next((t for t in self.tests if t.verdict != AC), None)
        times = [t.time for t in self.tests if t.time is not None]
        return {
            "tests_total": self.total, "tests_passed": self.passed,
            "first_failure": failed.to_json() if failed else None,
            "message": self.message, "max_time": max(times, default=None),
            "lcb_results": self.lcb_results,
        }


_PROC_VERDICTS = {sj.TLE: TLE, sj.WALL: TLE, sj.MLE: MLE, sj.OLE: OLE, sj.RE: RE, sj.SIG: RE}
ERROR_DURING_TESTING = [-4]  # lcb_runner run_test's ``except Exception``: one -4
WORKER_DIED = [-2]  # lcb_runner: no result from its worker ("TestRunnerError")


def _fail(verdict: str, n: int, message: str, lcb_results: list[bool | int]) -> SampleResult:
    return SampleResult(verdict, n, 0, message=message, lcb_results=lcb_results)


def interpret(result: sj.JobResult, mode: str, expected: list[str],
              compared: bool = False) -> SampleResult:
    """Compare what the harness reported with the expected outputs, test by test.

    ``compared``: this is the second run, where the harness compared the tests
    named in the first run's ``compare_in_sandbox`` itself.
    """
    n = len(expected)
    if result.error is not None:
        return SampleResult(JE, n, 0, judge_error=result.error)
    test = result.tests.get("all")
    if test is None or "harness" not in test.procs:
        return SampleResult(JE, n, 0, judge_error="no result for the harness")
    proc = test.procs["harness"]
    if proc.verdict == sj.XX:
        return SampleResult(JE, n, 0, judge_error=f"could not start python3: {proc.error}")
    text = proc.stdout or ""
    complete = text[: text.rfind("\n") + 1]  # a line cut by a kill or the return limit is dropped
    records = []
    for line in complete.splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            return _fail(RE, n, "the result channel was written to by the program (not the "
                         "harness's format)", WORKER_DIED)
        if not isinstance(rec, dict):
            return _fail(RE, n, "corrupted result channel", WORKER_DIED)
        records.append(rec)
    if not records:
        verdict = _PROC_VERDICTS.get(proc.verdict, RE)
        return _fail(verdict, n, f"the interpreter ended before running anything "
                     f"({_proc_message(proc)})", WORKER_DIED)
    head = records[0]
    if head.get("event") == "setup_error":
        kind = head.get("kind")
        verdict = CE if kind == "syntax" else TLE if kind == "timeout" else RE
        return _fail(verdict, n, truncate(str(head.get("error", ""))),
                     WORKER_DIED if kind == "crash" else ERROR_DURING_TESTING)
    if head.get("event") != "ready":
        return _fail(RE, n, "corrupted result channel", WORKER_DIED)
    parsed: list[Any] = []
    if mode == "call":  # grade_call_based loads every expected output before any test
        try:
            parsed = [parse_expected(e) for e in expected]
        except LcbTestingError as e:
            return _fail(RE, n, str(e), ERROR_DURING_TESTING)
    crash = next((r for r in records if r.get("event") == "crash"), None)
    verdicts: list[TestVerdict] = []
    codes: list[bool | int] = []
    pending: list[int] = []
    by_index = {r.get("i"): r for r in records[1:] if "i" in r}
    for i in range(n):
        rec = by_index.get(i)
        if rec is None:
            if crash is not None:
                v = TestVerdict(i, TLE, None, "lcb_runner's global time limit: the program "
                                "swallowed the alarm and ran on")
            elif proc.ok:
                v = TestVerdict(i, RE, None, "the program ended the interpreter before this test")
            else:
                v = TestVerdict(i, _PROC_VERDICTS.get(proc.verdict, RE), None,
                                _proc_message(proc))
            verdicts.append(v)
            codes = list(WORKER_DIED)
            break
        try:
            got, code = _test_verdict(i, rec, mode, expected[i],
                                      parsed[i] if parsed else None, compared)
        except LcbTestingError as e:  # lcb_runner's comparison itself raised
            verdicts.append(TestVerdict(i, WA, None, str(e)))
            codes = list(ERROR_DURING_TESTING)
            break
        if got is None:  # an object only the sandbox can compare: decided in a second run
            pending.append(i)
            continue
        v = got
        verdicts.append(v)
        codes.extend(code)
        if v.verdict != AC:
            break
    if pending:
        return SampleResult(JE, n, 0, verdicts, judge_error="awaiting comparison in the sandbox",
                            compare_in_sandbox=tuple(pending))
    passed = sum(1 for v in verdicts if v.verdict == AC)
    failed = next((v for v in verdicts if v.verdict != AC), None)
    if failed is None:
        return SampleResult(AC, n, passed, verdicts, lcb_results=codes)
    return SampleResult(failed.verdict, n, passed, verdicts,
                        message=f"test {failed.index}: {failed.message}", lcb_results=codes)


def _has_opaque(v: Any) -> bool:
    if isinstance(v, Opaque):
        return True
    if isinstance(v, dict):
        return any(_has_opaque(k) or _has_opaque(x) for k, x in v.items())
    if isinstance(v, (list, tuple, set, frozenset)):
        return any(_has_opaque(x) for x in v)
    return False


def _test_verdict(i: int, rec: dict[str, Any], mode: str, expected: str, parsed: Any,
                  compared: bool) -> tuple[TestVerdict | None, list[bool | int]]:
    """One test's verdict and lcb_runner's result(s) for it; ``None``: compare in the sandbox."""
    t = rec.get("time")
    time = float(t) if isinstance(t, (int, float)) else None
    status = rec.get("status")
    if status == "timeout":
        return TestVerdict(i, TLE, time, "Time Limit Exceeded"), [-3]
    if status == "error":
        codes: list[bool | int] = [-4]
        if isinstance(rec.get("appended"), bool):  # the sandbox's comparison raised late
            codes = [rec["appended"], -4]
        return TestVerdict(i, RE, time, truncate(str(rec.get("error", "")))), codes
    if status == "crash":  # an exception lcb_runner does not catch: its worker dies
        return TestVerdict(i, RE, time, truncate(str(rec.get("error", "")))), WORKER_DIED
    if status == "compared" and mode == "call" and compared:
        if rec.get("passed") is True:
            return TestVerdict(i, AC, time), [True]
        why = "Wrong Answer (compared by the returned object's own __eq__)"
        return TestVerdict(i, WA, time, why), [False, -4] if rec.get("repr_error") else [False]
    if status != "ok":
        return TestVerdict(i, RE, time, "corrupted result channel"), WORKER_DIED
    if mode == "stdin":
        out = rec.get("stdout")
        if not isinstance(out, str):
            return TestVerdict(i, RE, time, "corrupted result channel"), WORKER_DIED
        ok, why = compare_stdout(out, expected)
        return TestVerdict(i, AC if ok else WA, time, why), [True if ok else -2]
    try:
        value = decode_value(rec.get("value"))
    except (ValueFormatError, TypeError, ValueError) as e:
        return TestVerdict(i, RE, time, f"corrupted result channel ({e})"), WORKER_DIED
    if _has_opaque(value):
        if not compared:
            return None, []
        return (TestVerdict(i, WA, time, "an object only the sandbox can compare, returned "
                            "where the first run returned a plain value"), [False])
    ok, why = compare_call(value, parsed)
    if ok:
        return TestVerdict(i, AC, time), [True]
    # lcb_runner's Wrong Answer report str()s the value: over 50,000 digits that raises
    # inside its try, adding a Runtime Error after the False.
    return TestVerdict(i, WA, time, why), [False, -4] if str_fails(value) else [False]


def _proc_message(p: sj.ProcResult) -> str:
    if p.verdict == sj.WALL:
        return f"global time limit exceeded ({p.wall_time:.1f}s wall)"
    return sj.describe(p, who="interpreter")
