"""The leaderboard: rows per model, a column group per benchmark, CIs, flags, notes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalkit.errors import EvalkitError
from evalkit.report.table import build_leaderboard


def test_one_row_per_model_and_one_column_per_benchmark(fixture_runs):
    lb = build_leaderboard(fixture_runs)
    assert lb.rows == ["model-a", "model-b"]
    assert [c.benchmark for c in lb.columns] == sorted(
        {"aime2025", "hmmt_feb2025", "icpc_wf2024", "imo2025", "imo_answerbench",
         "livecodebench_v6", "swebench_verified"})
    assert len(lb.notes) == len(lb.columns)
    assert lb.cell("model-b", "imo2025") is None  # not run: shown as missing, not zero


def test_cells_carry_value_interval_samples_and_medal(fixture_runs):
    lb = build_leaderboard(fixture_runs)
    aime = lb.cell("model-a", "aime2025")
    run = next(r for r in fixture_runs if r.run_id == "aime2025--model-a")
    assert aime["value"] == pytest.approx(run.headline.value)
    assert aime["ci_low"] < aime["value"] < aime["ci_high"]
    assert (aime["samples_min"], aime["samples_max"]) == (8, 8)
    icpc = lb.cell("model-a", "icpc_wf2024")
    assert icpc["medal"] == "silver" and icpc["max"] == 12
    assert 0 <= icpc["ci_low"] <= icpc["value"] <= icpc["ci_high"] <= 12


def test_runs_with_different_settings_are_flagged_not_merged(fixture_runs):
    lb = build_leaderboard(fixture_runs)
    a, b = lb.cell("model-a", "aime2025"), lb.cell("model-b", "aime2025")
    assert (a["flag"], b["flag"]) == ("a", "b")
    note = lb.notes[[c.benchmark for c in lb.columns].index("aime2025")]
    assert "SETTINGS DIFFER" in note and "temperature=0.6" in note and "temperature=1" in note
    assert lb.cell("model-a", "livecodebench_v6")["flag"] == ""  # same settings: no flag


def test_notes_say_what_makes_numbers_comparable(fixture_runs):
    lb = build_leaderboard(fixture_runs)
    notes = dict(zip([c.benchmark for c in lb.columns], lb.notes, strict=True))
    lcb = notes["livecodebench_v6"]
    assert "data window 2024-10-01..2025-01-31" in lcb and "judge " in lcb
    assert "timeout_s=6" in lcb and "temperature=0.6" in lcb and "data sha256" in lcb
    assert "bootstrap over problems and samples" in lcb
    assert "bootstrap over problems (" in notes["icpc_wf2024"]  # best-of: problems only
    assert "medal cut-offs" in notes["imo2025"]


def test_ioi_upper_bound_is_only_a_footnote(real_runs):
    lb = build_leaderboard(real_runs)
    note = lb.notes[0]
    assert "upper bound" in note and "shown only as such" in note
    assert set(lb.cells.columns) >= {"value", "ci_low", "ci_high"}
    assert "upper_bound" not in lb.cells.columns


def test_a_model_that_repeats_a_benchmark_gets_one_row_per_run(fixture_runs):
    aime = [r for r in fixture_runs if r.benchmark == "aime2025"]
    twin = replace(aime[1], manifest={**aime[1].manifest, "model": "model-a"})
    lb = build_leaderboard([aime[0], twin])
    assert lb.rows == ["model-a [aime2025--model-a]", "model-a [aime2025--model-b]"]


def test_the_same_run_twice_is_an_error(fixture_runs):
    with pytest.raises(EvalkitError, match="more than once"):
        build_leaderboard([fixture_runs[0], fixture_runs[0]])


def test_tables_are_reproducible(fixture_runs):
    a, b = build_leaderboard(fixture_runs), build_leaderboard(fixture_runs)
    assert a.cells.equals(b.cells) and a.notes == b.notes
