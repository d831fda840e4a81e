"""Metrics over several samples per problem: avg@k, pass@k, maj@k.

Shared by every benchmark that draws more than one sample per problem (math,
LiveCodeBench, ICPC solved@k).  Inputs are per-problem lists of per-sample
outcomes in sample order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """A mean with its standard error (over problems) and the number of problems."""

    mean: float
    stderr: float
    n: int

    def to_json(self) -> dict[str, float | int]:
        return {"mean": self.mean, "stderr": self.stderr, "n": self.n}


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with ``c`` correct out of ``n`` samples.

    Chen et al. 2021 ("Evaluating Large Language Models Trained on Code", eq. 1),
    as LiveCodeBench computes it: ``1 - C(n-c, k) / C(n, k)``.  The naive
    "any of the first k correct" has higher variance and depends on sample order.
    """
    if not 0 <= c <= n:
        raise ValueError(f"pass_at_k: need 0 <= c <= n, got c={c}, n={n}")
    if k < 1 or k > n:
        raise ValueError(f"pass_at_k: need 1 <= k <= n, got k={k}, n={n}")
    if n - c < k:
        return 1.0
    # Product form avoids huge binomials: prod_{i=n-c+1}^{n} (1 - k/i).
    prob_all_wrong = 1.0
    for i in range(n - c + 1, n + 1):
        prob_all_wrong *= 1.0 - k / i
    return 1.0 - prob_all_wrong


def _estimate(values: Sequence[float]) -> Estimate:
    n = len(values)
    if n == 0:
        return Estimate(0.0, 0.0, 0)
    mean = sum(values) / n
    if n == 1:
        return Estimate(mean, 0.0, 1)
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return Estimate(mean, math.sqrt(var / n), n)


def avg_at_k(outcomes: Mapping[str, Sequence[float]]) -> Estimate:
    """Mean score over all samples of a problem, averaged over problems.

    Standard error is over problems (the per-problem means are the unit), which
    is what matters when the question is "would another problem set agree".
    """
    return _estimate([sum(v) / len(v) for v in outcomes.values() if v])


def mean_pass_at_k(correct: Mapping[str, Sequence[bool]], k: int) -> Estimate | None:
    """pass@k averaged over problems; None unless every problem has at least k samples."""
    if not correct or any(len(v) < k for v in correct.values()):
        return None
    return _estimate([pass_at_k(len(v), sum(v), k) for v in correct.values()])


def majority_vote(answers: Sequence[Hashable | None]) -> Hashable | None:
    """The most common non-missing answer; ties go to the one seen first."""
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(a for a in answers if a is not None and counts[a] == best)


def maj_at_k(answers: Mapping[str, Sequence[Hashable | None]],
             is_correct: Mapping[str, Mapping[Hashable, bool]], k: int) -> Estimate | None:
    """Accuracy of the majority answer among each problem's first ``k`` samples.

    ``answers[p]`` are canonical answers per sample (equal when equivalent);
    ``is_correct[p][a]`` says whether answer ``a`` is right for problem ``p``.
    """
    if not answers or any(len(v) < k for v in answers.values()):
        return None
    vals = []
    for p, v in answers.items():
        top = majority_vote(v[:k])
        vals.append(1.0 if top is not None and is_correct[p].get(top, False) else 0.0)
    return _estimate(vals)
