"""The command line: listings, prompts, and one-line errors that lose nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def evalkit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=120)


def test_benchmarks_lists_bundled_and_external_data():
    r = evalkit("benchmarks")
    assert r.returncode == 0
    assert "ioi2024_sample" in r.stdout and "ioi2025" in r.stdout
    assert "--data" in r.stdout.replace("\n", " ") or "data" in r.stdout


def test_prompts_are_one_json_line_per_problem_with_statement_and_header():
    r = evalkit("prompts", "ioi2024_sample")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["problem_id"] for row in rows] == ["aplusb", "message", "sphinx"]
    aplusb = rows[0]["messages"][0]["content"]
    assert "int sum(int A, int B);" in aplusb  # the interface header
    assert "Time limit: 1 seconds" in aplusb and "Memory limit: 2048 MiB" in aplusb
    assert "```cpp" in aplusb  # asks for one fenced C++ block
    sphinx = rows[2]["messages"][0]["content"]
    assert "perform_experiment" in sphinx and "Sphinx" in sphinx


def test_ioi2025_without_data_says_where_to_get_it():
    r = evalkit("run", "ioi2025", "--backend", "reference", "--out", "/tmp/evalkit-nodata")
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "--data" in lines[0] and "ioi2025" in lines[0]


def test_ioi2025_data_folder_missing_tasks_is_named(tmp_path):
    r = evalkit("prompts", "ioi2025", "--data", str(tmp_path))
    assert r.returncode == 2
    assert str(tmp_path) in r.stderr and "souvenirs" in r.stderr


def test_unknown_benchmark_lists_known_ones():
    r = evalkit("prompts", "nope")
    assert r.returncode == 2 and "ioi2024_sample" in r.stderr


def test_docker_engine_not_running_is_one_line_with_what_to_do(tmp_path):
    r = evalkit("sandbox", "check", env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Docker engine" in lines[0] and "dockerd" in lines[0]


def test_missing_judge_image_says_how_to_build_it():
    r = evalkit("sandbox", "check", "--image", "evalkit-judge:does-not-exist")
    if "cannot reach the Docker engine" in r.stderr:
        return  # covered by the test above; this machine has no engine
    assert r.returncode == 2 and "evalkit sandbox build" in r.stderr


def test_bad_replay_line_names_file_and_line(tmp_path):
    gens = tmp_path / "g.jsonl"
    gens.write_text('{"problem_id": "aplusb", "sample": 0, "response": "x"}\n{oops\n')
    r = evalkit("run", "ioi2024_sample", "--backend", "replay", "--generations", str(gens),
                "--out", str(tmp_path / "run"))
    assert r.returncode == 2
    assert f"{gens}:2" in r.stderr and "not valid JSON" in r.stderr
    assert not (tmp_path / "run").exists(), "nothing is written for bad input"


def test_replay_missing_a_problem_is_an_error_before_anything_runs(tmp_path):
    gens = tmp_path / "g.jsonl"
    gens.write_text('{"problem_id": "aplusb", "sample": 0, "response": "x"}\n')
    r = evalkit("run", "ioi2024_sample", "--backend", "replay", "--generations", str(gens),
                "--out", str(tmp_path / "run"))
    assert r.returncode == 2 and "message" in r.stderr
