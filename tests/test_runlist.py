"""`evalkit runs`: each run directory's status from its files alone (complete, partial,
errors), its protocol and headline; suite folders are looked into."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evalkit.runlist import COMPLETE, ERRORS, PARTIAL, list_runs

REPO = Path(__file__).resolve().parents[1]


def make_run(path: Path, *, planned: int = 2, generated: int = 2, judged: int = 2,
             summary: bool = True, gen_error: bool = False, judge_error: bool = False) -> Path:
    """A run directory in the pipeline's file layout (manifest, JSONL logs, summary)."""
    path.mkdir(parents=True)
    ids = [f"p{i}" for i in range(planned)]
    (path / "manifest.json").write_text(json.dumps({
        "benchmark": "icpc_sample", "model": "/ckpt/SmolLM2-135M-Instruct/hf",
        "backend": {"backend": "vllm"}, "samples": dict.fromkeys(ids, 1),
        "sampling": {"temperature": 0.2, "max_tokens": 256}, "judge": {"judge_key": "k1"}}))
    with open(path / "generations.jsonl", "w") as f:
        for i in range(generated):
            f.write(json.dumps({"problem_id": ids[i], "sample": 0, "response": "x",
                                "error": "boom" if gen_error and i == 0 else None}) + "\n")
    with open(path / "judgements.jsonl", "w") as f:
        for i in range(judged):
            f.write(json.dumps({"problem_id": ids[i], "sample": 0, "judge_key": "k1",
                                "judge_error": "docker" if judge_error and i == 0 else None})
                    + "\n")
        f.write(json.dumps({"problem_id": "p0", "sample": 0, "judge_key": "old"}) + "\n")
    if summary:
        (path / "summary.json").write_text(json.dumps({
            "judge_key": "k1", "headline": {"name": "problems solved", "aggregate": "sum",
                                            "value": 1, "max": planned}}))
    return path


def test_status_protocol_and_headline(tmp_path):
    make_run(tmp_path / "a-complete")
    make_run(tmp_path / "b-killed", generated=1, judged=0, summary=False)
    make_run(tmp_path / "c-unjudged", judged=1)
    make_run(tmp_path / "d-judge-error", judge_error=True)
    make_run(tmp_path / "suite" / "e-gen-error", gen_error=True)
    (tmp_path / "not-a-run").mkdir()
    rows = {r.path.name: r for r in list_runs(tmp_path)}
    assert {k: r.status for k, r in rows.items()} == {
        "a-complete": COMPLETE, "b-killed": PARTIAL, "c-unjudged": PARTIAL,
        "d-judge-error": ERRORS, "e-gen-error": ERRORS}
    a = rows["a-complete"]
    assert (a.benchmark, a.model, a.backend) == ("icpc_sample", "SmolLM2-135M-Instruct", "vllm")
    assert a.protocol == "k=1 T=0.2 max=256" and a.headline == "problems solved 1/2"
    assert rows["b-killed"].detail == "1/2 generated, 0 judged"
    assert rows["b-killed"].headline == "-"
    assert "1 judge error" in rows["d-judge-error"].detail


def test_runs_command_prints_the_table(tmp_path):
    make_run(tmp_path / "only")
    proc = subprocess.run([sys.executable, "-m", "evalkit", "runs", "--results", str(tmp_path)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert "icpc_sample" in proc.stdout and "complete" in proc.stdout
    missing = subprocess.run([sys.executable, "-m", "evalkit", "runs", "--results",
                              str(tmp_path / "nope")], capture_output=True, text=True,
                             timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert missing.returncode == 2 and "no such results folder" in missing.stderr
