"""Paired statistics for comparing two runs problem by problem.

Both runs are aligned on the same problems, so each problem is its own control:
the per-problem differences carry all the information (paired designs; Efron &
Tibshirani 1993, "An Introduction to the Bootstrap", ch. 16 for the bootstrap
test below).  p-values are one-sided, for "the candidate is worse", since a
regression gate only asks about drops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evalkit.stats.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, Values, aggregate

# Per-problem values closer than this count as equal (ties in the sign test).
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class PairedBootstrap:
    """Candidate minus baseline, with a percentile interval and a one-sided p-value."""

    baseline: float
    candidate: float
    delta: float
    low: float
    high: float
    level: float
    p_drop: float  # P-value of H0 "no drop" against H1 "candidate is worse"
    resamples: int


@dataclass(frozen=True)
class SignTest:
    """Exact sign test on per-problem differences (ties dropped).

    With pass/fail outcomes the non-tied problems are exactly McNemar's discordant
    pairs, and this is the exact (binomial) McNemar test (McNemar 1947; exact form
    e.g. Fagerland, Lydersen & Laake 2013, BMC Med Res Methodol 13:91).
    """

    worse: int
    better: int
    ties: int
    p_drop: float  # P(X >= worse), X ~ Binomial(worse + better, 1/2)


def _check_pair(baseline: Values, candidate: Values) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(baseline, dtype=float)
    c = np.asarray(candidate, dtype=float)
    if b.shape != c.shape or b.ndim != 1:
        raise ValueError(f"paired values need equal 1-d shapes, got {b.shape} and {c.shape}")
    return b, c


def paired_bootstrap(baseline: Values, candidate: Values, how: str = "mean",
                     level: float = 0.95, resamples: int = DEFAULT_RESAMPLES,
                     seed: int = DEFAULT_SEED) -> PairedBootstrap:
    """Paired bootstrap of ``aggregate(candidate) - aggregate(baseline)`` over problems.

    The same resampled problems are used for both runs in every replicate.  The
    p-value tests H0 "delta >= 0" by centring the bootstrap distribution on zero
    (Efron & Tibshirani 1993, Algorithm 16.1): ``p = (1 + #{d* - d <= d}) / (B + 1)``.
    """
    b, c = _check_pair(baseline, candidate)
    base, cand = float(aggregate(b, how)), float(aggregate(c, how))
    delta = cand - base
    if b.size == 0:
        return PairedBootstrap(base, cand, delta, delta, delta, level, 1.0, 0)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, b.size, size=(resamples, b.size))
    reps = aggregate(c[pick] - b[pick], how, axis=1)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(reps, [alpha, 1.0 - alpha])
    # Float noise must not turn an exact tie into evidence.
    centred = np.round(reps - delta, 12)
    p = (1 + int(np.sum(centred <= round(delta, 12)))) / (resamples + 1)
    return PairedBootstrap(base, cand, delta, float(low), float(high), level, min(1.0, p),
                           resamples)


def binomial_tail(k: int, n: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2), exactly (as a float)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2**n


def sign_test(baseline: Values, candidate: Values,
              tolerance: float = TIE_TOLERANCE) -> SignTest:
    """One-sided exact sign test: is the candidate worse on more problems than chance?"""
    b, c = _check_pair(baseline, candidate)
    diff = c - b
    worse = int(np.sum(diff < -tolerance))
    better = int(np.sum(diff > tolerance))
    return SignTest(worse, better, int(b.size) - worse - better,
                    binomial_tail(worse, worse + better))
