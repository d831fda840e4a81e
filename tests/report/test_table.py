"""The leaderboard: rows per model, a column group per benchmark, CIs, flags, notes.

Built from real run directories of every bundled benchmark (tests/realruns.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalkit.errors import EvalkitError
from evalkit.report.table import build_leaderboard

pytestmark = [pytest.mark.docker, pytest.mark.slow]

BENCHMARKS = ["aime2025", "hmmt_feb2025", "icpc_sample", "imo2025", "imo_answerbench",
              "ioi2024_sample", "livecodebench_sample", "swebench_sample"]


def _run(runs, run_id):
    return next(r for r in runs if r.run_id == run_id)


def test_one_row_per_model_and_one_column_per_benchmark(all_runs):
    lb = build_leaderboard(all_runs)
    assert set(lb.rows) == {"model-a", "model-b", "reference", "mixed", "partial",
                            "demo-agent"}
    assert [c.benchmark for c in lb.columns] == BENCHMARKS
    assert len(lb.notes) == len(lb.columns)
    assert lb.cell("partial", "aime2025") is None  # not run: shown as missing, not zero
    assert len(lb.cells) == len(all_runs)


def test_cells_carry_value_interval_samples_and_medal(all_runs):
    lb = build_leaderboard(all_runs)
    aime = lb.cell("model-a", "aime2025")
    run = _run(all_runs, "aime2025--model-a")
    assert aime["value"] == pytest.approx(run.headline.value)
    assert aime["ci_low"] < aime["value"] < aime["ci_high"]
    assert (aime["samples_min"], aime["samples_max"]) == (4, 4)
    imo = lb.cell("model-a", "imo2025")  # 35 of 42 points: the gold cut-off
    assert imo["medal"] == "gold" and imo["max"] == 42 and imo["value"] == 35
    assert lb.cell("model-b", "imo2025")["medal"] in (None, "")
    icpc = lb.cell("mixed", "icpc_sample")
    assert icpc["max"] == 5 and 0 <= icpc["ci_low"] <= icpc["value"] <= icpc["ci_high"] <= 5


def test_runs_with_different_settings_are_flagged_not_merged(all_runs):
    lb = build_leaderboard(all_runs)
    a, b = lb.cell("model-a", "aime2025"), lb.cell("model-b", "aime2025")
    assert (a["flag"], b["flag"]) == ("a", "b")
    note = lb.notes[[c.benchmark for c in lb.columns].index("aime2025")]
    assert "SETTINGS DIFFER" in note and "samples 4" in note and "samples 2" in note
    assert lb.cell("demo-agent", "swebench_sample")["flag"] == ""  # same settings: no flag


def test_notes_say_what_makes_numbers_comparable(all_runs):
    lb = build_leaderboard(all_runs)
    notes = dict(zip([c.benchmark for c in lb.columns], lb.notes, strict=True))
    lcb = notes["livecodebench_sample"]
    assert "judge " in lcb and "timeout=6" in lcb and "temperature=0" in lcb
    assert "data sha256" in lcb and "bootstrap over problems and samples" in lcb
    assert "data window" not in lcb  # the sample has no date window: none is claimed
    assert "bootstrap over problems (" in notes["icpc_sample"]  # best-of: problems only
    assert "medal cut-offs gold 35" in notes["imo2025"]
    assert "SWE-bench" in notes["swebench_sample"]  # the adapter's score rule


def test_ioi_upper_bound_is_only_a_footnote(real_runs):
    lb = build_leaderboard(real_runs.load(["ioi2024_sample"]))
    note = lb.notes[0]
    assert "upper bound" in note and "shown only as such" in note
    assert set(lb.cells.columns) >= {"value", "ci_low", "ci_high"}
    assert "upper_bound" not in lb.cells.columns


def test_a_model_that_repeats_a_benchmark_gets_one_row_per_run(all_runs):
    aime = [r for r in all_runs if r.benchmark == "aime2025"]
    first = aime[0].manifest
    twin = replace(aime[1], manifest={**aime[1].manifest, "model": first["model"],
                                      "model_name": first.get("model_name")})
    assert twin.model == aime[0].model
    lb = build_leaderboard([aime[0], twin])
    assert lb.rows == ["model-a [aime2025--model-a]",
                       "model-a [aime2025--model-b]"]


def test_the_same_run_twice_is_an_error(all_runs):
    with pytest.raises(EvalkitError, match="more than once"):
        build_leaderboard([all_runs[0], all_runs[0]])


def test_tables_are_reproducible(all_runs):
    a, b = build_leaderboard(all_runs), build_leaderboard(all_runs)
    assert a.cells.equals(b.cells) and a.notes == b.notes
