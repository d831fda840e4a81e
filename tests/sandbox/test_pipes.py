"""Runner features for interactive judging, on a real container.

- ``hold_writes``: the reader of a pipe sees EOF only after the writer was
  reaped, so ``exit_order`` says truly who ended first;
- ``keep_open``: a writer into a pipe whose reader is gone gets no SIGPIPE;
- ``work_dirs`` / ``collect``: a trusted scratch dir, and files returned from it;
- ``StopRule.exit_not_in`` / ``spare_signals``: stop at a named process's exit code.
"""

from __future__ import annotations

import signal

import pytest

from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

SH = "/bin/sh"
LIMITS = sj.Limits(cpu=2, wall=5, memory=256 * 1024**2, processes=8)


def interactive_test(tid: str, validator_script: str, user_script: str,
                     hold: bool = True, keep: bool = True) -> sj.Test:
    validator = sj.Process(name="validator", trusted=True, argv=[SH, "-c", validator_script],
                           limits=sj.Limits(cpu=5, wall=10),
                           stdin=sj.Stream(pipe="from_user"), stdout=sj.Stream(pipe="to_user"))
    user = sj.Process(name="user", argv=[SH, "-c", user_script], limits=LIMITS,
                      stdin=sj.Stream(pipe="to_user"), stdout=sj.Stream(pipe="from_user"))
    return sj.Test(id=tid, run=[validator, user], pipes=["to_user", "from_user"],
                   keep_open=["to_user"] if keep else [],
                   hold_writes={"to_user": "validator", "from_user": "user"} if hold else {},
                   work_dirs=["feedback"], collect=["feedback/msg.txt"])


def test_the_process_that_ended_first_is_reaped_first(pool):
    # The validator waits for EOF from the user, then rejects; the user exits at once.
    tests = [interactive_test(f"t{i}", "cat >/dev/null; exit 43", "exit 3") for i in range(8)]
    res = pool.run(sj.Job(tests=tests))
    assert res.error is None and len(res.tests) == 8
    for t in res.tests.values():
        assert t.procs["user"].exit_order == 0 and t.procs["validator"].exit_order == 1


def test_validator_writing_to_a_gone_submission_gets_no_sigpipe(pool):
    script = "sleep 0.3; echo more; echo done > {work}/feedback/msg.txt; exit 42"
    kept = pool.run(sj.Job(tests=[interactive_test("k", script, "exit 0")]))
    v = kept.tests["k"].procs["validator"]
    assert (v.exit_code, v.signal) == (42, None)
    assert kept.tests["k"].files == {"feedback/msg.txt": "done\n"}
    lost = pool.run(sj.Job(tests=[interactive_test("l", script, "exit 0", keep=False)]))
    assert lost.tests["l"].procs["validator"].signal == signal.SIGPIPE


def test_stop_rule_on_a_named_process_and_spared_signals(pool):
    ok = "read x; echo ok; exit 42"
    tests = [interactive_test("1", ok, "echo hi; read y"),
             interactive_test("2", "read x; exit 43", "echo hi; read y"),
             interactive_test("3", ok, "echo hi; read y")]
    res = pool.run(sj.Job(tests=tests, stop_on=sj.StopRule(
        untrusted_failure=True, spare_signals=[int(signal.SIGPIPE)],
        exit_not_in={"validator": [42]})))
    assert sorted(res.tests) == ["1", "2"] and res.done
