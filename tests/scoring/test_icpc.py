"""solved@k: first accepted submission in generation order; judge errors skipped."""

from __future__ import annotations

from evalkit.scoring.icpc import Submission, first_accepted, solved_at, solved_within


def subs(*verdicts: str) -> list[Submission]:
    return [Submission(i, v, v == "JE") for i, v in enumerate(verdicts)]


def test_first_accepted_is_a_position_in_sample_order():
    assert first_accepted(subs("WA", "TLE", "AC", "AC")) == 3
    shuffled = [Submission(2, "AC"), Submission(0, "WA"), Submission(1, "WA")]
    assert first_accepted(shuffled) == 3
    assert first_accepted(subs("WA", "CE")) is None


def test_judge_errors_are_not_submissions():
    # A JE is neither wrong nor a used-up submission: AC at sample 2 is the 2nd submission.
    assert first_accepted(subs("WA", "JE", "AC")) == 2
    assert solved_within(subs("JE", "AC"), 1)


def test_solved_at_k_differs_from_solved_at_all():
    problems = {"a": subs("AC"), "b": subs(*(["WA"] * 10), "AC"), "c": subs("WA", "RTE")}
    assert solved_at(problems, (1, 10, 100)) == {
        "solved@1": 1, "solved@10": 1, "solved@100": 2, "solved@all": 2}
