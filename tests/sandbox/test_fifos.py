"""A Communication test whose FIFO is never opened at one end ends, with the right verdict.

Rules (docs/architecture.md, "Communication under load"):
- a user process's FIFO streams (std_io) are opened for it before exec, blocking until
  the manager opens the other end, in any order and as late as the manager likes, as
  isolate's redirections do; neither the launcher nor the runner waits with it, so the
  test's other processes stay watched;
- a manager that never opens a user's FIFO is the judge's failure: the user process,
  which never started, is a judge error naming the FIFO; the manager, asleep with
  nothing left to wait for, is killed at the idle limit instead of its wall limit;
- a user process that never opens its FIFO (fifo_io: it exits, or sleeps) is the
  submission's failure: the runner opens its end for it once it has ended, so the
  manager sees end of file and gives its own outcome (or the user's timeout counts).
The manager and user programs are shell one-liners put in place of the task's own
(a Communication test built by tasktypes.test_job); each case runs on both process
paths of the runner.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evalkit.judging.cms import tasktypes
from evalkit.judging.cms.package import CmsTask, load_task
from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

MESSAGE = Path(__file__).resolve().parents[2] / "benchmarks" / "ioi2024_sample" / "tasks" / \
    "message"
PATHS = pytest.mark.parametrize("launcher", [True, False], ids=["launcher", "runner-forks"])
TL = 0.25  # idle limit 2*TL+1 = 1.5 s


def task(processes: int, user_io: str = "std_io") -> CmsTask:
    base = load_task(MESSAGE)
    return dataclasses.replace(base, time_limit=TL, memory_limit=64 * 1024**2,
                               params={**base.params, "num_processes": processes,
                                       "user_io": user_io})


def comm_test(t: CmsTask, manager_script: str, user_argv: list[str]) -> sj.Test:
    """The task's Communication test with a shell manager and the given user program."""
    test = tasktypes.test_job(t, "0-01", "/unused", tasktypes.trusted_builds(t, "/unused"),
                              tasktypes.JudgeLimits())
    run = []
    for p in test.run:
        if p.name == "manager":  # argv: manager u0_to_m m_to_u0 [u1_to_m m_to_u1]
            p = dataclasses.replace(p, argv=["/bin/sh", "-c", manager_script, "manager",
                                             *p.argv[1:]], stdin=None)
        else:
            fifo_args = p.argv[1:3] if t.user_io_fifos else []
            p = dataclasses.replace(p, argv=[*user_argv, *fifo_args])
        run.append(p)
    return dataclasses.replace(test, run=run)


def judge(pool, t: CmsTask, test: sj.Test, launcher: bool):
    res = pool.run(sj.Job(tests=[test], launcher=launcher))
    assert res.error is None, res.error
    got = res.tests[test.id]
    return got, tasktypes.interpret_communication(t, got)


@PATHS
@pytest.mark.parametrize("script", ["exec sleep 1000", "exit 0"], ids=["sleeps", "exits"])
def test_a_manager_that_never_opens_a_fifo_is_a_judge_error_naming_it(pool, launcher, script):
    t = task(1)
    got, outcome = judge(pool, t, comm_test(t, script, ["/bin/cat"]), launcher)
    user = got.procs["user0"]
    assert user.verdict == sj.XX and "/m_to_u0 was not opened" in (user.error or ""), user
    assert outcome.verdict == tasktypes.JE and "m_to_u0" in outcome.message, outcome
    if script.startswith("exec sleep"):  # asleep with its users gone: the idle limit
        manager = got.procs["manager"]
        assert manager.verdict == sj.WALL and manager.idle_timeout, manager


MANAGER_READS = ('exec 3>"$2" 4<"$1"; if read x <&4; then echo 1.0; '
                 'else echo 0.0; echo "no word from the user" >&2; fi')


@PATHS
@pytest.mark.parametrize("user_argv,verdict", [
    (["/bin/true"], tasktypes.WA),           # exits without opening: the manager sees EOF
    (["/bin/sh", "-c", "exec sleep 1000"], tasktypes.TLE),  # sleeps: the idle limit
], ids=["exits", "sleeps"])
def test_a_user_process_that_never_opens_its_fifo_fails_on_its_own(pool, launcher,
                                                                     user_argv, verdict):
    t = task(1, "fifo_io")
    got, outcome = judge(pool, t, comm_test(t, MANAGER_READS, user_argv), launcher)
    manager = got.procs["manager"]
    assert manager.ok and manager.stdout == "0.0\n", manager
    assert outcome.verdict == verdict, outcome
    if verdict == tasktypes.TLE:
        assert got.procs["user0"].idle_timeout, got.procs["user0"]


@PATHS
def test_a_manager_may_open_the_second_users_fifos_first(pool, launcher):
    # The launcher once started user 0 with a vfork-like clone that waited in its FIFO
    # open: with a manager serving user 1 first, nothing else could start (deadlock).
    t = task(2)
    script = ('exec 5>"$4" 6<"$3" 3>"$2" 4<"$1"; echo a >&5; read x <&6; '
              'echo b >&3; read y <&4; [ "$x$y" = ab ] && echo 1.0 || echo 0.0')
    got, outcome = judge(pool, t, comm_test(t, script, ["/bin/cat"]), launcher)
    assert outcome.verdict == tasktypes.AC, (outcome, got)
