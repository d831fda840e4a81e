"""How the runner starts test processes, on a real container.

- The launcher (a small C fork server) starts each process, so a tiny program's
  peak memory is its own, not the Python runner's ~10 MiB: a 4 MiB limit holds.
- A test's process inherits nothing of the runner or the launcher: only fds
  0, 1 and 2, no capabilities, no_new_privs, its own uid and limits.
- One runner per container serves every job; if it dies, the next job gets a
  new one instead of an error.
- A test's only process is watched to its end by the launcher (which runs
  SCHED_BATCH so that requests do not preempt the runner): the process itself
  runs SCHED_OTHER like anywhere else, and its files are opened for it, so a
  file that cannot be opened is a judge error, not a verdict.
"""

from __future__ import annotations

import pytest

from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

MIB = 1024**2
SH = "/bin/sh"


def sh_test(tid: str, script: str, limits: sj.Limits) -> sj.Test:
    return sj.Test(id=tid, run=[sj.Process(
        name="user", argv=[SH, "-c", script], limits=limits,
        stdout=sj.Stream(capture="out.txt", returned=True))])


def test_a_tiny_program_fits_a_4_mib_memory_limit(pool):
    # /bin/true peaks well under 1 MiB; forked from the Python runner it
    # reported ~10 MiB (ru_maxrss survives exec) and got MLE.
    tiny = sj.Test(id="tiny", run=[sj.Process(
        name="user", argv=["/bin/true"], limits=sj.Limits(cpu=1, wall=5, memory=4 * MIB))])
    # A real 8 MiB allocation under the same limit is still caught.
    hog = sh_test("hog", "x=$(head -c 8000000 /dev/zero | tr '\\0' x); echo ${#x}",
                  sj.Limits(cpu=5, wall=20, memory=4 * MIB, processes=8))
    res = pool.run(sj.Job(tests=[tiny, hog]))
    assert res.error is None
    user = res.tests["tiny"].procs["user"]
    assert user.verdict == sj.OK, user
    assert 0 < user.max_rss_kb < 2048
    assert res.tests["hog"].procs["user"].verdict == sj.MLE


def test_a_test_process_inherits_only_its_streams_and_no_privileges(pool):
    script = ("ls /proc/self/fd; id -u; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; "
              "cat /proc/self/oom_score_adj; ulimit -p")
    res = pool.run(sj.Job(tests=[sh_test("t", script, sj.Limits(cpu=2, wall=10, processes=5))]))
    assert res.error is None
    user = res.tests["t"].procs["user"]
    assert user.verdict == sj.OK, user
    lines = (user.stdout or "").split("\n")
    # fd 3 is ls's own directory fd; then comes the uid (>= 100000), not an fd 4.
    assert lines[:4] == ["0", "1", "2", "3"], lines
    assert int(lines[4]) >= 100_000  # an untrusted uid, never root
    assert "CapEff:\t0000000000000000" in lines
    assert "NoNewPrivs:\t1" in lines
    assert lines[-3:-1] == ["1000", "5"]


def test_the_process_runs_sched_other_not_the_launchers_sched_batch(pool):
    # Field 41 of /proc/PID/stat is the policy: 0 SCHED_OTHER, 3 SCHED_BATCH.
    # The launcher is this process's parent; the check is that the policy was reset.
    script = ("echo $(cut -d' ' -f41 /proc/$$/stat) "
              "$(cut -d' ' -f41 /proc/$(cut -d' ' -f4 /proc/$$/stat)/stat)")
    res = pool.run(sj.Job(tests=[sh_test("s", script, sj.Limits(cpu=2, wall=10, processes=5))]))
    user = res.tests["s"].procs["user"]
    assert (user.stdout or "").split() == ["0", "3"], user


def test_an_input_file_that_cannot_be_opened_is_a_judge_error(pool):
    missing = sj.Test(id="m", run=[sj.Process(
        name="user", argv=["/bin/cat"], limits=sj.Limits(cpu=1, wall=5),
        stdin=sj.Stream(path="/judge/no/such/input.txt"),
        stdout=sj.Stream(capture="out.txt", returned=True))])
    fine = sh_test("f", "echo ok", sj.Limits(cpu=1, wall=5))
    res = pool.run(sj.Job(tests=[missing, fine]))
    assert res.error is None
    user = res.tests["m"].procs["user"]
    assert user.verdict == "XX" and "open stdin" in (user.error or ""), user
    assert res.tests["f"].procs["user"].stdout == "ok\n"  # the job went on


PARENT_OF_PARENT = "ppid=$(cut -d' ' -f4 /proc/$$/stat); cut -d' ' -f4 /proc/$ppid/stat"


def runner_pid_on(worker) -> str:
    """The pid of the runner that ran this job (the launcher's parent)."""
    res = worker.run(sj.Job(tests=[sh_test("p", PARENT_OF_PARENT,
                                           sj.Limits(cpu=2, wall=10, processes=4))]))
    assert res.error is None, res.error
    return (res.tests["p"].procs["user"].stdout or "").strip()


def test_the_runner_serves_many_jobs_and_is_replaced_when_it_dies(pool):
    with pool.worker() as w:
        first = runner_pid_on(w)
        assert first.isdigit()
        assert runner_pid_on(w) == first  # the same runner served both jobs
        w.container.exec_run(["sh", "-c", f"kill -9 {first}"], user="root")
        assert runner_pid_on(w) not in ("", first)  # a new runner, and no judge error
