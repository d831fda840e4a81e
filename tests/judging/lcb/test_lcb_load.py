"""A LiveCodeBench verdict is a function of the program, not of the host's load.

lcb_runner times a test with ``signal.alarm`` (wall clock): on a host running
4x its cores of other work a program using 0.8 s of CPU under a 1 s limit would
time out.  evalkit's harness measures effective time (wall time less the time
the program waited for a CPU), so the verdict is the quiet host's; a program that
sleeps past the limit still times out, loaded or not.  The CPU hogs are started
and stopped by the test and end by themselves after HOG_SECONDS whatever happens.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cpuload import cpu_load

from evalkit.judging.lcb import harness as H
from evalkit.judging.lcb import sample as S

pytestmark = [pytest.mark.docker, pytest.mark.slow]

HOG_SECONDS = 120
CPU_BOUND = """
import time
def burn(seconds):
    t = time.process_time()
    while time.process_time() - t < seconds:
        pass
n = int(input())
burn(0.8)
print(n)
"""
SLEEPER = "import time\nn = int(input())\ntime.sleep(1.5)\nprint(n)\n"
TESTS = [(f"{k}\n", f"{k}\n") for k in range(3)]
LIMITS = H.JudgeLimits(timeout=1, memory=200 * 1024**2)


@pytest.fixture
def cpu_hogs() -> Iterator[None]:
    with cpu_load(seconds=HOG_SECONDS):
        yield


def judge(pool, code: str) -> H.SampleResult:
    harness = S.mirror_harness(pool)
    return S.judge_sample(pool, code, "stdin", None, lambda: [i for i, _ in TESTS],
                          [o for _, o in TESTS], LIMITS, harness)


def test_a_cpu_legal_program_passes_under_load_and_a_sleeper_still_times_out(pool, cpu_hogs):
    busy = judge(pool, CPU_BOUND)
    assert busy.verdict == H.AC, busy
    # No assertion on the recorded times: how far the hogs stretch a test's wall time
    # depends on the scheduler, not on the rule under test (the verdict).
    slept = judge(pool, SLEEPER)
    assert slept.verdict == H.TLE and slept.lcb_results == [-3], slept


def test_the_same_verdicts_on_a_quiet_host(pool):
    assert judge(pool, CPU_BOUND).verdict == H.AC
    assert judge(pool, SLEEPER).verdict == H.TLE
