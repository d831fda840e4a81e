"""IOI scoring: subtasks, the best subtask over submissions, the 50-submission rule.

Sources:
- Subtask score: CMS ``GroupMin`` (cms/grading/scoretypes/GroupMin.py, abc.py
  ``ScoreTypeGroup``): the minimum outcome over the subtask's testcases times
  its points, rounded to the task's ``score_precision``.  A testcase may count
  in several subtasks.
- Task score: CMS ``SCORE_MODE_MAX_SUBTASK`` (cms/grading/scoring.py,
  ``_task_score_max_subtask``, "used in IOI since 2017"): for each subtask the
  best unrounded score over all submissions, summed, then rounded.  This is *not* the best
  submission's total: two partial submissions can add up to more.
- At most 50 submissions per task (IOI 2022-2025 contest rules, e.g.
  ioi-2022/tasks d1-notice: "You may make up to 50 submissions for each task").
  :func:`select_submissions` picks them using only what a contestant sees
  before submitting; the best over *all* generations is reported separately
  as an upper bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_SUBMISSIONS = 50


@dataclass(frozen=True)
class SubtaskSpec:
    name: str
    points: float
    testcases: tuple[str, ...]
    reduce: str = "min"  # "min": GroupMin; "mean": score type Sum (equal points per test)


@dataclass(frozen=True)
class SubtaskScore:
    name: str
    points: float
    fraction: float  # min outcome over the subtask's testcases, unrounded
    score: float  # fraction * points, rounded to score_precision


def subtask_scores(subtasks: Sequence[SubtaskSpec], outcomes: Mapping[str, float],
                   precision: int) -> list[SubtaskScore]:
    """Per-subtask scores of one submission; a missing testcase counts as 0."""
    out = []
    for st in subtasks:
        values = [outcomes.get(c, 0.0) for c in st.testcases]
        if st.reduce == "mean":  # CMS Sum: each test outcome x (points / #tests)
            fraction = sum(values) / len(values) if values else 0.0
        else:
            fraction = min(values, default=1.0)
        out.append(SubtaskScore(st.name, st.points, fraction,
                                round(fraction * st.points, precision)))
    return out


def submission_total(scores: Sequence[SubtaskScore]) -> float:
    return sum(s.score for s in scores)


def task_score(submissions: Sequence[Sequence[SubtaskScore]], n_subtasks: int,
               precision: int) -> tuple[float, list[float]]:
    """IOI task score: sum over subtasks of the best score any submission got.

    As CMS's ``_task_score_max_subtask``: the per-subtask maxima are of the
    *unrounded* ``score_fraction * max_score``; only the total is rounded to
    ``score_precision`` (for display).  Returns the total and the per-subtask
    maxima, each rounded for display.
    """
    best = [0.0] * n_subtasks
    for scores in submissions:
        for i, s in enumerate(scores):
            best[i] = max(best[i], s.fraction * s.points)
    return round(sum(best), precision), [round(b, precision) for b in best]


@dataclass(frozen=True)
class Candidate:
    """What a contestant knows about a program before submitting it."""

    sample: int
    compiles: bool
    passes_samples: bool


def select_submissions(candidates: Sequence[Candidate],
                       limit: int = MAX_SUBMISSIONS) -> list[int]:
    """Choose at most ``limit`` generations to submit, as a contestant could.

    A contestant compiles locally and runs the sample tests, and sees nothing
    of the hidden tests before submitting.  So: programs that do not compile
    are never submitted; programs passing every sample test go first, then the
    ones failing a sample test; within each group, in generation order (which
    is independent of the hidden tests).  Returns sample indices.
    """
    ordered = sorted(
        (c for c in candidates if c.compiles),
        key=lambda c: (not c.passes_samples, c.sample),
    )
    return [c.sample for c in ordered[:limit]]


def medal(score: float, cutoffs: Mapping[str, float]) -> str | None:
    """The best medal whose cut-off ``score`` reaches (cut-offs are inclusive)."""
    for name in ("gold", "silver", "bronze"):
        if name in cutoffs and score >= cutoffs[name]:
            return name
    return None
