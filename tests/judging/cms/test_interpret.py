"""Turning the runner's compile facts into CMS outcomes."""

from pathlib import Path

from evalkit.judging.cms import tasktypes
from evalkit.judging.cms.package import load_task
from evalkit.sandbox import job as sj

TASK = Path(__file__).parents[3] / "benchmarks" / "ioi2024_sample" / "tasks" / "aplusb"


def _compiled(verdict: str, cpu: float, wall: float) -> sj.JobResult:
    res = sj.ProcResult(verdict=verdict, exit_code=None, signal=9, cpu_time=cpu,
                        wall_time=wall, max_rss_kb=1000, stderr="")
    return sj.JobResult(compile=sj.CompileResult(ok=False, result=res), done=True)


def test_a_starved_compiler_is_a_judge_error_not_a_compile_error():
    # Wall limit hit with almost no CPU: the machine was overloaded.  Calling
    # it CE would score a correct program 0 for the judge's own trouble.
    ev = tasktypes.interpret(load_task(TASK), _compiled(sj.WALL, cpu=2.0, wall=60.0), [])
    assert not ev.compiled
    assert ev.judge_error is not None and "overloaded" in ev.judge_error


def test_a_compiler_burning_cpu_is_a_compile_error():
    ev = tasktypes.interpret(load_task(TASK), _compiled(sj.TLE, cpu=30.0, wall=31.0), [])
    assert not ev.compiled and ev.judge_error is None
    assert ev.compile_message.startswith("compilation TLE")


def _user_killed(verdict: str, cpu: float) -> sj.JobResult:
    res = _compiled(sj.OK, cpu=1.0, wall=1.0)
    assert res.compile is not None
    res.compile = sj.CompileResult(ok=True, result=res.compile.result)
    user = sj.ProcResult(verdict=verdict, exit_code=None, signal=9, cpu_time=cpu,
                         wall_time=3.0, max_rss_kb=1000)
    res.tests["t1"] = sj.TestResult(id="t1", procs={"user": user}, check=None)
    return res


def test_wall_timeouts_with_little_cpu_are_starved_and_judged_again():
    task = load_task(TASK)  # time limit 1 s, wall limit 3 s
    starved = tasktypes.interpret(task, _user_killed(sj.WALL, cpu=0.2), ["t1"])
    assert starved.tests["t1"].verdict == tasktypes.TLE  # CMS: a wall timeout is a timeout
    assert tasktypes.starved_tests(task, starved) == ["t1"]
    slow = tasktypes.interpret(task, _user_killed(sj.TLE, cpu=1.01), ["t1"])
    assert tasktypes.starved_tests(task, slow) == []
