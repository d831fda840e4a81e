"""Bootstrap intervals: known answers (scipy, normal theory), nesting, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from evalkit.stats.bootstrap import bootstrap_interval, replicate_values


def test_interval_of_a_mean_matches_scipy_percentile_bootstrap():
    x = np.random.default_rng(1).normal(10.0, 2.0, 400)
    ours = bootstrap_interval(x, "mean", resamples=4000, seed=3)
    ref = stats.bootstrap((x,), np.mean, method="percentile", n_resamples=4000,
                          random_state=3).confidence_interval
    assert ours.value == pytest.approx(x.mean())
    assert ours.low == pytest.approx(ref.low, abs=0.03)
    assert ours.high == pytest.approx(ref.high, abs=0.03)
    # and normal theory: mean ± 1.96 s/√n
    half = 1.96 * x.std(ddof=1) / np.sqrt(x.size)
    assert ours.high - ours.low == pytest.approx(2 * half, rel=0.08)


def test_interval_of_a_sum_is_n_times_that_of_the_mean():
    x = np.random.default_rng(2).integers(0, 101, 6).astype(float)
    s = bootstrap_interval(x, "sum", seed=5)
    m = bootstrap_interval(x, "mean", seed=5)
    assert s.value == x.sum()
    assert s.low == pytest.approx(6 * m.low) and s.high == pytest.approx(6 * m.high)


def test_identical_problems_give_a_zero_width_interval():
    ci = bootstrap_interval([100.0, 100.0, 100.0], "sum")
    assert (ci.low, ci.value, ci.high) == (300.0, 300.0, 300.0)


def test_same_seed_same_interval_other_seed_other_draws():
    x = np.random.default_rng(0).random(50)
    assert bootstrap_interval(x, seed=7) == bootstrap_interval(x, seed=7)
    assert bootstrap_interval(x, seed=7) != bootstrap_interval(x, seed=8)


def test_nested_resampling_widens_the_interval_when_samples_are_noisy():
    rng = np.random.default_rng(4)
    samples = [list((rng.random(4) < 0.5).astype(float)) for _ in range(40)]
    values = [float(np.mean(s)) for s in samples]
    flat = bootstrap_interval(values, "mean", seed=1)
    nested = bootstrap_interval(values, "mean", samples=samples, seed=1)
    assert nested.nested and not flat.nested
    assert nested.value == flat.value
    assert (nested.high - nested.low) > (flat.high - flat.low)


def test_single_sample_problems_are_not_resampled_within():
    reps = replicate_values([0.0, 1.0], [[0.0], [1.0]], 10, np.random.default_rng(0))
    assert (reps == np.array([0.0, 1.0])).all()
    assert not bootstrap_interval([0.0, 1.0], samples=[[0.0], [1.0]]).nested


def test_95_percent_intervals_cover_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    p = 1 / (1 + np.exp(rng.uniform(-3, 3, 60)))  # a fixed "true" problem population
    covered = 0
    trials = 200
    for t in range(trials):
        drawn = rng.choice(p, size=60, replace=True)  # a benchmark drawn from it
        samples = [list((rng.random(8) < q).astype(float)) for q in drawn]
        ci = bootstrap_interval([float(np.mean(s)) for s in samples], "mean", samples,
                                resamples=1000, seed=t)
        covered += ci.low <= p.mean() <= ci.high
    assert 0.88 <= covered / trials <= 1.0
