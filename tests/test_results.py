"""Loading run directories through the summary contract, and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.results import find_runs, load_run

PUBLISHED_RUNS = Path(__file__).resolve().parents[1] / "results" / "published" / "runs"


@pytest.mark.docker
@pytest.mark.slow
def test_a_rate_benchmark_loads_headline_problems_and_samples(real_runs):
    run = load_run(real_runs.get("aime2025")[0])
    assert run.benchmark == "aime2025" and run.model == "model-a"
    assert run.headline.aggregate == "mean" and run.headline.max == 1.0
    assert len(run.problems) == 30 and run.samples_per_problem == (4, 4)
    p = run.problems["aime_2025_I-11"]
    assert p.value == pytest.approx(sum(p.samples) / 4) and 0 < p.value < 1
    assert run.samples_are_means


@pytest.mark.docker
@pytest.mark.slow
def test_sample_scores_are_scaled_to_the_problems_max(real_runs):
    run = load_run(real_runs.get("imo2025")[1])
    p = run.problems["imo2025-p4"]
    assert p.max == 7.0 and p.samples == (2.0,)  # "<points>2 out of 7</points>"
    assert run.headline.aggregate == "sum" and run.headline.max == 42.0


@pytest.mark.docker
@pytest.mark.slow
def test_a_best_of_value_is_not_a_sample_mean(real_runs):
    run = load_run(real_runs.get("icpc_sample")[1])
    assert run.problems["hello"].samples == (0.0, 1.0)  # WA, then accepted
    assert run.problems["hello"].value == 1.0
    assert not run.samples_are_means  # solved if any submission is accepted


def test_a_folder_of_runs_expands_in_sorted_order():
    paths = find_runs([PUBLISHED_RUNS])
    assert [p.name for p in paths] == ["ioi2024_sample--partial-solutions",
                                       "ioi2024_sample--reference"]


def test_a_date_window_without_dates_is_no_window():
    run = load_run(PUBLISHED_RUNS / "ioi2024_sample--reference")
    from dataclasses import replace

    none = replace(run, summary={**run.summary, "metrics": {"window": {"start": None,
                                                                       "end": None}}})
    assert none.data_window is None  # as livecodebench_sample writes it
    half = replace(none, summary={**none.summary, "metrics": {"window": {
        "start": "2024-10-01", "end": None}}})
    assert half.data_window == "2024-10-01–"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "run"
    shutil.copytree(PUBLISHED_RUNS / "ioi2024_sample--reference", dst)
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
    s["problems"]["sphinx"] = {"value": "high", "max": 1}
    (run / "summary.json").write_text(json.dumps(s))
    with pytest.raises(EvalkitError, match=r"problems\.sphinx: field 'value'"):
        load_run(run)


def test_unscored_run_says_how_to_score_it(tmp_path):
    run = _copy(tmp_path)
    (run / "summary.json").unlink()
    with pytest.raises(EvalkitError, match="evalkit judge"):
        load_run(run)


def test_not_a_run_directory(tmp_path):
    with pytest.raises(EvalkitError, match="not a run directory"):
        find_runs([tmp_path])
