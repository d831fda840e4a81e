"""`ioi2024_sample` end to end: real packages, real compilers, real Docker.

The reference backend must score full marks; solutions with known scores
(``solutions/EXPECTED.json`` of each task) must get exactly those scores, and
the task score must follow IOI's best-subtask-over-submissions rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir

pytestmark = [pytest.mark.docker, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TASKS = REPO / "benchmarks" / "ioi2024_sample" / "tasks"
# Solutions whose every test runs into a time limit are slow; judge them for
# aplusb only (17 tests) rather than sphinx (86 tests at 1.5 s).
# (reads_stdin.cpp, blocked on input, is judged by tests/judging/cms/test_load.py.)
SKIP = {"sphinx/solutions/time_limit/loop.cpp",
        "sphinx/solutions/time_limit/reads_stdin.cpp"}


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


def replay_file(tmp_path: Path) -> tuple[Path, dict[tuple[str, int], float]]:
    """All solutions with known scores as replayed generations."""
    lines, expected = [], {}
    for task in ("aplusb", "message", "sphinx"):
        exp = json.loads((TASKS / task / "solutions" / "EXPECTED.json").read_text())
        sample = 0
        for rel, score in sorted(exp.items()):
            if f"{task}/{rel}" in SKIP:
                continue
            code = (TASKS / task / rel).read_text()
            # A realistic response: reasoning, then prose and the program.
            response = (f"<think>let me think about {task}\n```cpp\nint broken(\n```\n</think>"
                        f"Here is my solution.\n\n```cpp\n{code}\n```\n")
            lines.append({"problem_id": task, "sample": sample, "response": response})
            expected[(task, sample)] = float(score)
            sample += 1
    path = tmp_path / "gens.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path, expected


def test_reference_solutions_score_full_marks(tmp_path, docker_client):
    out = tmp_path / "run"
    summary = start(RunConfig(benchmark="ioi2024_sample", backend="reference", out=out,
                              workers=2), quiet())
    assert summary["score"] == summary["max_score"] == 300
    assert summary["headline"]["value"] == 300 and summary["headline"]["aggregate"] == "sum"
    assert set(summary["problems"]) == {"aplusb", "message", "sphinx"}
    for name, task in summary["metrics"]["tasks"].items():
        assert task["score"] == task["max_score"] == 100, name
    rd = RunDir(out)
    manifest = rd.read_manifest()
    for key in ("benchmark", "data_hash", "model", "backend", "sampling", "evalkit_version",
                "git_sha", "judge", "started_at", "judged_at"):
        assert key in manifest, key
    assert manifest["judge"]["image_id"].startswith("sha256:")
    assert json.loads(rd.summary_path.read_text())["score"] == 300


@pytest.fixture(scope="module")
def solutions_run(tmp_path_factory, docker_client):
    tmp = tmp_path_factory.mktemp("solutions")
    gens, expected = replay_file(tmp)
    out = tmp / "run"
    summary = start(RunConfig(benchmark="ioi2024_sample", backend="replay", generations=gens,
                              out=out, workers=2), quiet())
    return summary, RunDir(out), expected


def test_every_known_solution_gets_its_known_score(solutions_run):
    _, rd, expected = solutions_run
    judged = rd.judgements()
    assert set(judged) == set(expected)
    for key, score in expected.items():
        assert judged[key].score == pytest.approx(score, abs=1e-9), (key, judged[key].verdict)


def test_failures_get_the_verdicts_a_contestant_would_see(solutions_run):
    _, rd, _ = solutions_run
    by_file: dict[str, str] = {}
    for (task, sample), j in rd.judgements().items():
        by_file[f"{task}#{sample}"] = j.verdict
    verdicts = set(by_file.values())
    assert {"AC", "WA", "TLE", "RE", "PA"} <= verdicts, verdicts
    tests = [t for j in rd.judgements().values() for t in j.details.get("tests", {}).values()]
    assert any(t["verdict"] == "MLE" for t in tests) or any(
        t["verdict"] == "TLE" for t in tests)


def test_task_score_is_the_best_subtask_over_submissions(solutions_run):
    summary, rd, _ = solutions_run
    for name, task in summary["metrics"]["tasks"].items():
        totals = [j.score for (t, _), j in rd.judgements().items() if t == name]
        # Each task has its model solution among the submissions.
        assert task["score"] == 100 and max(totals) == 100
        assert task["upper_bound"] == 100
        assert len(task["submitted"]) <= 50


def test_code_inside_reasoning_is_ignored(solutions_run):
    _, rd, _ = solutions_run
    # The reasoning holds a broken program; had it been extracted, nothing
    # would have compiled.
    assert all(j.details.get("compiled") for j in rd.judgements().values())


def test_rejudge_is_a_no_op_then_forced_rejudge_agrees(solutions_run, docker_client):
    from evalkit.pipeline import rejudge

    summary, rd, _ = solutions_run
    lines_before = rd.judgements_path.read_text().count("\n")
    again = rejudge(rd.path, 2, quiet())
    assert rd.judgements_path.read_text().count("\n") == lines_before
    assert again["metrics"] == summary["metrics"]


def test_summary_headline_is_the_sum_of_task_scores():
    from evalkit.benchmarks.base import headline

    h = headline("IOI score", "points", "sum", {"a": 30.0, "b": 29.32}, {"a": 100.0, "b": 100.0})
    assert h["headline"]["value"] == pytest.approx(59.32)
    assert h["headline"]["max"] == 200.0
    assert h["problems"]["b"] == {"value": 29.32, "max": 100.0}
    m = headline("accuracy", "fraction", "mean", {"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 1.0})
    assert m["headline"]["value"] == 0.5 and m["headline"]["max"] == 1.0
