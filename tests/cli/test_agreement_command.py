"""`evalkit agreement`: the proof benchmark's own judge (a real replay backend) against human
grades; the figures are computed by hand from tests/proofs/data/gradingbench_synthetic.csv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "proofs" / "data" / "gradingbench_synthetic.csv"

# The judge's verdicts: grading id -> the text of each attempt.
VERDICTS = {
    "SYN-0001": ["Complete.\n<points>7 out of 7</points>"],        # human 7 Correct
    "SYN-0002": ["Fine.\n<points>7 out of 7</points>"],            # human 6 Almost
    "SYN-0003": ["Wrong claim.\n<points>0 out of 7</points>"],     # human 1 Partial
    "SYN-0004": ["No argument.\n<points>0 out of 7</points>"],     # human 0 Incorrect
    "SYN-0005": ["Progress.\n<points>1 out of 7</points>"],        # human 3 Partial
    "SYN-0006": ["I cannot decide.", "Maybe 5?", "<points>9 out of 7</points>"],  # human 7
    "SYN-0007": ["Gap.\n<points>1 out of 7</points>"],             # human 5 Almost
    # SYN-0008 has an empty response: 0 (NO_PROOF) without asking the judge; human 0.
}


def evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)


def verdicts(path: Path) -> Path:
    path.write_text("".join(json.dumps({"problem_id": gid, "sample": i, "response": text}) + "\n"
                            for gid, texts in VERDICTS.items() for i, text in enumerate(texts)))
    return path


def test_gradingbench_agreement_table_and_resume(tmp_path):
    out = tmp_path / "agree"
    args = ["agreement", "imo_proofbench", "--data", str(DATA), "--judge-backend", "replay",
            "--judge-generations", str(verdicts(tmp_path / "v.jsonl")), "--out", str(out),
            "--workers", "2"]
    r = evalkit(*args)
    assert r.returncode == 0, r.stderr
    s = json.loads((out / "agreement.json").read_text())
    # Graded: 7 of 8 (SYN-0006: no parseable score after 3 attempts, a judge error).
    assert (s["total"], s["graded"], s["ungraded"]) == (8, 7, 1)
    # Exact: 0001 (C=C), 0004 (I=I), 0005 (P=P), 0008 (I=I) -> 4/7.
    assert s["exact"] == 4 and s["exact_rate"] == pytest.approx(4 / 7)
    # Binarized: all but 0007 (human Almost=high, judge Partial=low) -> 6/7.
    assert s["binarized_rate"] == pytest.approx(6 / 7)
    # |judge - human| points: 0, 1, 1, 0, 2, 4 (0007: 1 vs 5), 0 -> 8/7.
    assert s["mae_points"] == pytest.approx(8 / 7)
    # Classes as 7/6/1/0: 0, 1 (C/A), 1 (I/P), 0, 0, 5 (P/A), 0 -> 7/7.
    assert s["mae_classes"] == pytest.approx(1.0)
    assert s["confusion"] == {
        "Incorrect": {"Incorrect": 2, "Partial": 0, "Almost": 0, "Correct": 0, "no grade": 0},
        "Partial": {"Incorrect": 1, "Partial": 1, "Almost": 0, "Correct": 0, "no grade": 0},
        "Almost": {"Incorrect": 0, "Partial": 1, "Almost": 0, "Correct": 1, "no grade": 0},
        "Correct": {"Incorrect": 0, "Partial": 0, "Almost": 0, "Correct": 1, "no grade": 1}}
    assert "57.1%" in r.stdout and "1.14 points" in r.stdout and "no grade" in r.stdout
    judged = [json.loads(x) for x in (out / "judgements.jsonl").read_text().splitlines()]
    assert len(judged) == 8
    attempts = next(j for j in judged if j["problem_id"] == "SYN-0006")["details"]
    assert len(attempts["judge_attempts"]) == 3  # every attempt's text is kept

    # Re-running asks only what is missing or was a judge error (SYN-0006), nothing else.
    again = evalkit(*args)
    assert again.returncode == 0, again.stderr
    lines = (out / "judgements.jsonl").read_text().splitlines()
    assert len(lines) == 9 and json.loads(lines[-1])["problem_id"] == "SYN-0006"
    assert json.loads((out / "agreement.json").read_text())["exact"] == 4


def test_reference_solutions_are_the_default_graded_set(tmp_path):
    lines = [{"problem_id": "PB-Basic-001#reference", "sample": 0,
              "response": "<points>7 out of 7</points>"},
             {"problem_id": "PB-Basic-002#reference", "sample": 0,
              "response": "<points>6 out of 7</points>"}]
    v = tmp_path / "v.jsonl"
    v.write_text("".join(json.dumps(x) + "\n" for x in lines))
    r = evalkit("agreement", "imo_proofbench", "--limit", "2", "--judge-backend", "replay",
                "--judge-generations", str(v), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "o" / "agreement.json").read_text())
    assert s["source"] == "proofbench-reference" and s["total"] == 2
    assert s["exact"] == 1 and s["confusion"]["Correct"]["Almost"] == 1


def test_bad_input_is_one_line(tmp_path):
    bad = tmp_path / "g.csv"
    bad.write_text("Grading ID,Problem\nGB-1,x\n")
    r = evalkit("agreement", "imo_proofbench", "--data", str(bad), "--judge-backend", "replay",
                "--judge-generations", str(tmp_path / "v.jsonl"))
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "g.csv: missing column(s)" in lines[0]
    r = evalkit("agreement", "aime2025", "--judge-backend", "replay")
    assert r.returncode == 2 and "not graded by a judge model" in r.stderr
