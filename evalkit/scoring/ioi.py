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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from evalkit.records import Judgement, Problem
from evalkit.run.summary import headline

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


class ScoredTask(Protocol):
    """What IOI scoring needs of a task (a CMS package: judging.cms.package.CmsTask)."""

    @property
    def subtasks(self) -> Sequence[Any]: ...  # each with .name and .score (points)

    @property
    def score_precision(self) -> int: ...

    @property
    def max_score(self) -> float: ...


def subtask_scores_of(j: Judgement) -> list[SubtaskScore]:
    """A judgement's per-subtask scores (none when the program did not compile)."""
    return [SubtaskScore(s["name"], s["points"], s["fraction"], s["score"])
            for s in j.details.get("subtasks", [])] if j.details.get("compiled") else []


def summarize(benchmark: str, tasks: Mapping[str, ScoredTask], problems: Sequence[Problem],
              judgements: Mapping[tuple[str, int], Judgement], limit: int = MAX_SUBMISSIONS,
              medals_table: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The IOI summary: per task, the best subtask scores over at most ``limit`` submissions
    chosen without hidden feedback (:func:`select_submissions`); an oracle upper bound over
    every generation beside it; medals from ``medals_table`` (the spec's [medals])."""
    tasks_out: dict[str, Any] = {}
    total = upper = max_total = 0.0
    judge_errors = 0
    for p in problems:
        task = tasks[p.id]
        js = sorted((j for (pid, _), j in judgements.items() if pid == p.id),
                    key=lambda j: j.sample)
        judge_errors += sum(1 for j in js if j.judge_error)
        valid = [j for j in js if not j.judge_error]
        cands = [Candidate(j.sample, bool(j.details.get("compiled")),
                                   bool(j.details.get("samples_passed")))
                 for j in valid]
        chosen = set(select_submissions(cands, limit))
        by_sample = {j.sample: subtask_scores_of(j) for j in valid}
        n = len(task.subtasks)
        score, best = task_score([by_sample[s] for s in sorted(chosen)], n,
                                         task.score_precision)
        ub, best_all = task_score(list(by_sample.values()), n, task.score_precision)
        tasks_out[p.id] = {
            "score": score, "upper_bound": ub, "max_score": task.max_score,
            "generations": len(js), "submitted": sorted(chosen),
            "compiled": sum(1 for c in cands if c.compiles),
            "judge_errors": sum(1 for j in js if j.judge_error),
            "subtasks": [{"name": st.name, "points": st.score, "best": best[i],
                          "best_all": best_all[i]} for i, st in enumerate(task.subtasks)],
            "verdicts": dict(Counter(j.verdict for j in js)),
        }
        total += score
        upper += ub
        max_total += task.max_score
    medals = {k: float(v) for k, v in (medals_table or {}).items()
              if k in ("gold", "silver", "bronze")}
    return {
        "benchmark": benchmark,
        "score": round(total, 2),
        "max_score": max_total,
        "metrics": {
            "score_rule": f"IOI: best subtask scores over at most {limit} submissions "
                          "per task, chosen without hidden-test feedback",
            "upper_bound": round(upper, 2),
            "upper_bound_rule": "best subtask scores over all generations (oracle, "
                                "not an IOI score)",
            "medal": medal(total, medals) if medals else None,
            "medal_cutoffs": medals,
            "medal_source": (medals_table or {}).get("source"),
            "judge_errors": judge_errors,
            "tasks": tasks_out,
        },
        **headline("IOI score", "points", "sum",
                   {p: t["score"] for p, t in tasks_out.items()},
                   {p: t["max_score"] for p, t in tasks_out.items()}),
    }


def summarize_contests(benchmark: str, tasks: Mapping[str, ScoredTask],
                       problems: Sequence[Problem],
                       judgements: Mapping[tuple[str, int], Judgement],
                       medals_table: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The IOI summary of a contest-mode run (evalkit/protocols/contest.py).

    Each (task, sample) judgement is one whole contest, already scored as IOI does
    (best subtask scores over its at most 50 submissions).  Samples are independent
    contests, so a task's score is their *mean*, never a best-of (that would pool
    several contests' submissions); the best contest is shown as the upper bound.
    """
    tasks_out: dict[str, Any] = {}
    total = upper = max_total = 0.0
    judge_errors = 0
    for p in problems:
        task = tasks[p.id]
        js = sorted((j for (pid, _), j in judgements.items() if pid == p.id),
                    key=lambda j: j.sample)
        judge_errors += sum(1 for j in js if j.judge_error)
        valid = [j for j in js if not j.judge_error]
        n = len(valid)
        scores = [j.score for j in valid]
        subs = [subtask_scores_of(j) for j in valid]
        per_sub = [[s[i].fraction * s[i].points if i < len(s) else 0.0 for s in subs]
                   for i in range(len(task.subtasks))]
        score = round(sum(scores) / n, task.score_precision) if n else 0.0
        tasks_out[p.id] = {
            "score": score, "upper_bound": max(scores, default=0.0),
            "max_score": task.max_score, "generations": len(js), "contests": n,
            "submitted": [s["step"] for j in valid for s in j.details.get("submissions", [])],
            "compiled": sum(1 for j in valid if j.details.get("compiled")),
            "judge_errors": sum(1 for j in js if j.judge_error),
            "subtasks": [{"name": st.name, "points": st.score,
                          "best": round(sum(v) / n, task.score_precision) if n else 0.0,
                          "best_all": round(max(v, default=0.0), task.score_precision)}
                         for st, v in zip(task.subtasks, per_sub, strict=True)],
            "verdicts": dict(Counter(j.verdict for j in js)),
        }
        total += score
        upper += tasks_out[p.id]["upper_bound"]
        max_total += task.max_score
    medals = {k: float(v) for k, v in (medals_table or {}).items()
              if k in ("gold", "silver", "bronze")}
    return {
        "benchmark": benchmark,
        "score": round(total, 2),
        "max_score": max_total,
        "metrics": {
            "score_rule": "IOI contest mode: per sample one contest (rounds of candidates, "
                          "one submission per round, CMS feedback); its score = best subtask "
                          "scores over its submissions; a task's score = mean over samples",
            "upper_bound": round(upper, 2),
            "upper_bound_rule": "the best contest (sample) per task, not an IOI score",
            "medal": medal(total, medals) if medals else None,
            "medal_cutoffs": medals,
            "medal_source": (medals_table or {}).get("source"),
            "judge_errors": judge_errors,
            "tasks": tasks_out,
        },
        **headline("IOI score", "points", "sum",
                   {p: t["score"] for p, t in tasks_out.items()},
                   {p: t["max_score"] for p, t in tasks_out.items()}),
    }
