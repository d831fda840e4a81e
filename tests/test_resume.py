"""Killing `evalkit run` at any moment (kill -9) and re-running resumes.

Nothing finished is redone, nothing is lost or duplicated, and the final
summary equals that of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evalkit.jsonl import read_jsonl

pytestmark = [pytest.mark.docker, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
APLUSB = REPO / "benchmarks" / "ioi2024_sample" / "tasks" / "aplusb" / "solutions"


def make_generations(path: Path) -> int:
    """aplusb gets slow (time-limit) and fast programs; the other tasks one each."""
    files = ["model_solution/aplusb.cpp", "incorrect/wrong.cpp", "time_limit/loop.cpp",
             "partially_correct/bzero.cpp", "model_solution/aplusb.cpp"]
    lines = [{"problem_id": "aplusb", "sample": i,
              "response": "```cpp\n" + (APLUSB / f).read_text() + "```"}
             for i, f in enumerate(files)]
    for task in ("message", "sphinx"):
        sol = REPO / "benchmarks" / "ioi2024_sample" / "tasks" / task / "solutions"
        code = (sol / "model_solution" / f"{task}.cpp").read_text()
        lines.append({"problem_id": task, "sample": 0, "response": f"```cpp\n{code}```"})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return len(lines)


def evalkit(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "evalkit", *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def lines_of(path: Path) -> list[dict]:
    return list(read_jsonl(path)) if path.exists() else []


def test_kill_9_mid_judging_then_rerun_equals_uninterrupted(tmp_path, docker_client):
    gens = tmp_path / "gens.jsonl"
    n = make_generations(gens)
    args = ["run", "ioi2024_sample", "--backend", "replay", "--generations", str(gens),
            "--workers", "1"]

    killed_dir = tmp_path / "killed"
    proc = evalkit(*args, "--out", str(killed_dir))
    judgements = killed_dir / "judgements.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(lines_of(judgements)) < 2:
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = lines_of(judgements)
    assert 2 <= len(partial) < n

    rerun = evalkit(*args, "--out", str(killed_dir))
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()
    records = lines_of(judgements)
    keys = [(r["problem_id"], r["sample"]) for r in records]
    assert len(keys) == len(set(keys)) == n, "lost or duplicated judgements"
    # What was finished before the kill was kept, not redone.
    assert records[: len(partial)] == partial
    assert len(lines_of(killed_dir / "generations.jsonl")) == n

    clean_dir = tmp_path / "clean"
    clean = evalkit(*args, "--out", str(clean_dir))
    _, err = clean.communicate(timeout=600)
    assert clean.returncode == 0, err.decode()
    a = json.loads((killed_dir / "summary.json").read_text())
    b = json.loads((clean_dir / "summary.json").read_text())
    assert a["metrics"] == b["metrics"] and a["score"] == b["score"]


def test_a_killed_run_leaves_no_judge_containers_behind_after_the_next_run(docker_client):
    from evalkit.sandbox.docker import LABEL, _alive

    stale = [c for c in docker_client.containers.list(all=True, filters={"label": LABEL})
             if not _alive(int(c.labels.get(f"{LABEL}.pid", "0") or 0))]
    assert stale == []
