"""Host-wide locks: every evalkit process on a machine sees the others' judges.

- Each judge container gets a core of its own, also against containers of other
  evalkit processes (before, every process pinned its first container to CPU 0).
- A pool's containers are all pinned or none (fewer free cores than workers).
- A claim ends with the process that holds it, even under kill -9.
- Two processes sharing a data cache never rebuild a folder the other is copying.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from evalkit.sandbox.docker import DataStore, SandboxConfig, SandboxPool
from evalkit.sandbox.hostlocks import claim_cpus, file_lock

USABLE = sorted(os.sched_getaffinity(0))


@pytest.fixture(autouse=True)
def own_lock_dir(tmp_path, monkeypatch):
    # The session's judge pools hold claims in the default directory.
    monkeypatch.setenv("EVALKIT_LOCK_DIR", str(tmp_path / "locks"))


def in_other_process(code: str, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, **kw)


CLAIM = """
import json, sys
from evalkit.sandbox.hostlocks import claim_cpus
c = claim_cpus({n})
print(json.dumps(c.cpus if c else None), flush=True)
sys.stdin.readline()
"""


def claimed_elsewhere(n: int) -> tuple[list[int] | None, subprocess.Popen[str]]:
    proc = in_other_process(CLAIM.format(n=n))
    assert proc.stdout is not None
    return json.loads(proc.stdout.readline()), proc


def done(proc: subprocess.Popen[str]) -> None:
    proc.communicate("\n", timeout=30)


def test_two_processes_never_get_the_same_cpu():
    mine = claim_cpus(1)
    assert mine is not None and mine.cpus == [USABLE[0]]
    theirs, proc = claimed_elsewhere(len(USABLE) - 1)
    try:
        if len(USABLE) > 1:
            assert theirs is not None and USABLE[0] not in theirs
        else:
            assert theirs is None
    finally:
        done(proc)
        mine.release()


def test_a_pool_gets_all_its_cpus_or_none():
    mine = claim_cpus(1)
    assert mine is not None
    theirs, proc = claimed_elsewhere(len(USABLE))  # one is taken: not all are free
    done(proc)
    assert theirs is None
    mine.release()
    theirs, proc = claimed_elsewhere(len(USABLE))
    done(proc)
    assert theirs == USABLE
    assert claim_cpus(len(USABLE) + 1) is None  # more than the machine has


def test_a_killed_process_leaves_no_claim_behind():
    theirs, proc = claimed_elsewhere(len(USABLE))
    assert theirs == USABLE
    assert claim_cpus(1) is None
    proc.kill()
    proc.wait(timeout=30)
    again = claim_cpus(len(USABLE))
    assert again is not None and again.cpus == USABLE
    again.release()


HOLD = """
import sys
from pathlib import Path
from evalkit.sandbox.hostlocks import file_lock
with file_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_data_folder_is_built_once_while_another_process_holds_its_lock(tmp_path):
    store = DataStore(tmp_path / "cache")
    src = tmp_path / "t.in"
    src.write_text("1 2\n")
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(store.root / "data" / ".k.lock")],
                            text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    got: list[str] = []
    t = threading.Thread(target=lambda: got.append(store.mirror("k", {"t.in": src})))
    t.start()
    time.sleep(0.5)
    assert t.is_alive() and not (store.root / "data" / "k").exists()  # waits its turn
    done(proc)
    t.join(timeout=30)
    assert got == ["/judge/data/k"]
    assert (store.root / "data" / "k" / "t.in").read_text() == "1 2\n"


def test_file_lock_excludes_threads_of_one_process_too(tmp_path):
    order: list[str] = []

    def take() -> None:
        with file_lock(tmp_path / "x.lock"):
            order.append("thread")

    with file_lock(tmp_path / "x.lock"):
        t = threading.Thread(target=take)
        t.start()
        time.sleep(0.2)
        order.append("holder")
    t.join(timeout=10)
    assert order == ["holder", "thread"]


@pytest.mark.docker
def test_judge_containers_are_pinned_to_distinct_free_cores(docker_client, tmp_path):
    n = len(USABLE)
    first = SandboxPool(SandboxConfig(workers=n, cache_dir=tmp_path / "c1"))
    try:
        pinned = [w.container.attrs["HostConfig"]["CpusetCpus"] for w in first._workers]
        assert sorted(pinned) == sorted(str(c) for c in USABLE)
        # Every core is held: the next pool (here, or in any other process) is not pinned.
        second = SandboxPool(SandboxConfig(workers=1, cache_dir=tmp_path / "c2"))
        try:
            assert second._workers[0].container.attrs["HostConfig"]["CpusetCpus"] == ""
        finally:
            second.close()
    finally:
        first.close()
    third = SandboxPool(SandboxConfig(workers=1, cache_dir=tmp_path / "c3"))
    try:  # closing the first pool gave its cores back
        assert third._workers[0].container.attrs["HostConfig"]["CpusetCpus"] == str(USABLE[0])
    finally:
        third.close()
