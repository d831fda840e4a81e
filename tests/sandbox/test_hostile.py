"""Hostile submissions get the right verdict and harm nothing.

Each program in ``hostile/`` is compiled and run in a real judge container
with a 1 s CPU limit, 3 s wall limit and 256 MiB of memory.  After the suite no
process of an untrusted uid survives, the container's root file system is
unchanged, and the host's judge data is untouched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

HOSTILE = Path(__file__).parent / "hostile"
MIB = 1024**2
RUN_LIMITS = sj.Limits(cpu=1.0, wall=3.0, memory=256 * MIB, output=8 * MIB, processes=1,
                       stack=256 * MIB)
COMPILE_LIMITS = sj.Limits(cpu=10, wall=20, memory=512 * MIB, output=64 * MIB, processes=64)


def run_program(pool, name: str, limits: sj.Limits = RUN_LIMITS,
                launcher: bool = True) -> sj.JobResult:
    source = (HOSTILE / name).read_text()
    job = sj.Job(
        compile=sj.Compile(argv=["/usr/bin/g++", "-O2", "-static", "-o", "prog", "prog.cpp"],
                           files={"prog.cpp": sj.FileText(source)}, artifacts={"prog": "prog"},
                           limits=COMPILE_LIMITS),
        tests=[sj.Test(id="t", run=[sj.Process(
            name="user", argv=["{bin}/prog"], limits=limits,
            stdout=sj.Stream(capture="out.txt", returned=True), return_limit=4096)])],
        launcher=launcher,
    )
    result = pool.run(job)
    assert result.error is None, result.error
    return result


def verdict(result: sj.JobResult) -> sj.ProcResult:
    assert result.compile is not None and result.compile.ok, result.compile
    return result.tests["t"].procs["user"]


def store_digest(pool) -> str:
    h = hashlib.sha256()
    for p in sorted(pool.store.root.rglob("*")):
        if p.is_file() and "exchange" not in p.parts:
            h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def guarded_pool(pool):
    """The pool, with its data store and containers checked after the module."""
    pool.mirror("canary", {"secret.out": Path(__file__)})
    before = store_digest(pool)
    yield pool
    assert store_digest(pool) == before, "host judge data changed"
    for w in pool._workers:
        changes = {(c["Path"], c["Kind"]) for c in w.container.diff() or []}
        assert changes == {(c["Path"], c["Kind"]) for c in w.baseline_diff}, "root fs changed"
        top = w.container.top(ps_args="-eo uid,pid,comm")
        uids = {int(row[0]) for row in top["Processes"]}
        assert not uids & set(w.box_uids), f"untrusted processes survived: {top}"


@pytest.mark.parametrize("name,expected", [
    ("cpu_loop.cpp", {sj.TLE}),
    ("sleeper.cpp", {sj.WALL}),
    ("heap_hog.cpp", {sj.MLE}),
    ("static_hog.cpp", {sj.MLE}),
    ("output_flood.cpp", {sj.OLE}),
    # fork() fails (one process allowed), so the loop spins until the CPU limit.
    ("fork_bomb.cpp", {sj.TLE}),
    ("kill_all.cpp", {sj.OK}),  # kill(-1) reaches no other process; it survives
])
@pytest.mark.parametrize("launcher", [True, False], ids=["launcher", "runner-forks"])
def test_resource_abuse_gets_its_verdict(guarded_pool, name, expected, launcher):
    # The same verdicts whether the C launcher watches the process (the usual path)
    # or the Python runner forks and watches it (an image without gcc).
    res = verdict(run_program(guarded_pool, name, launcher=launcher))
    assert res.verdict in expected, res


def test_cpu_limit_is_enforced_promptly(guarded_pool):
    res = verdict(run_program(guarded_pool, "cpu_loop.cpp"))
    # CPU time, not wall time: the machine may be busy with other work.
    assert 1.0 < res.cpu_time < 1.5, res


def test_wall_limit_catches_sleepers_without_cpu(guarded_pool):
    res = verdict(run_program(guarded_pool, "sleeper.cpp"))
    assert res.cpu_time < 0.1 and res.wall_time >= 3.0, res


def test_fork_bomb_with_a_process_allowance_is_contained(guarded_pool):
    limits = sj.Limits(cpu=1.0, wall=3.0, memory=256 * MIB, processes=32)
    res = verdict(run_program(guarded_pool, "fork_bomb.cpp", limits))
    assert res.verdict in {sj.TLE, sj.WALL}, res


def test_network_is_unreachable(guarded_pool):
    res = verdict(run_program(guarded_pool, "network.cpp"))
    assert res.ok and res.stdout == "blocked\n", res


def test_answers_and_judge_programs_are_unreadable(guarded_pool):
    res = verdict(run_program(guarded_pool, "read_answers.cpp"))
    assert res.ok and res.stdout == "leaks 0\n", res


def test_only_the_scratch_directory_is_writable(guarded_pool):
    res = verdict(run_program(guarded_pool, "write_outside.cpp"))
    assert res.ok and res.stdout == "outside:\nown 1\n", res


def test_setsid_double_fork_daemon_is_killed_after_the_test(guarded_pool):
    res = verdict(run_program(guarded_pool, "escape.cpp",
                              sj.Limits(cpu=1.0, wall=3.0, memory=256 * MIB, processes=8)))
    assert res.ok and res.stdout == "parent done\n", res
    # The fixture's teardown checks no process of the untrusted uids survives;
    # check here too, right after the test.
    for w in guarded_pool._workers:
        uids = {int(r[0]) for r in w.container.top(ps_args="-eo uid,pid")["Processes"]}
        assert not uids & set(w.box_uids)


def test_deep_recursion_may_use_the_memory_limit_as_stack(guarded_pool):
    res = verdict(run_program(guarded_pool, "deep_recursion.cpp"))
    assert res.ok and res.stdout == "2000000\n", res


@pytest.mark.parametrize("name", ["dev_random.cpp", "macro_bomb.cpp", "template_bomb.cpp"])
def test_compile_bombs_fail_to_compile_within_limits(guarded_pool, name):
    result = run_program(guarded_pool, name)
    assert result.compile is not None and not result.compile.ok
    assert result.compile.result.wall_time < COMPILE_LIMITS.wall + 2
    assert not result.tests


def test_runner_survives_and_judges_correctly_after_abuse(guarded_pool):
    for name in ("kill_all.cpp", "escape.cpp", "fork_bomb.cpp"):
        run_program(guarded_pool, name)
    res = verdict(run_program(guarded_pool, "network.cpp"))
    assert res.ok and res.stdout == "blocked\n"
