"""Paired tests: exact sign/McNemar p-values, paired bootstrap vs the paired t-test,
and the gate's error rates on simulated runs (the noise case must not fail)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from evalkit.gating import FAIL, PASS, decide
from evalkit.stats.paired import binomial_tail, paired_bootstrap, sign_test
from evalkit.stats.simulate import gate_failure_rate


@pytest.mark.parametrize(("worse", "better"), [(5, 0), (4, 1), (9, 3), (12, 12), (0, 7),
                                               (30, 14)])
def test_sign_test_is_the_exact_one_sided_binomial_test(worse, better):
    base = [1.0] * worse + [0.0] * better + [1.0] * 3
    cand = [0.0] * worse + [1.0] * better + [1.0] * 3  # 3 ties
    t = sign_test(base, cand)
    assert (t.worse, t.better, t.ties) == (worse, better, 3)
    ref = stats.binomtest(worse, worse + better, 0.5, alternative="greater").pvalue
    assert t.p_drop == pytest.approx(ref, rel=1e-12)


def test_exact_mcnemar_small_cases_by_hand():
    assert binomial_tail(5, 5) == 1 / 32  # 5 discordant pairs, all worse
    assert binomial_tail(4, 5) == 6 / 32
    assert binomial_tail(0, 0) == 1.0


def test_sign_test_ignores_ties_and_counts_partial_scores():
    t = sign_test([30.0, 100.0, 0.0], [29.32, 100.0, 50.0])
    assert (t.worse, t.better, t.ties) == (1, 1, 1)


def test_paired_bootstrap_agrees_with_the_paired_t_test_on_large_samples():
    rng = np.random.default_rng(5)
    base = rng.normal(50, 10, 500)
    cand = base + rng.normal(-0.8, 8, 500)
    ours = paired_bootstrap(base, cand, "mean", resamples=4000, seed=2)
    t = stats.ttest_rel(cand, base, alternative="less")
    assert ours.delta == pytest.approx(cand.mean() - base.mean())
    assert ours.p_drop == pytest.approx(t.pvalue, abs=0.015)
    ci = stats.ttest_rel(cand, base).confidence_interval(0.95)
    assert ours.low == pytest.approx(ci.low, abs=0.1) and ours.high == pytest.approx(ci.high,
                                                                                     abs=0.1)


def test_identical_runs_have_p_one_and_a_zero_interval():
    x = [0.0, 1.0, 0.5, 1.0]
    b = paired_bootstrap(x, x)
    assert (b.delta, b.low, b.high, b.p_drop) == (0.0, 0.0, 0.0, 1.0)


def test_an_improvement_is_never_a_significant_drop():
    b = paired_bootstrap([0.0] * 20, [1.0] * 20)
    assert b.p_drop == 1.0


def test_gate_rule_needs_both_a_large_and_a_significant_drop():
    base = np.ones(40)
    cand = np.r_[np.zeros(10), np.ones(30)]  # -25 pp, 10 flips: McNemar p = 2^-10
    assert decide(base, cand, "mean", True, 0.0, 0.05)[0] == FAIL
    assert decide(base, cand, "mean", True, 30.0, 0.05)[0] == PASS  # within --max-drop
    small = np.r_[np.zeros(2), np.ones(38)]  # 2 flips: p = 0.25, not significant
    verdict, p, _, _ = decide(base, small, "mean", True, 0.0, 0.05)
    assert verdict == PASS and p == pytest.approx(0.25)


@pytest.mark.parametrize("k", [1, 8])
def test_same_model_new_seed_rarely_fails_the_gate(k):
    rates = gate_failure_rate(trials=300, problems=60, k=k, drop=0.0, alpha=0.05, seed=k)
    # target: false alarms <= alpha; allow the simulation's own noise (sd ~1.3 pp)
    assert rates.rate <= 0.08, rates


def test_a_real_drop_usually_fails_the_gate():
    rates = gate_failure_rate(trials=100, problems=100, k=4, drop=0.12, alpha=0.05, seed=9)
    assert rates.rate >= 0.8, rates
