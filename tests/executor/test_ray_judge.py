"""Judging on a real Ray cluster (head + worker nodes on this machine) equals local judging.

The same replayed IOI submissions are judged by the ``local`` executor and by
``--executor ray``; the judgements must be equal record for record, apart from
timings.  A worker node killed mid-run loses nothing: its tasks run elsewhere,
and every submission is judged exactly once.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from evalkit.jsonl import read_jsonl
from evalkit.pipeline import RunConfig, rejudge, start
from evalkit.rundir import RunDir
from tests.executor.cluster import REPO, LocalCluster

pytestmark = [pytest.mark.docker, pytest.mark.slow]

TASKS = REPO / "benchmarks" / "ioi2024_sample" / "tasks"
# Known solutions whose verdicts do not depend on timing: not the time-limit
# loops (slow), the memory hog (MLE or TLE depending on how fast it grows) or
# sphinx's model solution (its ~1700 interactions per test can pass the wall
# limit on a heavily loaded machine, under any executor).  aplusb ones several
# times, as samples 0..n-1.
SOLUTIONS = {
    "aplusb": ["model_solution/aplusb.cpp", "incorrect/wrong.cpp",
               "partially_correct/bzero.cpp", "runtime_error/crash.cpp"] * 3,
    "message": ["model_solution/message.cpp", "partially_correct/more_packets.cpp",
                "incorrect/ignore_c.cpp", "runtime_error/crash.cpp"],
    "sphinx": ["partially_correct/adjacent_only.cpp", "incorrect/zeros.cpp"],
}
# Measured resource use may differ between two runs; verdicts and scores may not.
TIMING = {"time", "memory_kb", "max_time"}


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


def write_generations(path: Path) -> int:
    lines = []
    for task, files in SOLUTIONS.items():
        for i, rel in enumerate(files):
            code = (TASKS / task / "solutions" / rel).read_text()
            lines.append({"problem_id": task, "sample": i,
                          "response": f"Here it is.\n\n```cpp\n{code}\n```\n"})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return len(lines)


def untimed(x: Any) -> Any:
    """A record without its timing fields (the only thing allowed to differ)."""
    if isinstance(x, dict):
        return {k: untimed(v) for k, v in x.items() if k not in TIMING}
    if isinstance(x, list):
        return [untimed(v) for v in x]
    if isinstance(x, str):  # messages quote the measured times
        return re.sub(r"\d+\.\d+s", "#s", x)
    return x


def judged(run: Path) -> dict[tuple[str, int], Any]:
    records = list(read_jsonl(run / "judgements.jsonl"))
    keys = [(r["problem_id"], r["sample"]) for r in records]
    assert len(keys) == len(set(keys)), "a submission was judged twice"
    return {k: untimed(r) for k, r in zip(keys, records, strict=True)}


@pytest.fixture(scope="module")
def cluster(docker_client) -> Iterator[LocalCluster]:
    """Head node with one judge slot plus a worker node with one judge slot."""
    pytest.importorskip("ray", reason="pip install 'evalkit[ray]'")
    c = LocalCluster(head_slots=1)
    try:
        c.add_node(slots=1)
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def gens(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("gens") / "gens.jsonl"
    return path, write_generations(path)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, gens, docker_client) -> Path:
    out = tmp_path_factory.mktemp("local") / "run"
    start(RunConfig(benchmark="ioi2024_sample", backend="replay", generations=gens[0],
                    out=out, workers=2), quiet())
    return out


@pytest.fixture(scope="module")
def ray_run(tmp_path_factory, gens, cluster) -> Path:
    out = tmp_path_factory.mktemp("ray") / "run"
    start(RunConfig(benchmark="ioi2024_sample", backend="replay", generations=gens[0],
                    out=out, workers=2, executor="ray", ray_address=cluster.address), quiet())
    return out


def differences(a: dict[Any, Any], b: dict[Any, Any]) -> list[str]:
    """Readable per-test differences between two runs' judgements."""
    out = []
    for k in sorted(set(a) | set(b)):
        ra, rb = a.get(k, {}), b.get(k, {})
        if ra == rb:
            continue
        out.append(f"{k}: {ra.get('verdict')} {ra.get('score')} vs {rb.get('verdict')} "
                   f"{rb.get('score')}")
        ta, tb = ra.get("details", {}).get("tests", {}), rb.get("details", {}).get("tests", {})
        out += [f"  {t}: {ta[t]} vs {tb.get(t)}" for t in sorted(ta) if ta[t] != tb.get(t)][:3]
    return out


def expected_scores() -> dict[tuple[str, int], float]:
    """Each submission's known score (solutions/EXPECTED.json of its task)."""
    out = {}
    for task, files in SOLUTIONS.items():
        known = json.loads((TASKS / task / "solutions" / "EXPECTED.json").read_text())
        out.update({(task, i): float(known[f"solutions/{rel}"]) for i, rel in enumerate(files)})
    return out


def test_ray_judgements_equal_local_ones_apart_from_timings(local_run, ray_run, gens):
    local, ray = judged(local_run), judged(ray_run)
    assert len(local) == gens[1]
    assert ray == local, "\n".join(differences(local, ray))
    assert {k: r["score"] for k, r in ray.items()} == pytest.approx(expected_scores())
    verdicts = {r["verdict"] for r in ray.values()}
    assert {"AC", "WA", "PA", "RE"} <= verdicts, verdicts  # a run that tells verdicts apart


def test_ray_run_has_the_same_judge_key_summary_and_resume(local_run, ray_run, cluster):
    a = json.loads((local_run / "summary.json").read_text())
    b = json.loads((ray_run / "summary.json").read_text())
    assert untimed(a["metrics"]) == untimed(b["metrics"]) and a["score"] == b["score"]
    assert a["judge_key"] == b["judge_key"]
    manifest = RunDir(ray_run).read_manifest()
    assert manifest["judge"]["executor"]["executor"] == "ray"
    assert manifest["judge"]["executor"]["slots"] == 2
    # Resuming a ray-judged run locally finds nothing to do: same judge key.
    before = (ray_run / "judgements.jsonl").read_text()
    rejudge(ray_run, 1, quiet())
    assert (ray_run / "judgements.jsonl").read_text() == before


def test_both_nodes_judge_and_data_is_shipped_once_per_problem(ray_run, cluster):
    from evalkit.executor.ray_judge import RayExecutor

    for node in range(2):
        shipped = sorted((cluster.cache(node) / "ray-data").glob("[0-9a-f]*"))
        assert shipped, f"node {node} judged nothing"
        # One folder per problem: each holds exactly one task package.
        problems = [next(p for p in d.iterdir() if p.is_dir()).name for d in shipped]
        assert len(problems) == len(set(problems)) <= 3, problems
    ex = RayExecutor(address=cluster.address)
    rejudge(ray_run, 2, quiet(), force=True, executor=ex)
    assert ex.puts == 3  # once per problem, for 18 submissions


def test_a_task_past_its_deadline_becomes_a_judge_error_and_is_retried_next_run(
        tmp_path, cluster):
    from evalkit.executor.ray_judge import RayExecutor

    out = tmp_path / "run"
    start(RunConfig(benchmark="ioi2024_sample", backend="reference", out=out,
                    executor="ray", ray_address=cluster.address), quiet())
    good = judged(out)
    ex = RayExecutor(address=cluster.address, deadline=0.2, retries=1)
    summary = rejudge(out, 2, quiet(), force=True, executor=ex)
    late = [r for r in read_jsonl(out / "judgements.jsonl")][len(good):]
    assert len(late) == 3 and ex.retried == 3
    assert all(r["verdict"] == "JE" and "deadline" in r["judge_error"] for r in late)
    assert summary["metrics"]["judge_errors"] == 3  # not counted as wrong answers
    again = rejudge(out, 2, quiet(), executor=RayExecutor(address=cluster.address))
    assert again["score"] == 300 and again["metrics"]["judge_errors"] == 0


def test_killing_a_worker_node_mid_run_loses_and_duplicates_nothing(
        tmp_path, gens, local_run, cluster):
    victim = cluster.add_node(slots=1)
    victim_cache = cluster.cache(len(cluster.nodes) - 1)
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "evalkit", "run", "ioi2024_sample", "--backend", "replay",
         "--generations", str(gens[0]), "--out", str(out), "--executor", "ray",
         "--ray-address", cluster.address],
        cwd=REPO, env=cluster.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        # Kill the node once it is judging and some results are in.
        while time.monotonic() < deadline and proc.poll() is None and not (
                (victim_cache / "ray-data").exists()
                and len(list(read_jsonl(out / "judgements.jsonl"))
                        if (out / "judgements.jsonl").exists() else []) >= 2):
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before the node could be killed"
        done_before = len(list(read_jsonl(out / "judgements.jsonl")))
        cluster.kill_node(victim)
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()[-3000:]
    assert done_before < gens[1]
    assert judged(out) == judged(local_run), "\n".join(differences(judged(local_run),
                                                                 judged(out)))
    assert json.loads((out / "summary.json").read_text())["metrics"]["judge_errors"] == 0


def test_the_image_and_runner_every_node_judges_with_are_checked(cluster):
    from evalkit.errors import EvalkitError
    from evalkit.executor.ray_judge import RayExecutor
    from evalkit.sandbox.docker import SandboxConfig

    ex = RayExecutor(address=cluster.address)
    try:
        ex._connect()
        with pytest.raises(EvalkitError, match="evalkit sandbox build"):
            ex._check_nodes(SandboxConfig(image="evalkit-ray-no-such-image:latest").image)
    finally:
        ex.close()
