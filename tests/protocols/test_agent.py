"""`evalkit run swebench_sample --set protocol=agent`: mini-SWE-agent end to end.

Real parts throughout: the `evalkit` CLI in a subprocess, its `openai` backend talking
HTTP to a local OpenAI-compatible server (tests/agent_server.py) that replays the model
turns of three recorded mini-SWE-agent conversations, the `mini-swe-agent` package's
agent with its SWE-bench config, commands in containers of the instance images, and the
official SWE-bench grading of the patch the agent leaves.  The server checks that each
observation holds what the recorded model saw, so the commands really ran.

Recorded: `fix` resolves statkit-1, `nofix` submits a docstring edit of textkit-1,
`steplimit` explores textkit-2 until `agent.step_limit` (10) stops it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import docker
import pytest
from agent_server import ReplayServer, load_all

from evalkit.jsonl import read_jsonl

pytestmark = [pytest.mark.docker, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
STATKIT, TEXT1, TEXT2 = ("evalkit-samples__statkit-1", "evalkit-samples__textkit-1",
                         "evalkit-samples__textkit-2")
VERDICTS = {STATKIT: "resolved", TEXT1: "unresolved", TEXT2: "empty_patch"}
STEPS = {STATKIT: 8, TEXT1: 4, TEXT2: 10}  # model calls: the recordings' turns, the limit


@pytest.fixture(scope="session")
def swe_images() -> dict[str, str]:
    """The swebench_sample images, built if missing (as tests/swebench/conftest.py)."""
    if os.environ.get("EVALKIT_SKIP_DOCKER") == "1":
        pytest.skip("EVALKIT_SKIP_DOCKER=1")
    from evalkit.swebench.images import build_sample_images

    return build_sample_images(log=lambda _msg: None)


def args(url: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "evalkit", "run", "swebench_sample", "--backend", "openai",
            "--base-url", url, "--max-retries", "0", "--set", "protocol=agent",
            "--set", "agent.step_limit=10", "--workers", "2", "--out", str(out)]


def lines(path: Path) -> list[dict]:
    return list(read_jsonl(path)) if path.exists() else []


def verdicts(run: Path) -> dict[str, str]:
    return {j["problem_id"]: j["verdict"] for j in lines(run / "judgements.jsonl")}


def left_over(owner: Path) -> list:
    client = docker.from_env()
    try:
        return client.containers.list(
            all=True, filters={"label": f"evalkit.owner={owner.resolve()}"})
    finally:
        client.close()


@pytest.fixture(scope="module")
def clean_run(swe_images, tmp_path_factory):
    """One uninterrupted run of the three recordings (shared by the tests below)."""
    out = tmp_path_factory.mktemp("agent") / "run"
    with ReplayServer(load_all()) as server:
        proc = subprocess.run(args(server.base_url, out), cwd=REPO, capture_output=True,
                              text=True, timeout=900)
        requests, errors = len(server.requests), list(server.errors)
    return out, proc, requests, errors


def test_recordings_end_to_end_resolved_unresolved_and_step_limit(clean_run):
    out, proc, requests, errors = clean_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert errors == []  # every observation held what the recorded model saw
    assert verdicts(out) == VERDICTS
    assert requests == sum(STEPS.values())  # each model call asked once

    gens = lines(out / "generations.jsonl")
    by_label = Counter((g["problem_id"], g["meta"]["label"]) for g in gens)
    for pid, n in STEPS.items():
        assert by_label[(pid, "agent")] == n and by_label[(pid, "patch")] == 1
    acts = [r for r in lines(out / "episodes.jsonl") if r["kind"] == "act"]
    assert Counter(a["problem_id"] for a in acts) == STEPS  # one command per turn
    assert all(set(a["result"]) >= {"output", "returncode", "exception_info"} for a in acts)

    summary = json.loads((out / "summary.json").read_text())
    metrics = summary["protocol"]["metrics"]
    assert metrics["exit_status"] == {"LimitsExceeded": 1, "Submitted": 2}
    assert metrics["step_limit"] == 1 and metrics["submitted"] == 2
    assert metrics["format_errors"] == 0 and metrics["empty_patches"] == 1
    assert summary["protocol"]["params"]["step_limit"] == 10
    assert summary["protocol"]["params"]["mini_swe_agent"].startswith("2.4.")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["protocol"]["name"] == "agent"
    assert manifest["protocol"]["step_limit"] == 10 and manifest["protocol"]["timeout"] == 60
    # The empty patch of the step-limit episode is an outcome, not a generation failure.
    assert summary["generation"]["warnings"] == []
    assert "max_tokens" not in proc.stdout + proc.stderr
    # Judgements carry their timings; mini's trajectories are written the runner's way.
    for j in lines(out / "judgements.jsonl"):
        if j["verdict"] != "empty_patch":
            assert j["details"]["timings"]["total"] >= j["details"]["timings"]["eval"] > 0
    traj = json.loads((out / "agent" / STATKIT / f"{STATKIT}.traj.json").read_text())
    assert traj["info"]["exit_status"] == "Submitted"
    assert traj["info"]["submission"].startswith("diff --git a/statkit/stats.py")
    assert not left_over(out)


def test_episode_records_hold_the_agents_reason(clean_run):
    out = clean_run[0]
    finals = {r["problem_id"]: r for r in lines(out / "episodes.jsonl") if r["kind"] == "final"}
    assert finals[TEXT2]["metrics"]["exit_status"] == "LimitsExceeded"
    assert finals[TEXT2]["metrics"]["reason"] == "LimitsExceeded"
    assert finals[STATKIT]["metrics"]["steps"] == 8
    assert all(f["error"] is None for f in finals.values())


def test_kill_9_mid_agent_then_resume_gives_the_same_verdicts(clean_run, tmp_path):
    out = tmp_path / "killed"
    with ReplayServer(load_all(), delay=0.4) as server:
        proc = subprocess.Popen(args(server.base_url, out), cwd=REPO, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            acts = [r for r in lines(out / "episodes.jsonl") if r["kind"] == "act"]
            if len(acts) >= 6 or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        before = lines(out / "episodes.jsonl")
        done = {r["problem_id"] for r in before if r["kind"] == "final"}
        assert len(done) < 3, "the kill landed after every episode had finished"
        assert left_over(out), "a killed run leaves its agent containers"
        asked = len(server.requests)

        rerun = subprocess.run(args(server.base_url, out), cwd=REPO, capture_output=True,
                               text=True, timeout=900)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert server.errors == []  # the resumed agents saw the recorded observations
        # Stored model calls are not asked again (at most the one in flight per episode).
        assert asked > 0 and len(server.requests) <= sum(STEPS.values()) + 3

    assert verdicts(out) == verdicts(clean_run[0]) == VERDICTS
    after = lines(out / "episodes.jsonl")
    assert after[:len(before)] == before  # nothing finished was lost or rewritten
    finals = [r for r in after if r["kind"] == "final"]
    assert Counter(r["problem_id"] for r in finals) == {p: 1 for p in STEPS}  # none redone
    replayed = sum(r["metrics"]["replayed_commands"] for r in finals)
    assert replayed > 0 and all(r["metrics"]["replay_mismatches"] == 0 for r in finals)
    assert not left_over(out)


def test_tiny_model_through_vllm_ends_in_format_errors_and_the_run_completes(
        swe_images, tiny_model, engine_env, tmp_path):
    """A random model writes no tool call: mini's format-error path runs (its template
    fed back to the model) until its limit of 3 in a row; the instance is not resolved,
    the reason is recorded, the run completes."""
    out = tmp_path / "vllm"
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "run", "swebench_sample", "--backend", "vllm",
         "--preset", "tiny-chatml", "--model", str(tiny_model), "--max-tokens", "32",
         "--problems", STATKIT, "--set", "protocol=agent", "--workers", "1",
         "--out", str(out)], cwd=REPO, env=engine_env, capture_output=True, text=True,
        timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert verdicts(out) == {STATKIT: "empty_patch"}
    (final,) = [r for r in lines(out / "episodes.jsonl") if r["kind"] == "final"]
    m = final["metrics"]
    assert m["exit_status"] == "RepeatedFormatError" and m["reason"] == "RepeatedFormatError"
    assert m["format_errors"] == 3 and m["steps"] == 3 and m["commands"] == 0
    gens = [g for g in lines(out / "generations.jsonl") if g["meta"]["label"] == "agent"]
    assert [g["step"] for g in gens] == [0, 1, 2]
    # Each later call carried mini's format-error message back to the model.
    assert all("tool call" in json.dumps(g["context"]).lower() for g in gens[1:])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["protocol"]["metrics"]["format_error_exits"] == 1
    assert not left_over(out)


def test_episodes_whose_container_cannot_start_are_errors_and_the_run_exits_1(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rows = [json.loads(x) for x in
            (REPO / "benchmarks" / "swebench_sample" / "instances.jsonl").read_text().split("\n")
            if x.strip()]
    for r in rows:
        r["image"] = "evalkit-swe-missing-image:latest"
    (data / "instances.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run"
    with ReplayServer(load_all()) as server:
        proc = subprocess.run([*args(server.base_url, out), "--data", str(data)], cwd=REPO,
                              capture_output=True, text=True, timeout=600)
        assert server.requests == []  # no container, no agent, no model call
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no problem got a verdict" in proc.stdout + proc.stderr
    finals = [r for r in lines(out / "episodes.jsonl") if r["kind"] == "final"]
    assert len(finals) == 3
    assert all("evalkit-swe-missing-image:latest is not available" in f["error"] for f in finals)
    assert lines(out / "judgements.jsonl") == []  # never counted as unresolved


def test_patch_diff_takes_the_whole_tree_not_the_submission(swe_images, tmp_path):
    """`agent.patch=diff` (off by default): `git add -A && git diff --cached` at the end, so
    the agent's helper file patch.txt is in the patch too; mini's runner would take only
    what the agent submitted."""
    out = tmp_path / "diff"
    with ReplayServer(load_all()) as server:
        proc = subprocess.run([*args(server.base_url, out), "--problems", TEXT1,
                               "--set", "agent.patch=diff"], cwd=REPO, capture_output=True,
                              text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (patch,) = [g for g in lines(out / "generations.jsonl") if g["meta"]["label"] == "patch"]
    assert "diff --git a/patch.txt b/patch.txt" in patch["response"]
    assert "diff --git a/textkit/slug.py b/textkit/slug.py" in patch["response"]
    assert [a["label"] for a in lines(out / "episodes.jsonl") if a["kind"] == "act"][-1] == \
        "patch"
    assert verdicts(out) == {TEXT1: "unresolved"}
