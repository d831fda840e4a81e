"""IOI scoring rules.

Sources:
- subtask score: CMS ``GroupMin`` (cms/grading/scoretypes/GroupMin.py and
  ``ScoreTypeGroup.compute_score`` in abc.py): min outcome over the subtask's
  testcases x the subtask's points, ``round(.., score_precision)``;
- task score: CMS ``_task_score_max_subtask`` (cms/grading/scoring.py, "used in
  IOI since 2017"): for each subtask the maximum over all submissions, summed;
- at most 50 submissions per task (IOI 2022-2025 rules), chosen with only what
  a contestant sees before submitting (compiler, sample tests);
- medal cut-offs are inclusive (a score equal to the cut-off earns the medal).
"""

from __future__ import annotations

import dataclasses

import pytest

from evalkit.scoring.ioi import (
    MAX_SUBMISSIONS,
    Candidate,
    SubtaskSpec,
    medal,
    select_submissions,
    submission_total,
    subtask_scores,
    task_score,
)

# -- one submission: GroupMin --------------------------------------------------

def test_subtask_score_is_the_minimum_outcome_times_points():
    spec = [SubtaskSpec("full", 36, ("a", "b", "c"))]
    [s] = subtask_scores(spec, {"a": 1.0, "b": 0.5, "c": 1.0}, precision=2)
    assert s.fraction == 0.5
    assert s.score == 18  # not the mean (5/6 * 36 = 30) nor the sum


def test_subtask_score_is_rounded_to_the_task_precision():
    spec = [SubtaskSpec("s", 7, ("a",))]
    [s] = subtask_scores(spec, {"a": 1 / 3}, precision=2)
    assert s.score == 2.33
    assert s.fraction == pytest.approx(1 / 3)  # the fraction itself is kept unrounded
    [s0] = subtask_scores(spec, {"a": 1 / 3}, precision=0)
    assert s0.score == 2


def test_a_single_failed_test_zeroes_its_subtask():
    spec = [SubtaskSpec("s", 50, tuple(f"t{i}" for i in range(10)))]
    outcomes = {f"t{i}": 1.0 for i in range(10)} | {"t7": 0.0}
    assert subtask_scores(spec, outcomes, precision=2)[0].score == 0


def test_a_testcase_without_an_outcome_counts_as_zero():
    """Not judged (e.g. skipped after a crash) is not 'ignored'."""
    spec = [SubtaskSpec("s", 10, ("a", "b"))]
    assert subtask_scores(spec, {"a": 1.0}, precision=2)[0].score == 0


def test_a_test_shared_by_two_subtasks_affects_both():
    spec = [
        SubtaskSpec("small", 20, ("shared", "s1")),
        SubtaskSpec("big", 30, ("shared", "b1")),
        SubtaskSpec("other", 50, ("o1",)),
    ]
    good = {"shared": 1.0, "s1": 1.0, "b1": 1.0, "o1": 1.0}
    assert [s.score for s in subtask_scores(spec, good, 2)] == [20, 30, 50]
    bad_shared = good | {"shared": 0.25}
    assert [s.score for s in subtask_scores(spec, bad_shared, 2)] == [5, 7.5, 50]


def test_submission_total_sums_its_subtasks():
    spec = [SubtaskSpec("a", 30, ("x",)), SubtaskSpec("b", 70, ("y",))]
    assert submission_total(subtask_scores(spec, {"x": 1.0, "y": 0.5}, 2)) == 65


# -- several submissions: max per subtask ---------------------------------------

SPEC = [
    SubtaskSpec("samples", 0, ("s",)),
    SubtaskSpec("small", 40, ("s", "a")),
    SubtaskSpec("big", 60, ("b",)),
]


def test_task_score_exceeds_the_best_single_submission_when_subtasks_are_split():
    """Two partial submissions add up: 40 from one, 60 from the other -> 100.

    The naive rule (best submission total) would give 60.
    """
    small_only = subtask_scores(SPEC, {"s": 1, "a": 1, "b": 0}, 2)
    big_only = subtask_scores(SPEC, {"s": 0, "a": 0, "b": 1}, 2)
    best_single = max(submission_total(small_only), submission_total(big_only))
    assert best_single == 60
    total, per_subtask = task_score([small_only, big_only], len(SPEC), 2)
    assert per_subtask == [0, 40, 60]
    assert total == 100


def test_task_score_takes_the_max_per_subtask_not_the_last_submission():
    better = subtask_scores(SPEC, {"s": 1, "a": 1, "b": 0.5}, 2)
    worse = subtask_scores(SPEC, {"s": 1, "a": 0.5, "b": 0.25}, 2)
    assert task_score([better, worse], len(SPEC), 2)[0] == 70
    assert task_score([worse, better], len(SPEC), 2)[0] == 70


def test_no_submission_scores_zero():
    assert task_score([], 3, 2) == (0, [0.0, 0.0, 0.0])


def test_task_score_rounds_the_sum_of_unrounded_subtask_maxima_like_cms():
    spec = [SubtaskSpec("a", 7, ("x",)), SubtaskSpec("b", 7, ("y",))]
    one = subtask_scores(spec, {"x": 1 / 3, "y": 1 / 3}, precision=2)
    total, _ = task_score([one], len(spec), precision=2)
    assert total == round(7 / 3 + 7 / 3, 2) == 4.67


# -- which programs are submitted -------------------------------------------------

def test_programs_that_do_not_compile_are_never_submitted():
    cands = [Candidate(0, compiles=False, passes_samples=True),
             Candidate(1, compiles=True, passes_samples=False),
             Candidate(2, compiles=False, passes_samples=False)]
    assert select_submissions(cands) == [1]


def test_sample_passing_programs_go_first_then_the_rest_each_in_sample_order():
    cands = [Candidate(5, True, False), Candidate(3, True, True), Candidate(1, True, False),
             Candidate(7, True, True), Candidate(2, False, True), Candidate(0, True, True)]
    assert select_submissions(cands) == [0, 3, 7, 1, 5]


def test_at_most_fifty_submissions():
    assert MAX_SUBMISSIONS == 50
    cands = [Candidate(i, True, i % 3 == 0) for i in range(120)]
    chosen = select_submissions(cands)
    assert len(chosen) == 50
    passing = [i for i in range(120) if i % 3 == 0]  # 40 of them
    assert chosen[:40] == passing
    assert chosen[40:] == [i for i in range(120) if i % 3 != 0][:10]


def test_limit_can_be_lowered():
    cands = [Candidate(i, True, True) for i in range(10)]
    assert select_submissions(cands, limit=3) == [0, 1, 2]


@dataclasses.dataclass(frozen=True)
class _Judged(Candidate):
    """A candidate that also carries its hidden-test result (which must not matter)."""

    hidden_score: float = 0.0


def test_selection_uses_no_hidden_test_information():
    """Two worlds differing only in hidden results give the same selection.

    The best-over-all-generations figure is an upper bound reported separately;
    choosing the 50 by hidden score would be an oracle.
    """
    assert {f.name for f in dataclasses.fields(Candidate)} == {
        "sample", "compiles", "passes_samples"}
    visible = [(i, i % 7 != 0, i % 2 == 0) for i in range(80)]
    world_a = [_Judged(s, c, p, hidden_score=100.0 if s >= 60 else 0.0) for s, c, p in visible]
    world_b = [_Judged(s, c, p, hidden_score=0.0 if s >= 60 else 100.0) for s, c, p in visible]
    chosen_a, chosen_b = select_submissions(world_a), select_submissions(world_b)
    assert chosen_a == chosen_b
    assert chosen_a == select_submissions([Candidate(s, c, p) for s, c, p in visible])


# -- medals ----------------------------------------------------------------------

CUTOFFS = {"gold": 400.5, "silver": 300.0, "bronze": 200.0}


@pytest.mark.parametrize(("score", "expected"), [
    (400.5, "gold"), (600, "gold"),
    (400.49, "silver"), (300.0, "silver"),
    (299.99, "bronze"), (200.0, "bronze"),
    (199.99, None), (0, None),
])
def test_medal_cutoffs_are_inclusive(score, expected):
    assert medal(score, CUTOFFS) == expected


def test_medal_does_not_depend_on_cutoff_order():
    reordered = {"bronze": 200.0, "silver": 300.0, "gold": 400.5}
    assert medal(450, reordered) == "gold"
