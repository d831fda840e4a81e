"""Processes forked warm by a zygote (sandboxes/runner/evalkit_runner.py, ZYGOTE).

A process naming a trusted Python module (``Process.zygote``) is forked from a
long-lived interpreter that has imported it, instead of exec'ing ``python3``.
The rules, checked on a real container with tests/sandbox/zygote_probe.py:
- the process sees what an exec'd ``python3 -I module args`` sees: uid, groups,
  descriptors, capabilities, no_new_privs, rlimits, session, signal dispositions,
  environment, argv, cwd, its uid's network namespace (run both ways, compared);
- it ends as that interpreter would (exit status of return / sys.exit / an
  uncaught exception; os._exit);
- its limits are enforced the same way (CPU over the whole uid, memory);
- nothing of one process reaches the next (modules, the module's globals,
  signal handlers, files, SysV IPC);
- it can neither signal, ptrace nor read the memory of the zygote (root), which
  keeps serving; a zygote that dies is replaced; a module that cannot be loaded
  is exec'd instead.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

PROBE = Path(__file__).parent / "zygote_probe.py"
MIB = 1024**2
LIMITS = sj.Limits(cpu=5, wall=30, memory=256 * MIB, output=8 * MIB, processes=8,
                   stack=8 * MIB)


@pytest.fixture(scope="module")
def module(pool) -> str:
    """The probe's path in the containers (root-only, as the LCB harness is)."""
    key = "zygote-probe-" + hashlib.sha256(PROBE.read_bytes()).hexdigest()[:16]
    return pool.mirror(key, {"probe.py": PROBE}) + "/probe.py"


def job(module: str, *args: str, warm: bool = True, limits: sj.Limits = LIMITS,
        stdin: str | None = None, zygote: str | None = None, tests: int = 1) -> sj.Job:
    run = [sj.Test(id=f"t{k}", run=[sj.Process(
        name="py", argv=["/usr/bin/python3", "-I", "{bin}/probe.py", *args], limits=limits,
        stdin=sj.Stream(path=stdin) if stdin else None,
        stdout=sj.Stream(capture="out.txt", returned=True),
        zygote=zygote or module)]) for k in range(tests)]
    return sj.Job(files={"probe.py": module}, tests=run, zygote=warm)


def run(pool, module: str, *args: str, worker=None, **kw) -> list[sj.ProcResult]:
    """Run on ``worker`` (one container), or on any free one of the pool."""
    res = (worker or pool).run(job(module, *args, **kw))
    assert res.error is None, res.error
    return [res.tests[f"t{k}"].procs["py"] for k in range(kw.get("tests", 1))]


def out(p: sj.ProcResult) -> dict:
    assert p.stdout, p
    return json.loads(p.stdout.splitlines()[-1])


def test_a_warm_process_sees_what_an_execd_python3_sees(pool, module):
    stdin = pool.mirror("zygote-stdin", {"in.txt": PROBE}) + "/in.txt"
    with pool.worker() as w:  # one container: the same uids
        warm, cold = (out(run(pool, module, "probe", worker=w, warm=x, stdin=stdin)[0])
                      for x in (True, False))
        container_ns = [w.container.exec_run(["readlink", "/proc/1/ns/" + ns]).output.decode()
                        .strip() for ns in ("net", "ipc")]
    # Each in namespaces of the uid's, not the container's (the launcher and the runner
    # each keep their own per uid: the inodes differ).
    for ns in (warm.pop("ns"), cold.pop("ns")):
        assert all(a != b for a, b in zip(ns, container_ns, strict=True)), (ns, container_ns)
    assert {k: (v, cold[k]) for k, v in warm.items() if cold[k] != v} == {}
    assert "Max msgqueue size         0" in warm["limits"]  # no POSIX message queues
    assert warm["uid"] >= 100_000 and warm["groups"] == [] and warm["fds"] == [0, 1, 2, 3]
    assert warm["cap_eff"] == "0" * 16 and warm["no_new_privs"] == "1"
    assert warm["argv"] == ["/tmp/bin/probe.py", "probe"] and warm["main"] == "__main__"
    assert warm["stdin"] == PROBE.read_text()
    assert warm["dumpable_proc_owner"] == warm["uid"]


@pytest.mark.parametrize("how,status", [("return0", 0), ("return3", 3), ("message", 1),
                                        ("raise", 1), ("os_exit", 5), ("none", 0)])
def test_it_ends_as_the_interpreter_would(pool, module, how, status):
    for warm in (True, False):
        p = run(pool, module, "exit", how, warm=warm)[0]
        assert (p.exit_code, out(p)) == (status, {"exit": how}), (warm, p)


def test_cpu_of_its_children_and_its_memory_are_limited(pool, module):
    burn, = run(pool, module, "fork_burn", limits=sj.Limits(cpu=1, wall=20, processes=4))
    assert burn.verdict == sj.TLE and burn.cpu_time >= 1, burn  # the child's CPU counts
    hog, = run(pool, module, "hog", "100", limits=sj.Limits(cpu=5, wall=20,
                                                           memory=64 * MIB))
    assert hog.verdict == sj.MLE, hog
    fits, = run(pool, module, "hog", "8", limits=sj.Limits(cpu=5, wall=20, memory=64 * MIB))
    assert fits.verdict == sj.OK, fits


def test_nothing_of_one_process_reaches_the_next(pool, module):
    with pool.worker() as w:  # one container: the same zygote and uid
        done = out(run(pool, module, "dirty", worker=w)[0])
        assert done["shm"], done  # the SysV segment was made (in the uid's IPC namespace)
        # The next process of the uid, in the next job and in the next test of one job.
        for p in run(pool, module, "look", worker=w) + run(pool, module, "look", worker=w,
                                                           tests=2):
            assert out(p) == {"json": False, "counter": False, "seen": False,
                              "planted": False, "sigusr1": False, "file": False,
                              "shm": False}, p


FIND_ZYGOTES = """
import os
for pid in os.listdir("/proc"):
    try:
        args = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\\0")
    except OSError:
        continue
    if b"--zygote" in args and args[-2].endswith(b"probe.py"):
        print(pid)
"""


def zygotes(w) -> list[str]:
    """Pids (in the container) of the probe's zygotes in worker ``w``'s container."""
    return w.container.exec_run(["python3", "-c", FIND_ZYGOTES]).output.decode().split()


def test_it_cannot_touch_the_zygote_which_keeps_serving(pool, module):
    with pool.worker() as w:
        tries = out(run(pool, module, "zygote", worker=w)[0])
        assert any("--zygote" in k for k in tries), tries  # it is there to be tried
        assert all(t == {"kill": False, "ptrace": False, "mem": False}
                   for t in tries.values()), tries
        before = zygotes(w)
        assert out(run(pool, module, "exit", "return0", worker=w)[0]) == {"exit": "return0"}
        assert zygotes(w) == before


def test_a_dead_zygote_is_replaced_and_a_bad_module_is_execd(pool, module):
    with pool.worker() as w:
        run(pool, module, "exit", "return0", worker=w)
        (pid,) = zygotes(w)
        kill = f"import os; os.kill({int(pid)}, 9)"  # no kill(1) in the image
        assert w.container.exec_run(["python3", "-c", kill]).exit_code == 0
        assert out(run(pool, module, "exit", "return3", worker=w)[0]) == {"exit": "return3"}
        assert zygotes(w) not in ([], [pid])  # a new one serves
        p = run(pool, module, "exit", "return3", worker=w, zygote="/judge/data/missing.py")[0]
        assert (p.verdict, p.exit_code) == (sj.RE, 3), p  # exec'd: the same program
