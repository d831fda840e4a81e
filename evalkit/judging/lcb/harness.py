"""One LiveCodeBench sample as a sandbox job, and its verdict.

The job: a no-op "compile" (``/bin/true``) that only places the in-sandbox
harness (sandboxes/lcb/harness.py) and the program under ``{bin}``, then ONE
test that runs ``python3 harness.py solution.py`` with the problem's test
*inputs* on stdin.  All tests of the sample run in that one interpreter, as
lcb_runner does (one process per sample, ``run_test``), so a sample pays one
interpreter start-up, not one per test.  Expected outputs never enter the
sandbox: the harness reports what the program produced and the host compares
(:mod:`evalkit.judging.lcb.compare`).

Limits, from lcb_runner: per-test timeout 6 s by ``signal.alarm`` inside the
harness (``--timeout``, default 6); the whole process is bounded by lcb_runner's
global timeout ``(timeout + 1) * n_tests + 5`` seconds (``check_correctness``).
lcb_runner sets no memory limit (``reliability_guard(None)``); the sandbox needs
one, 4 GiB by default, the figure its comment names.

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
    ValueFormatError,
    compare_call,
    compare_stdout,
    decode_value,
    truncate,
)
from evalkit.sandbox import job as sj

PYTHON = "/usr/bin/python3"
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

    def fingerprint(self) -> dict[str, int]:
        return {"timeout": self.timeout, "memory": self.memory, "output": self.output,
                "processes": self.processes, "stack": self.stack}

    def global_wall(self, n_tests: int) -> float:
        """lcb_runner check_correctness: ``(timeout + 1) * n_tests + 5``."""
        return float((self.timeout + 1) * n_tests + 5)


def spec_json(mode: str, fn_name: str | None, inputs: list[str], timeout: int) -> bytes:
    """What the harness reads on stdin: the mode and the test inputs (no outputs)."""
    return json.dumps({"mode": mode, "fn_name": fn_name, "inputs": inputs,
                       "timeout": timeout}).encode()


def spec_key(spec: bytes) -> str:
    return "lcb-" + hashlib.sha256(spec).hexdigest()[:24]


def build_job(code: str, harness_file: str, spec_file: str, n_tests: int,
              limits: JudgeLimits) -> sj.Job:
    """The sandbox job for one sample; ``*_file`` are container paths (DataStore)."""
    place = sj.Compile(
        argv=["/bin/true"],
        files={HARNESS: harness_file, SOLUTION: sj.FileText(code)},
        artifacts={HARNESS: HARNESS, SOLUTION: SOLUTION},
        limits=sj.Limits(cpu=10, wall=20),
    )
    run = sj.Process(
        name="harness",
        argv=[PYTHON, "-I", "{bin}/" + HARNESS, "{bin}/" + SOLUTION],
        limits=sj.Limits(wall=limits.global_wall(n_tests), memory=limits.memory,
                         output=limits.output, processes=limits.processes,
                         stack=limits.stack),
        stdin=sj.Stream(path=spec_file),
        stdout=sj.Stream(capture="results.jsonl", returned=True),
        return_limit=limits.output,
    )
    return sj.Job(compile=place, tests=[sj.Test(id="all", run=[run])])


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
        }


_PROC_VERDICTS = {sj.TLE: TLE, sj.WALL: TLE, sj.MLE: MLE, sj.OLE: OLE, sj.RE: RE, sj.SIG: RE}


def interpret(result: sj.JobResult, mode: str, expected: list[str]) -> SampleResult:
    """Compare what the harness reported with the expected outputs, test by test."""
    n = len(expected)
    if result.error is not None:
        return SampleResult(JE, n, 0, judge_error=result.error)
    if result.compile is None or not result.compile.ok:
        why = result.compile.result.verdict if result.compile else "missing"
        return SampleResult(JE, n, 0, judge_error=f"placing the program failed ({why})")
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
            return SampleResult(RE, n, 0, message="the result channel was written to by the "
                                "program (not the harness's format)")
        if not isinstance(rec, dict):
            return SampleResult(RE, n, 0, message="corrupted result channel")
        records.append(rec)
    if not records:
        verdict = _PROC_VERDICTS.get(proc.verdict, RE)
        return SampleResult(verdict, n, 0, message=f"the interpreter ended before running "
                            f"anything ({_proc_message(proc)})")
    head = records[0]
    if head.get("event") == "setup_error":
        kind = head.get("kind")
        verdict = CE if kind == "syntax" else TLE if kind == "timeout" else RE
        return SampleResult(verdict, n, 0, message=truncate(str(head.get("error", ""))))
    if head.get("event") != "ready":
        return SampleResult(RE, n, 0, message="corrupted result channel")
    verdicts: list[TestVerdict] = []
    by_index = {r.get("i"): r for r in records[1:] if "i" in r}
    for i in range(n):
        rec = by_index.get(i)
        if rec is None:
            if proc.ok:
                v = TestVerdict(i, RE, None, "the program ended the interpreter before this test")
            else:
                v = TestVerdict(i, _PROC_VERDICTS.get(proc.verdict, RE), None,
                                _proc_message(proc))
            verdicts.append(v)
            break
        v = _test_verdict(i, rec, mode, expected[i])
        verdicts.append(v)
        if v.verdict != AC:
            break
    passed = sum(1 for v in verdicts if v.verdict == AC)
    failed = next((v for v in verdicts if v.verdict != AC), None)
    if failed is None:
        return SampleResult(AC, n, passed, verdicts)
    return SampleResult(failed.verdict, n, passed, verdicts,
                        message=f"test {failed.index}: {failed.message}")


def _test_verdict(i: int, rec: dict[str, Any], mode: str, expected: str) -> TestVerdict:
    t = rec.get("time")
    time = float(t) if isinstance(t, (int, float)) else None
    status = rec.get("status")
    if status == "timeout":
        return TestVerdict(i, TLE, time, "Time Limit Exceeded")
    if status == "error":
        return TestVerdict(i, RE, time, truncate(str(rec.get("error", ""))))
    if status != "ok":
        return TestVerdict(i, RE, time, "corrupted result channel")
    if mode == "stdin":
        out = rec.get("stdout")
        if not isinstance(out, str):
            return TestVerdict(i, RE, time, "corrupted result channel")
        ok, why = compare_stdout(out, expected)
    else:
        try:
            value = decode_value(rec.get("value"))
        except (ValueFormatError, TypeError, ValueError) as e:
            return TestVerdict(i, RE, time, f"corrupted result channel ({e})")
        ok, why = compare_call(value, expected)
    return TestVerdict(i, AC if ok else WA, time, why)


def _proc_message(p: sj.ProcResult) -> str:
    if p.verdict == sj.WALL:
        return f"global time limit exceeded ({p.wall_time:.1f}s wall)"
    return sj.describe(p, who="interpreter")
