"""Communication verdicts are a function of the submission, not of the host's load.

The same submissions are judged on a quiet host and while the host runs 4x its
cores of CPU-bound processes (started here, always stopped, each bounded by
``timeout``): every test must get the same verdict and outcome.  Covered: two
processes whose decoder sits idle through the encoder's phase (message), one
process (sphinx), a crash, a partial score, and a solution blocked on input,
which ends at the idle limit (every process asleep) on both hosts and is never
judged again as "starved".  On the quiet host re-judging adds no test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cpuload import cpu_load

from evalkit.judging.cms import tasktypes
from evalkit.judging.cms.package import load_task

pytestmark = [pytest.mark.docker, pytest.mark.slow]

TASKS = Path(__file__).resolve().parents[3] / "benchmarks" / "ioi2024_sample" / "tasks"
CASES = [  # task, solution, tests
    ("message", "model_solution/message.cpp", ["0-01", "1-03", "2-05", "2-20"]),
    ("message", "partially_correct/more_packets.cpp", ["2-05", "2-20"]),
    ("message", "runtime_error/crash.cpp", ["0-01", "2-05"]),
    ("sphinx", "model_solution/sphinx.cpp", ["0-01", "chain-full-01", "complete-full-02"]),
    ("sphinx", "time_limit/reads_stdin.cpp", ["0-01", "chain-full-01"]),
]
HOG_SECONDS = 300  # upper bound of the load's life even if this process is killed


def judge_all(pool) -> tuple[dict[tuple[str, str, str], tuple[str, float]], int, int]:
    """(task, solution, test) -> (verdict, outcome); test runs; test runs added."""
    out, runs, extra = {}, 0, 0
    for name, sol, tests in CASES:
        task = load_task(TASKS / name)
        data_dir = pool.mirror(f"load-{name}", task.files())
        source = (TASKS / name / "solutions" / sol).read_text()
        ev, added = tasktypes.evaluate(task, source, data_dir, tasktypes.JudgeLimits(),
                                       pool.run, tests)
        assert ev.judge_error is None, (name, sol, ev.judge_error)
        runs += len(tests) + added
        extra += added
        for c, t in ev.tests.items():
            out[(name, sol, c)] = (t.verdict, round(t.outcome, 6))
    return out, runs, extra


def test_verdicts_are_the_same_on_a_quiet_and_a_loaded_host(pool):
    quiet, runs, extra = judge_all(pool)
    # The known verdicts (quiet host).
    assert {v for (_, sol, _), (v, _) in quiet.items() if "model_solution" in sol} == {"AC"}
    assert {v for (_, sol, _), (v, _) in quiet.items() if "reads_stdin" in sol} == {"TLE"}
    assert {v for (_, sol, _), (v, _) in quiet.items() if "crash" in sol} == {"RE"}
    assert extra <= 0.1 * runs  # at most 10% extra judging work on a quiet host
    with cpu_load(4, seconds=HOG_SECONDS):
        loaded, _, _ = judge_all(pool)
    assert loaded == quiet


def test_communication_limits_follow_the_derivation():
    """idle = CMS's 2TL+1; the wall is a backstop over all the CPU a test may use."""
    message = load_task(TASKS / "message")
    lim = tasktypes.communication_limits(message)  # TL 3 s, 2 processes
    assert lim.idle == 7.0
    assert lim.manager_cpu == 10.0  # max(2 * (3 + 1), trusted_sandbox_max_time_s = 10)
    assert lim.user_wall == 7.0 + tasktypes.LOAD_FACTOR * (3.0 + 10.0)
    assert lim.manager_wall == lim.user_wall + 10
    job = tasktypes.test_job(message, "0-01", "/d", tasktypes.trusted_builds(message, "/d"),
                             tasktypes.JudgeLimits())
    users = [p for p in job.run if p.name.startswith("user")]
    assert len(users) == 2 and all(u.limits.idle == 7.0 and u.limits.cpu == 3.0
                                   for u in users)
    assert all(u.argv[-1] == str(i) and u.stdin and u.stdin.fifo  # std_io + index
               for i, u in enumerate(users))
    manager = next(p for p in job.run if p.name == "manager")
    assert manager.limits.idle is None  # never idle-killed: it ends when the users do
