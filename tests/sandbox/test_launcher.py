"""How the runner starts test processes, on a real container.

- The launcher (a small C fork server) starts each process, so a tiny program's
  peak memory is its own, not the Python runner's ~10 MiB: a 4 MiB limit holds.
- A test's process inherits nothing of the runner or the launcher: only fds
  0, 1 and 2, no capabilities, no_new_privs, its own uid and limits.
- One runner per container serves every job; if it dies, the next job gets a
  new one instead of an error.
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
