"""`evalkit report` shows the prompts a run stored (prompts.jsonl), not the benchmark's now.

Rules (report/html.py prompts_for): a run directory's own prompts.jsonl is what the
drill-down shows, so a run is auditable without its data folder or benchmark code; a
format-1 run (no prompts.jsonl) falls back to rebuilding them from the benchmark.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import evalkit.benchmarks
from evalkit.benchmarks import load_benchmark
from evalkit.pipeline import RunConfig, start
from evalkit.report.html import prompts_for
from evalkit.results import load_run

REPO = Path(__file__).resolve().parents[2]
FORMAT1 = REPO / "tests" / "run" / "data" / "format1_aime2025"


@pytest.fixture
def run_dir(tmp_path) -> Path:
    ids = [p.id for p in load_benchmark("imo_answerbench").problems()][:2]
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(json.dumps({"problem_id": i, "sample": 0, "response": "\\boxed{1}"})
                            + "\n" for i in ids))
    out = tmp_path / "run"
    start(RunConfig(benchmark="imo_answerbench", backend="replay", generations=gens, out=out,
                    workers=1, limit=2, options={"prompt": "AUDIT-ME {problem}"}),
          Console(file=open(os.devnull, "w")))
    return out


def test_report_shows_the_stored_prompts_without_the_benchmark(run_dir, monkeypatch):
    def unavailable(*_a: object, **_k: object) -> None:
        raise AssertionError("the report must not reload the benchmark")

    monkeypatch.setattr(evalkit.benchmarks, "load_benchmark", unavailable)
    prompts = prompts_for(load_run(run_dir))
    assert len(prompts) == 2
    assert all(text.startswith("AUDIT-ME ") for text in prompts.values())


def test_format1_run_falls_back_to_the_benchmark(tmp_path):
    run = tmp_path / "run"
    shutil.copytree(FORMAT1, run)
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["data_dir"] = str(REPO / "benchmarks" / "aime2025")  # where its data is here
    (run / "manifest.json").write_text(json.dumps(manifest))
    assert not (run / "prompts.jsonl").exists()
    assert sorted(prompts_for(load_run(run))) == sorted(
        p.id for p in load_benchmark("aime2025").problems())


def test_prompts_command_takes_set_and_subsets():
    r = subprocess.run([sys.executable, "-m", "evalkit", "prompts", "imo_answerbench",
                        "--limit", "1", "--set", 'prompt="Q: {problem}"'],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    assert json.loads(line)["messages"][0]["content"].startswith("Q: ")
