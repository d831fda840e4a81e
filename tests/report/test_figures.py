"""The report draws each figure exactly when the runs carry its data."""

from __future__ import annotations

import pytest

from evalkit.report.figures import all_figures, at_k_curve
from evalkit.report.table import build_leaderboard
from evalkit.scoring.sampling import pass_at_k

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _kinds(runs):
    lb = build_leaderboard(runs)
    return [(f.kind, f.title.split(":")[0]) for f in all_figures(lb, runs)]


def test_real_runs_get_scores_pass_at_k_solved_at_k_and_months(all_runs):
    kinds = _kinds(all_runs)
    assert sum(k == "scores" for k, _ in kinds) == 8
    assert ("pass_at_k", "aime2025") in kinds
    assert ("pass_at_k", "livecodebench_sample") in kinds
    assert ("solved_at_k", "icpc_sample") in kinds
    assert ("by_month", "livecodebench_sample") in kinds  # contest dates from the data
    # one sample per problem: no curve; partial IMO points: not pass/fail
    for bench in ("swebench_sample", "hmmt_feb2025", "imo_answerbench", "imo2025"):
        assert not any(b == bench and k != "scores" for k, b in kinds), bench
    assert [b for k, b in kinds if k == "subtasks"] == ["ioi2024_sample"]


def test_pass_at_k_curve_uses_the_unbiased_estimator(all_runs):
    run = next(r for r in all_runs if r.run_id == "aime2025--model-a")
    curve = dict(at_k_curve(run))
    assert curve[1.0] == pytest.approx(100 * run.headline.value)
    n = {p: (len(r.samples), int(sum(r.samples))) for p, r in run.problems.items()}
    expect = 100 * sum(pass_at_k(a, c, 4) for a, c in n.values()) / len(n)
    assert curve[4.0] == pytest.approx(expect)
    assert list(curve.values()) == sorted(curve.values())  # pass@k grows with k


def test_ioi_runs_get_the_subtask_heat_map(real_runs):
    kinds = _kinds(real_runs.load(["ioi2024_sample"]))
    assert ("subtasks", "ioi2024_sample") in kinds
    assert not any(k in ("pass_at_k", "solved_at_k") for k, _ in kinds)  # partial scores
