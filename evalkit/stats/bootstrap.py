"""Bootstrap confidence intervals for a benchmark's headline number.

Resampling unit: problems (with replacement), since the question a table answers
is "how much would this number move on another draw of problems like these".
Where a problem's value is the mean of several samples (avg@k, pass@1 over k
samples), each resampled problem's samples are resampled too (two-stage or
nested bootstrap; Davison & Hinkley 1997, "Bootstrap Methods and their
Application", section 3.8), which adds the sampling noise of the model itself.
Percentile intervals (Efron & Tibshirani 1993, ch. 13).  Every draw comes from a
seeded ``numpy.random.Generator``, so tables are reproducible byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Per-problem values: a sequence or a 1-d numpy array.
Values = Sequence[float] | np.ndarray

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Interval:
    """A point estimate with a percentile bootstrap interval."""

    value: float
    low: float
    high: float
    level: float
    resamples: int
    nested: bool  # whether samples within problems were resampled too

    def to_json(self) -> dict[str, float | int | bool]:
        return {"value": self.value, "low": self.low, "high": self.high, "level": self.level,
                "resamples": self.resamples, "nested": self.nested}


def aggregate(values: np.ndarray, how: str, axis: int = -1) -> np.ndarray:
    """Combine per-problem values as the headline does: ``sum`` or ``mean``."""
    if how == "sum":
        return np.sum(values, axis=axis)
    if how == "mean":
        return np.mean(values, axis=axis)
    raise ValueError(f"aggregate must be 'sum' or 'mean', not {how!r}")


def replicate_values(values: Values, samples: Sequence[Sequence[float]] | None,
                     resamples: int, rng: np.random.Generator) -> np.ndarray:
    """A (resamples, problems) array of per-problem values for bootstrap replicates.

    Without ``samples`` every replicate sees the observed values.  With them, each
    problem's value in a replicate is the mean of its samples drawn with replacement
    (problems with no samples keep their observed value).
    """
    vals = np.asarray(values, dtype=float)
    out = np.broadcast_to(vals, (resamples, vals.size)).copy()
    if samples is None:
        return out
    for j, s in enumerate(samples):
        n = len(s)
        if n < 2:
            continue
        arr = np.asarray(s, dtype=float)
        idx = rng.integers(0, n, size=(resamples, n))
        out[:, j] = arr[idx].mean(axis=1)
    return out


def bootstrap_interval(values: Values, how: str = "mean",
                       samples: Sequence[Sequence[float]] | None = None,
                       level: float = 0.95, resamples: int = DEFAULT_RESAMPLES,
                       seed: int = DEFAULT_SEED) -> Interval:
    """Percentile interval for ``aggregate(values, how)`` resampling problems.

    ``samples[j]``, when given, are problem j's per-sample values whose mean is
    ``values[j]``; they are resampled within each drawn problem (nested bootstrap).
    """
    vals = np.asarray(values, dtype=float)
    point = float(aggregate(vals, how))
    if vals.size == 0:
        return Interval(point, point, point, level, 0, False)
    rng = np.random.default_rng(seed)
    nested = samples is not None and any(len(s) > 1 for s in samples)
    reps = replicate_values(vals, samples if nested else None, resamples, rng)
    pick = rng.integers(0, vals.size, size=(resamples, vals.size))
    stats = aggregate(np.take_along_axis(reps, pick, axis=1), how, axis=1)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(stats, [alpha, 1.0 - alpha])
    return Interval(point, float(low), float(high), level, resamples, nested)
