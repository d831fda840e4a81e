"""`evalkit gate`: exit 0 on noise, 1 on a significant drop beyond --max-drop, 2 when the runs
cannot be compared; a Markdown PR summary on stdout and JUnit XML on request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
PUBLISHED_RUNS = REPO / "results" / "published" / "runs"


def evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, env=env, timeout=120)


def write_run(path: Path, values: list[float], *, bench: str = "swebench_verified",
              data_hash: str = "d" * 64, judge_limits: dict | None = None) -> Path:
    """A pass/fail run directory in the summary contract's shape (one sample per problem).

    Kept beside the real runs below because these tests need shapes no bundled benchmark
    gives: an exact number of flipped problems out of 100, and a changed data hash or
    judge limit on otherwise identical runs."""
    ids = [f"p{i:03d}" for i in range(len(values))]
    judge = {"judge_key": "k" + json.dumps(judge_limits or {}, sort_keys=True)[:10],
             "limits": judge_limits or {"timeout": 60}, "data_hash": data_hash}
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps({
        "benchmark": bench, "data_hash": data_hash, "model": path.name, "judge": judge,
        "sampling": {"temperature": 0.0}, "samples": dict.fromkeys(ids, 1)}))
    (path / "summary.json").write_text(json.dumps({
        "benchmark": bench, "run_id": path.name, "judge_key": judge["judge_key"],
        "headline": {"name": "resolved", "unit": "fraction", "aggregate": "mean",
                     "value": sum(values) / len(values), "max": 1.0},
        "problems": {p: {"value": v, "max": 1.0} for p, v in zip(ids, values, strict=True)}}))
    (path / "judgements.jsonl").write_text("".join(
        json.dumps({"problem_id": p, "sample": 0, "judge_key": judge["judge_key"],
                    "verdict": "resolved" if v else "unresolved", "score": v,
                    "max_score": 1.0}) + "\n" for p, v in zip(ids, values, strict=True)))
    return path


def test_a_significant_drop_fails_with_a_pr_summary_and_junit(tmp_path):
    base = write_run(tmp_path / "base", [1.0] * 60 + [0.0] * 40)
    cand = write_run(tmp_path / "cand", [0.0] * 15 + [1.0] * 45 + [0.0] * 40)  # 15 flips
    junit = tmp_path / "gate.xml"
    r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand),
                "--junit", str(junit))
    assert r.returncode == 1, r.stderr
    assert "| swebench_verified | 60 | 45 | -15.00 pp" in r.stdout
    assert "McNemar exact" in r.stdout and "❌ fail" in r.stdout
    assert "worse `p000` 100→0" in r.stdout  # the flipped problems are named
    suite = ET.parse(junit).getroot()
    assert suite.get("failures") == "1"
    assert suite.find("testcase/failure") is not None


def test_the_same_drop_within_max_drop_passes(tmp_path):
    base = write_run(tmp_path / "base", [1.0] * 60 + [0.0] * 40)
    cand = write_run(tmp_path / "cand", [0.0] * 15 + [1.0] * 45 + [0.0] * 40)
    r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand), "--max-drop", "20")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "✅ pass" in r.stdout


def test_a_small_drop_is_noise_and_passes(tmp_path):
    base = write_run(tmp_path / "base", [1.0] * 60 + [0.0] * 40)
    # 4 worse, 2 better: p = P(X >= 4 | n=6) = 22/64
    cand = write_run(tmp_path / "cand", [0.0] * 4 + [1.0] * 56 + [1.0] * 2 + [0.0] * 38)
    r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand))
    assert r.returncode == 0, r.stdout
    assert "0.344" in r.stdout


def test_same_model_two_seeds_passes(tmp_path):
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 200)
    base = write_run(tmp_path / "s1", list((rng.random(200) < p).astype(float)))
    cand = write_run(tmp_path / "s2", list((rng.random(200) < p).astype(float)))
    r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand))
    assert r.returncode == 0, r.stdout


def test_runs_on_other_data_or_judge_cannot_be_compared(tmp_path):
    base = write_run(tmp_path / "base", [1.0, 0.0, 1.0])
    other_data = write_run(tmp_path / "d", [1.0, 0.0, 1.0], data_hash="e" * 64)
    other_judge = write_run(tmp_path / "j", [1.0, 0.0, 1.0], judge_limits={"timeout": 30})
    fewer = write_run(tmp_path / "f", [1.0, 0.0])
    for cand, why in ((other_data, "data_hash"), (other_judge, "different judge"),
                      (fewer, "different problems")):
        r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand))
        assert r.returncode == 2, (why, r.stdout, r.stderr)
        assert why in r.stdout and "cannot compare" in r.stdout
    forced = evalkit("gate", "--baseline", str(base), "--candidate", str(other_judge), "--force")
    assert forced.returncode == 0 and "--force despite" in forced.stdout


# -- on real runs (tests/realruns.py) --------------------------------------------------

@pytest.mark.docker
@pytest.mark.slow
def test_a_real_drop_on_imo_answerbench_fails_with_junit(real_runs, tmp_path):
    base, cand = real_runs.get("imo_answerbench")  # all answers right; a third left out
    junit = tmp_path / "gate.xml"
    r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand), "--junit",
                str(junit))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "| imo_answerbench | 100 | 66.5 | -33.50 pp" in r.stdout
    assert "McNemar exact (400 problems)" in r.stdout and "(+119 more)" in r.stdout
    assert "McNemar exact" in r.stdout and "❌ fail" in r.stdout
    assert ET.parse(junit).getroot().get("failures") == "1"
    r = evalkit("gate", "--baseline", str(base), "--candidate", str(cand), "--max-drop", "40")
    assert r.returncode == 0 and "✅ pass" in r.stdout


@pytest.mark.docker
@pytest.mark.slow
def test_two_flips_on_swebench_are_noise(real_runs):
    gold, agent = real_runs.get("swebench_sample")  # 3 resolved vs 1 resolved
    r = evalkit("gate", "--baseline", str(gold), "--candidate", str(agent))
    assert r.returncode == 0, r.stdout + r.stderr
    # McNemar exact: 2 of 2 discordant pairs worse, p = 1/4 > alpha
    assert "| -66.67 pp ([-100.00, +0.00]) | 0.25 | McNemar exact (3 problems) | ✅ pass" \
        in r.stdout
    assert "evalkit-samples__textkit-1" in r.stdout


@pytest.mark.docker
@pytest.mark.slow
def test_benchmarks_are_paired_by_name_and_can_be_selected(real_runs):
    swe = real_runs.get("swebench_sample")
    answer = real_runs.get("imo_answerbench")
    args = ["gate", "--baseline", str(swe[0]), "--baseline", str(answer[0]),
            "--candidate", str(swe[1])]
    r = evalkit(*args)
    assert r.returncode == 2 and "imo_answerbench" in r.stdout
    assert "no run on candidate" in r.stdout
    r = evalkit(*args, "--benchmarks", "swebench_sample")
    assert r.returncode == 0 and "swebench_sample" in r.stdout
    assert "imo_answerbench" not in r.stdout


def test_bad_arguments_are_one_line_errors(tmp_path):
    r = evalkit("gate", "--baseline", str(tmp_path), "--candidate", str(tmp_path))
    assert r.returncode == 2 and "not a run directory" in r.stderr
    r = evalkit("gate", "--baseline", str(PUBLISHED_RUNS), "--candidate", str(PUBLISHED_RUNS))
    assert r.returncode == 2 and "two runs of" in r.stderr
