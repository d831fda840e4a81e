"""Sampling metrics: the unbiased pass@k estimator and friends."""

from math import comb

import pytest

from evalkit.scoring.sampling import avg_at_k, maj_at_k, majority_vote, mean_pass_at_k, pass_at_k


@pytest.mark.parametrize(("n", "c", "k"), [(10, 3, 1), (10, 3, 5), (20, 1, 10), (5, 0, 2),
                                           (5, 5, 5), (100, 17, 64)])
def test_pass_at_k_equals_the_binomial_formula(n, c, k):
    expected = 1 - comb(n - c, k) / comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_1_is_the_fraction_correct():
    assert pass_at_k(8, 3, 1) == pytest.approx(3 / 8)


def test_pass_at_k_is_not_first_k_samples():
    # One correct sample out of 4, placed last: the naive "any of the first 2"
    # says 0; the estimator says 1 - C(3,2)/C(4,2) = 0.5 whatever the order.
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5)


def test_pass_at_k_rejects_impossible_inputs():
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_mean_pass_at_k_needs_k_samples_everywhere():
    assert mean_pass_at_k({"a": [True, False], "b": [False]}, 2) is None
    est = mean_pass_at_k({"a": [True, False], "b": [False, False]}, 1)
    assert est is not None and est.mean == pytest.approx(0.25) and est.n == 2


def test_avg_at_k_standard_error_is_over_problems():
    est = avg_at_k({"a": [1, 1], "b": [0, 0]})
    assert est.mean == 0.5
    assert est.stderr == pytest.approx(0.5)  # sd of (1, 0) is 0.707, / sqrt(2)


def test_majority_vote_ties_go_to_the_first_seen_and_missing_is_ignored():
    assert majority_vote([None, "b", "a", "a", "b"]) == "b"
    assert majority_vote([None, None]) is None


def test_maj_at_k_uses_the_first_k_samples():
    answers = {"p": ["1", "2", "2", "1", "1"]}
    ok = {"p": {"1": True}}
    assert maj_at_k(answers, ok, 3).mean == 0.0  # type: ignore[union-attr]
    assert maj_at_k(answers, ok, 5).mean == 1.0  # type: ignore[union-attr]
