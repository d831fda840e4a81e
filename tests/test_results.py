"""Loading run directories through the summary contract, and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.results import find_runs, load_run

FIXTURES = Path(__file__).resolve().parent / "report" / "data" / "fixtures"


def test_a_rate_benchmark_loads_headline_problems_and_samples():
    run = load_run(FIXTURES / "aime2025--model-a")
    assert run.benchmark == "aime2025" and run.model == "model-a"
    assert run.headline.aggregate == "mean" and run.headline.max == 1.0
    assert len(run.problems) == 30 and run.samples_per_problem == (8, 8)
    p = run.problems["aime2025-000"]
    assert p.value == pytest.approx(sum(p.samples) / 8)
    assert run.samples_are_means


def test_sample_scores_are_scaled_to_the_problems_max():
    run = load_run(FIXTURES / "imo2025--model-a")
    p = run.problems["P1"]
    assert p.max == 7.0 and all(s in (0.0, 1.0, 7.0) for s in p.samples)
    assert run.samples_are_means  # IMO points here: the mean over graded samples


def test_a_best_of_value_is_not_a_sample_mean():
    run = load_run(FIXTURES / "icpc_wf2024--model-a")
    assert not run.samples_are_means  # solved if any of 5 submissions is accepted


def test_a_folder_of_runs_expands_in_sorted_order():
    paths = find_runs([FIXTURES])
    assert [p.name for p in paths] == sorted(p.name for p in paths) and len(paths) == 12


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "run"
    shutil.copytree(FIXTURES / "hmmt_feb2025--model-a", dst)
    return dst


def test_missing_headline_field_names_file_and_field(tmp_path):
    run = _copy(tmp_path)
    s = json.loads((run / "summary.json").read_text())
    del s["headline"]["aggregate"]
    (run / "summary.json").write_text(json.dumps(s))
    with pytest.raises(EvalkitError, match=r"summary\.json: headline: missing field 'aggregate'"):
        load_run(run)


def test_bad_problem_entry_names_the_problem(tmp_path):
    run = _copy(tmp_path)
    s = json.loads((run / "summary.json").read_text())
    s["problems"]["hmmt_feb2025-003"] = {"value": "high", "max": 1}
    (run / "summary.json").write_text(json.dumps(s))
    with pytest.raises(EvalkitError, match=r"problems\.hmmt_feb2025-003: field 'value'"):
        load_run(run)


def test_unscored_run_says_how_to_score_it(tmp_path):
    run = _copy(tmp_path)
    (run / "summary.json").unlink()
    with pytest.raises(EvalkitError, match="evalkit judge"):
        load_run(run)


def test_not_a_run_directory(tmp_path):
    with pytest.raises(EvalkitError, match="not a run directory"):
        find_runs([tmp_path])
