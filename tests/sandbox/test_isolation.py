"""What one submission's processes can see of each other, of other tests and of the judge.

Rules (docs/architecture.md, "The sandbox"; CMS runs each process in an isolate
box of its own, with its own cgroup, IPC and network namespaces):
- the two user processes of a Communication test cannot talk except through the
  judge: not through a file in a box opened with ``chmod .``, SysV shared memory,
  an abstract Unix socket or TCP on 127.0.0.1;
- CPU time and memory are those of every process of the submission (children
  never waited for, orphans), not of the first process only: a child's 1.5 s of
  CPU under a 1 s limit is TLE, its 400 MiB under 256 MiB is MLE;
- nothing of one test (SysV objects, POSIX message queues) survives into the
  next, nor one submission's program into the next submission;
- the input is handed over as ``input.txt`` (a copy), so ``/proc/self/fd/0``
  does not name the test;
- a submission writes to a file system of its own: filling it, or leaving a
  5000-deep directory chain, is its own business (its verdict, never a judge
  error), and the next test and the checker run as usual.
Each holds on both process paths of the runner (the C launcher, and the runner
forking itself as in an image without gcc).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

HOSTILE = Path(__file__).parent / "hostile"
MIB = 1024**2
COMPILE_LIMITS = sj.Limits(cpu=20, wall=60, memory=512 * MIB, output=64 * MIB, processes=64)
PATHS = pytest.mark.parametrize("launcher", [True, False], ids=["launcher", "runner-forks"])


def compile_step(name: str, artifact: str = "prog") -> sj.Compile:
    return sj.Compile(argv=["/usr/bin/g++", "-O2", "-static", "-o", "prog", "prog.cpp"],
                      files={"prog.cpp": sj.FileText((HOSTILE / name).read_text())},
                      artifacts={"prog": artifact}, limits=COMPILE_LIMITS)


def user(argv: list[str], limits: sj.Limits, slot: int = 0, name: str = "user",
         stdin: sj.Stream | None = None) -> sj.Process:
    return sj.Process(name=name, argv=argv, limits=limits, slot=slot, stdin=stdin,
                      stdout=sj.Stream(capture=f"{name}.out", returned=True), return_limit=4096)


def run(pool, job: sj.Job) -> sj.JobResult:
    result = pool.run(job)
    assert result.error is None, result.error
    assert result.compile is None or result.compile.ok, result.compile
    return result


LIMITS = sj.Limits(cpu=5, wall=20, memory=256 * MIB, output=8 * MIB, processes=1)


@PATHS
def test_two_user_processes_of_one_test_cannot_talk(pool, launcher):
    procs = [user(["{bin}/prog", "w"], sj.Limits(cpu=5, wall=20, processes=1), 0, "w"),
             user(["{bin}/prog", "r"], sj.Limits(cpu=5, wall=20, processes=1), 1, "r")]
    res = run(pool, sj.Job(compile=compile_step("channels.cpp"),
                           tests=[sj.Test(id="t", run=procs)], launcher=launcher))
    t = res.tests["t"]
    assert t.procs["w"].stdout == "w done\n", t.procs["w"]
    assert t.procs["r"].stdout == "file 0 shm 0 unix 0 tcp 0\n", t.procs["r"]


TREE = sj.Limits(cpu=1.0, wall=20, memory=256 * MIB, output=8 * MIB, processes=16,
                 stack=64 * MIB)


@PATHS
@pytest.mark.parametrize("name,expected", [
    ("child_cpu.cpp", sj.TLE),     # a child never waited for, still running
    ("orphan_cpu.cpp", sj.TLE),    # an orphan that ended before the test did
    ("child_memory.cpp", sj.MLE),  # a child never waited for holds the memory
])
def test_every_process_of_a_submission_counts(pool, launcher, name, expected):
    # Touching 400 MiB is CPU time too: the memory case gets CPU to spare (a loaded host).
    limits = TREE if expected == sj.TLE else dataclasses.replace(TREE, cpu=20, wall=60)
    res = run(pool, sj.Job(compile=compile_step(name),
                           tests=[sj.Test(id="t", run=[user(["{bin}/prog"], limits)])],
                           launcher=launcher))
    got = res.tests["t"].procs["user"]
    assert got.verdict == expected, got
    if expected == sj.TLE:
        assert got.cpu_time > 1.0, got


@PATHS
def test_nothing_of_ipc_survives_into_the_next_test_or_submission(pool, launcher):
    limits = sj.Limits(cpu=5, wall=20, memory=256 * MIB, processes=1)
    tests = [sj.Test(id="park", run=[user(["{bin}/prog", "park"], limits)]),
             sj.Test(id="probe", run=[user(["{bin}/prog", "probe"], limits)])]
    first = run(pool, sj.Job(compile=compile_step("ipc_park.cpp"), tests=tests,
                             launcher=launcher))
    assert first.tests["park"].procs["user"].stdout == "parked 4\n"
    assert first.tests["probe"].procs["user"].stdout == "left 0\n"
    with pool.worker() as w:  # the next submission on the same container
        w.run(sj.Job(compile=compile_step("ipc_park.cpp"), tests=tests[:1], launcher=launcher))
        again = w.run(sj.Job(compile=compile_step("ipc_park.cpp"), tests=tests[1:],
                             launcher=launcher))
    assert again.tests["probe"].procs["user"].stdout == "left 0\n"


@PATHS
def test_the_programs_of_the_submission_before_are_gone(pool, launcher):
    t = [sj.Test(id="t", run=[user(["{bin}/mine"], LIMITS)])]
    with pool.worker() as w:
        w.run(sj.Job(compile=compile_step("stdin_name.cpp", "secret_solution"), tests=[],
                     launcher=launcher))
        res = w.run(sj.Job(compile=compile_step("list_bin.cpp", "mine"), tests=t,
                           launcher=launcher))
    assert res.tests["t"].procs["user"].stdout == "mine\n"


@PATHS
def test_the_input_does_not_name_the_test(pool, tmp_path, launcher):
    # A mirrored input is opened under its content's sha256 (nothing the program cannot
    # compute itself); any other file is handed over as a copy named input.txt.
    data = tmp_path / "in.txt"
    data.write_text("1 2 3\n")
    where = pool.mirror("isolation-stdin-v1", {"tests/0-01.in": data})
    t = [sj.Test(id="t", run=[user(["{bin}/prog"], LIMITS,
                                   stdin=sj.Stream(path=f"{where}/tests/0-01.in"))]),
         sj.Test(id="other", run=[user(["{bin}/prog"], LIMITS,
                                       stdin=sj.Stream(path="/etc/debian_version"))])]
    res = run(pool, sj.Job(compile=compile_step("stdin_name.cpp"), tests=t, launcher=launcher))
    out = res.tests["t"].procs["user"].stdout or ""
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    assert out == f"/judge/in/{digest}\n6\n", out
    other = res.tests["other"].procs["user"].stdout or ""
    assert other.startswith("/memfd:input.txt (deleted)\n"), other


def echo_check() -> sj.Process:
    return sj.Process(name="check", trusted=True, argv=[
        "/bin/sh", "-c", "head -c 1000000 /dev/zero > {work}/big && echo checked"],
        limits=sj.Limits(cpu=5, wall=20), stdout=sj.Stream(capture="check.out", returned=True))


@PATHS
@pytest.mark.parametrize("name,out", [("fill_box.cpp", "full 1\n"),
                                      ("deep_dirs.cpp", "made 5000\n")])
def test_what_a_submission_leaves_in_its_box_is_its_own_business(pool, launcher, name, out):
    limits = sj.Limits(cpu=10, wall=30, memory=256 * MIB, output=8 * MIB, processes=1)
    tests = [sj.Test(id=f"t{i}", run=[user(["{bin}/prog"], limits)], check=echo_check())
             for i in range(2)]
    res = run(pool, sj.Job(compile=compile_step(name), tests=tests, launcher=launcher))
    for i in range(2):  # the next test starts from an empty box and the checker can write
        t = res.tests[f"t{i}"]
        assert t.procs["user"].verdict == sj.OK and t.procs["user"].stdout == out, t
        assert t.check is not None and t.check.stdout == "checked\n", t.check
