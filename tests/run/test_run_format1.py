"""Format-1 run directories (before the typed record) still load, table, gate and re-judge.

The fixture tests/run/data/format1_aime2025 was written by evalkit at commit 2cf9557
(see data/README.md), not by this code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rich.console import Console

from evalkit.gating import gate
from evalkit.pipeline import rejudge
from evalkit.report.table import build_leaderboard
from evalkit.results import load_run

FORMAT1 = Path(__file__).parent / "data" / "format1_aime2025"
BUNDLED = Path(__file__).resolve().parents[2] / "benchmarks" / "aime2025"


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"))


def test_format1_run_loads_through_the_typed_record():
    run = load_run(FORMAT1)
    assert "format_version" not in json.loads((FORMAT1 / "manifest.json").read_text())
    assert run.record.format_version == 1 and run.record.options == {}
    assert run.subset is None and run.model == "format1-model"
    assert len(run.problems) == 30 and run.headline.aggregate == "mean"
    assert abs(run.headline.value - 50 / 60) < 1e-9  # every third problem: sample 1 wrong
    assert run.samples_are_means


def test_format1_run_tables_and_gates_against_itself():
    run = load_run(FORMAT1)
    lb = build_leaderboard([run], resamples=200)
    assert lb.cell("format1-model", "aime2025")["flag"] == ""
    assert gate([run], [run]).exit_code == 0


def test_format1_run_is_rejudged_and_upgraded_to_the_current_format(tmp_path):
    run_dir = tmp_path / "run"
    shutil.copytree(FORMAT1, run_dir)
    summary = rejudge(run_dir, workers=1, console=quiet(), data=BUNDLED, out=quiet())
    assert summary["headline"]["value"] == load_run(FORMAT1).headline.value
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["format_version"] == 2 and manifest["options"] == {}
    assert "judge_settings" not in manifest
    # Its generation-time prompts are unknown: not invented (reports rebuild them).
    assert not (run_dir / "prompts.jsonl").exists()
    assert load_run(run_dir).record.format_version == 2
