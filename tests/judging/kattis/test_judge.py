"""Verdict rules of one test, from the runner's facts (problemtools judge/execute.py).

The runner's results are built by hand here; the Docker end-to-end test
(tests/benchmarks/test_icpc_sample.py) checks the same rules on real runs.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from evalkit.judging.kattis import judge as kj
from evalkit.judging.kattis.languages import CPP
from evalkit.judging.kattis.package import load_problem
from evalkit.sandbox import job as sj

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "benchmarks" / "icpc_sample" / "problems"
GUESS = load_problem(SAMPLE / "guess")
HELLO = load_problem(SAMPLE / "hello")


def proc(verdict: str = sj.OK, code: int | None = 0, sig: int | None = None, order: int = 0,
         cpu: float = 0.1, wall: float | None = None, stdout_size: int = 0) -> sj.ProcResult:
    return sj.ProcResult(verdict, code, sig, cpu, cpu if wall is None else wall, 1000,
                         stdout_size=stdout_size, exit_order=order)


def interactive(user: sj.ProcResult, validator: sj.ProcResult) -> str:
    res = sj.TestResult("secret/01", {"user": user, "validator": validator}, None)
    return kj.interpret_test(GUESS, res, 1.0).verdict


def batch(user: sj.ProcResult, check: sj.ProcResult | None) -> str:
    res = sj.TestResult("secret/hello", {"user": user}, check)
    return kj.interpret_test(HELLO, res, 1.0).verdict


def test_batch_validator_exit_codes():
    assert batch(proc(), proc(code=42)) == "AC"
    assert batch(proc(), proc(code=43)) == "WA"
    # Anything but 42/43 is the judge's fault, never a wrong answer.
    assert batch(proc(), proc(sj.RE, code=1)) == "JE"
    assert batch(proc(), proc(code=0)) == "JE"
    assert batch(proc(), proc(sj.SIG, code=None, sig=6)) == "JE"
    assert batch(proc(), proc(sj.WALL, code=None, sig=9)) == "JE"


def test_batch_run_failures_come_before_validation():
    assert batch(proc(sj.TLE, None, 9), None) == "TLE"
    assert batch(proc(sj.WALL, None, 9), None) == "TLE"
    assert batch(proc(sj.RE, 1), None) == "RTE"
    assert batch(proc(sj.SIG, None, 11), None) == "RTE"
    assert batch(proc(sj.XX, None), None) == "JE"


def test_memory_exhaustion_is_a_run_time_error_with_the_reason_kept():
    # problemtools: RLIMIT_AS, the allocation fails, the program crashes (RTE);
    # DOMjudge has no memory verdict either.  The message says why.
    res = sj.TestResult("secret/hello", {"user": proc(sj.MLE, None, 9)}, None)
    tv = kj.interpret_test(HELLO, res, 1.0)
    assert tv.verdict == "RTE" and "memory limit exceeded" in tv.message


def test_output_flood_is_tle_and_finished_oversized_output_is_ole():
    # Killed still writing at the flood cap: the reference judges let it run
    # into the time limit.
    res = sj.TestResult("secret/hello", {"user": proc(sj.OLE, None, 25)}, None)
    tv = kj.interpret_test(HELLO, res, 1.0)
    assert tv.verdict == "TLE" and "output flood" in tv.message
    # Ended after writing more than limits.output: OLE before validation.
    over = HELLO.output_mib * kj.MIB + 1
    assert batch(proc(stdout_size=over), proc(code=42)) == "OLE"
    assert batch(proc(stdout_size=over - 1), proc(code=42)) == "AC"


def test_wall_kill_with_cpu_to_spare_is_judged_again():
    starved = sj.TestResult("secret/hello", {"user": proc(sj.WALL, None, 9, cpu=0.4, wall=3.1)},
                            None)
    out = kj.Outcome("TLE", [kj.interpret_test(HELLO, starved, 1.0)])
    assert out.tests[0].wall_timeout and kj.starved(out, 1.0)
    slow = sj.TestResult("secret/hello", {"user": proc(sj.TLE, None, 9, cpu=1.01, wall=1.2)},
                         None)
    assert not kj.starved(kj.Outcome("TLE", [kj.interpret_test(HELLO, slow, 1.0)]), 1.0)
    # The re-judge's wall limit is patient; its verdict is final.
    assert kj.wall_limit(1.0, kj.JudgeSettings()) == 3.0
    assert kj.wall_limit(1.0, kj.JudgeSettings(patient=True)) == 20.0


def test_address_space_limited_except_for_the_jvm():
    from evalkit.judging.kattis.languages import JAVA

    s = kj.JudgeSettings(time_limit=1.0)
    native = kj.build_job(HELLO, "int main(){}", CPP, "/d", s).tests[0].run[0].limits
    assert native.address_space == HELLO.memory_mib * kj.MIB and native.stack == "unlimited"
    jvm = kj.build_job(HELLO, "public class A {}", JAVA, "/d", s).tests[0].run[0]
    assert jvm.limits.address_space is None
    assert "-Xmx512m" in jvm.argv and jvm.argv[-1] == "A"


def test_interactive_validator_reject_wins_only_when_it_ended_first():
    assert interactive(proc(sj.WALL, None, 9, order=1), proc(code=43, order=0)) == "WA"
    # The submission timed out first; the validator then saw EOF and rejected.
    assert interactive(proc(sj.WALL, None, 9, order=0), proc(code=43, order=1)) == "TLE"
    assert interactive(proc(sj.RE, 3, order=0), proc(code=43, order=1)) == "RTE"


def test_interactive_accepted_then_crashed_is_a_run_time_error():
    assert interactive(proc(sj.SIG, None, 6, order=1), proc(code=42, order=0)) == "RTE"
    assert interactive(proc(order=1), proc(code=42, order=0)) == "AC"


def test_interactive_broken_pipe_lets_the_validator_decide():
    pipe = int(signal.SIGPIPE)
    assert interactive(proc(sj.SIG, None, pipe, order=1), proc(code=42, order=0)) == "AC"
    assert interactive(proc(sj.SIG, None, pipe, order=0), proc(code=43, order=1)) == "WA"


def test_interactive_validator_failure_is_a_judge_error_whatever_the_submission_did():
    assert interactive(proc(sj.TLE, None, 9, order=0), proc(code=0, order=1)) == "JE"
    assert interactive(proc(order=0), proc(sj.SIG, None, 11, order=1)) == "JE"


def test_job_stops_at_first_failure_and_wires_the_validator():
    job = kj.build_job(GUESS, "int main(){}", CPP, "/judge/data/x",
                       kj.JudgeSettings(time_limit=1.0))
    assert job.stop_on is not None and job.stop_on.exit_not_in == {"validator": [42]}
    t = job.tests[0]
    assert [p.name for p in t.run] == ["validator", "user"]
    assert t.run[0].argv[-3:] == ["/judge/data/x/data/secret/01.in",
                                  "/judge/data/x/data/secret/01.ans", "{work}/feedback/"]
    assert t.keep_open == ["to_user"] and t.hold_writes == {"to_user": "validator",
                                                            "from_user": "user"}
    user = t.run[1].limits
    assert user.cpu == 1.0 and user.wall == 3.0 and user.memory == 2048 * 1024**2


def test_missing_time_limit_is_a_clear_error():
    with pytest.raises(Exception, match="no time limit"):
        kj.effective_time_limit(HELLO, kj.JudgeSettings())
