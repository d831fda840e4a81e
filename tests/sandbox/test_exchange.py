"""Job files in the shared exchange folder: a killed evalkit's are removed on the next start.

Rule (evalkit/sandbox/docker.py ``clean_exchange``): a job file (it holds a
submission's source) is named ``<pid>-<uuid>.json`` by the process that wrote
it and removed after its job; a ``kill -9`` leaves it, so a later start
removes the files of pids that are no longer alive, and only those (several
evalkit processes share the folder).  Files of an older naming are removed once
a day old.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from evalkit.sandbox.docker import LEGACY_JOB_AGE, DataStore, clean_exchange


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_files_of_dead_processes_go_and_files_of_live_ones_stay(tmp_path):
    ex = tmp_path / "exchange"
    ex.mkdir()
    dead = ex / f"{dead_pid()}-abc.json"
    mine = ex / f"{os.getpid()}-def.json"
    parent = ex / f"{os.getppid()}-ghi.json"
    old = ex / "0123456789abcdef.json"
    young = ex / "fedcba9876543210.json"
    for p in (dead, mine, parent, old, young):
        p.write_text("{}")
    past = time.time() - LEGACY_JOB_AGE - 60
    os.utime(old, (past, past))
    assert clean_exchange(ex) == 2
    assert sorted(p.name for p in ex.iterdir()) == sorted(
        p.name for p in (mine, parent, young))


def test_a_data_store_cleans_on_start_and_names_its_files_by_pid(tmp_path):
    (tmp_path / "exchange").mkdir()
    stale = tmp_path / "exchange" / f"{dead_pid()}-x.json"
    stale.write_text("{}")
    store = DataStore(tmp_path)
    assert not stale.exists()
    path, inside = store.write_job({"tests": []})
    assert path.name.startswith(f"{os.getpid()}-") and inside.endswith(path.name)
