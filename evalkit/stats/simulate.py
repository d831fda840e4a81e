"""Simulated run pairs for checking the regression gate's error rates.

A "model" is a per-problem solve probability; a run draws ``k`` pass/fail samples
per problem and reports their mean (avg@k, or pass/fail when k = 1).  Two runs of
the same model with different seeds must rarely fail the gate (false alarms,
target <= alpha); a real drop must usually fail it (power).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evalkit.gating import FAIL, decide


@dataclass(frozen=True)
class Rates:
    trials: int
    failures: int

    @property
    def rate(self) -> float:
        return self.failures / self.trials if self.trials else 0.0


def solve_probabilities(rng: np.random.Generator, problems: int) -> np.ndarray:
    """Per-problem solve probabilities spread over easy and hard problems."""
    return 1.0 / (1.0 + np.exp(rng.uniform(-3.0, 3.0, problems)))


def run_values(rng: np.random.Generator, p: np.ndarray, k: int) -> np.ndarray:
    """One run: each problem's mean over ``k`` pass/fail samples."""
    return (rng.random((p.size, k)) < p[:, None]).mean(axis=1)


def gate_failure_rate(trials: int, problems: int, k: int, drop: float = 0.0,
                      alpha: float = 0.05, max_drop: float = 0.0, resamples: int = 1000,
                      seed: int = 0) -> Rates:
    """How often the gate fails a candidate whose solve probabilities are lower by ``drop``
    (0: the same model, new seed) than the baseline's, over ``trials`` simulated pairs."""
    rng = np.random.default_rng(seed)
    failures = 0
    for t in range(trials):
        p = solve_probabilities(rng, problems)
        base = run_values(rng, p, k)
        cand = run_values(rng, np.clip(p - drop, 0.0, 1.0), k)
        verdict, *_ = decide(base, cand, "mean", k == 1, max_drop, alpha, resamples, seed + t)
        failures += verdict == FAIL
    return Rates(trials, failures)
