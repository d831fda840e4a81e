"""How far a proof judge's grades agree with human grades.

Given pairs (human grade, judge grade) this computes what IMO-Bench reports for
IMO-GradingBench and NeMo-Skills computes in
``nemo_skills/evaluation/metrics/gradingbench_metrics.py`` (GradingBenchMetrics):

- exact-match rate: the judge's class (Correct / Almost / Partial / Incorrect)
  equals the human's;
- binarized rate: both in {Correct, Almost} or both in {Partial, Incorrect}
  (GradingBenchMetrics ``binarized_accuracy``);
- MAE on the 0-7 scale, twice: ``mae_points`` between the judge's points and the
  human's points (``Points`` column, 0-7), and ``mae_classes`` between the two
  classes mapped to 7/6/1/0 (GradingBenchMetrics ``GRADE_TO_SCORE``, the
  ProofBench scale of IMO-Bench);
- the confusion table, human class by judge class, with a column for proofs the
  judge could not grade (judge errors: counted, never scored as agreement or
  disagreement).

The judge's class comes from its points: on the ProofBench scale 7/6/1/0 are
Correct/Almost/Partial/Incorrect (evalkit/proofs/prompt.py ``PROOFBENCH_SCALE``);
on the IMO 0-7 scale the bands the judge is told (``IMO_SCALE``): 7 Correct,
5-6 Almost, 1-4 Partial, 0 Incorrect.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

CLASSES = ("Incorrect", "Partial", "Almost", "Correct")
CLASS_POINTS = {"Incorrect": 0, "Partial": 1, "Almost": 6, "Correct": 7}
HIGH = frozenset({"Almost", "Correct"})
NONE = "no grade"  # the confusion table's column for judge errors


def judge_class(points: float, scale: str = "proofbench") -> str:
    """The class of a judge's points (0-7) on ``scale`` (``proofbench`` or ``imo``)."""
    if scale == "proofbench":
        # ProofBench's judge may only say 0, 1, 6 or 7; anything between is its nearest.
        return min(CLASSES, key=lambda c: (abs(CLASS_POINTS[c] - points), -CLASS_POINTS[c]))
    if points >= 7:
        return "Correct"
    if points >= 5:
        return "Almost"
    return "Partial" if points >= 1 else "Incorrect"


@dataclass(frozen=True)
class Pair:
    """One proof graded by a human and (perhaps) by the judge."""

    id: str
    human_points: int  # 0-7
    human_class: str  # one of CLASSES
    judge_points: float | None = None  # None: the judge gave no grade
    judge_class: str | None = None


@dataclass(frozen=True)
class Agreement:
    """The statistics over a set of pairs (rates and MAEs over graded pairs only)."""

    total: int
    graded: int
    ungraded: int
    exact: int
    exact_rate: float | None
    binarized_rate: float | None
    mae_points: float | None
    mae_classes: float | None
    confusion: dict[str, dict[str, int]]  # human class -> judge class | NONE -> count

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _mean(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


def agreement(pairs: Sequence[Pair]) -> Agreement:
    """Exact-match and binarized rates, both MAEs and the confusion table of ``pairs``."""
    confusion = {h: {j: 0 for j in (*CLASSES, NONE)} for h in CLASSES}
    graded = [p for p in pairs if p.judge_class is not None and p.judge_points is not None]
    for p in pairs:
        confusion[p.human_class][p.judge_class if p.judge_class is not None
                                 and p.judge_points is not None else NONE] += 1
    exact = sum(1 for p in graded if p.judge_class == p.human_class)
    n = len(graded)
    return Agreement(
        total=len(pairs), graded=n, ungraded=len(pairs) - n, exact=exact,
        exact_rate=exact / n if n else None,
        binarized_rate=(sum(1 for p in graded if (p.judge_class in HIGH)
                            == (p.human_class in HIGH)) / n) if n else None,
        mae_points=_mean([abs(float(p.judge_points) - p.human_points)  # type: ignore[arg-type]
                          for p in graded]),
        mae_classes=_mean([float(abs(CLASS_POINTS[p.judge_class]  # type: ignore[index]
                                     - CLASS_POINTS[p.human_class])) for p in graded]),
        confusion=confusion)
