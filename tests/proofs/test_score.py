"""Reading a judge's score: only an unambiguous score on the benchmark's scale counts."""

from __future__ import annotations

from evalkit.proofs.score import parse_score

PROOFBENCH = (0, 1, 6, 7)
IMO = tuple(range(8))


def test_points_tag_is_read():
    got = parse_score("The proof is complete.\n<points>7 out of 7</points>", PROOFBENCH)
    assert got.score == 7 and "tag" in got.reason


def test_score_off_the_proofbench_scale_is_unparseable_not_rounded():
    # A naive parser would take 5; ProofBench only has 0/1/6/7.
    assert parse_score("<points>5 out of 7</points>", PROOFBENCH).score is None
    assert parse_score("<points>5 out of 7</points>", IMO).score == 5


def test_conflicting_tags_are_unparseable():
    text = "First I thought <points>1 out of 7</points> but then <points>7 out of 7</points>"
    got = parse_score(text, PROOFBENCH)
    assert got.score is None and "conflicting" in got.reason


def test_repeated_identical_tags_agree():
    assert parse_score("<points>6 out of 7</points>\n<points>6/7</points>", PROOFBENCH).score == 6


def test_score_inside_thinking_is_ignored():
    # The judge considers 7 while thinking, then decides 0: the naive first match says 7.
    text = ("<think>maybe <points>7 out of 7</points>?</think>A gap in step 2.\n"
            "<points>0 out of 7</points>")
    assert parse_score(text, PROOFBENCH).score == 0


def test_separate_reasoning_field_is_ignored_too():
    got = parse_score("Verdict: wrong.\n<points>0 out of 7</points>", PROOFBENCH,
                      reasoning="<points>7 out of 7</points> at first sight")
    assert got.score == 0


def test_unfinished_thinking_is_unparseable():
    assert parse_score("<think>let me check <points>7 out of 7</points>", PROOFBENCH).score is None


def test_wrong_denominator_is_unparseable():
    assert parse_score("<points>7 out of 10</points>", IMO).score is None


def test_fractional_score_is_unparseable():
    assert parse_score("<points>6.5 out of 7</points>", IMO).score is None


def test_fallback_score_line_at_the_end():
    assert parse_score("The argument is fine.\nScore: 7/7", PROOFBENCH).score == 7
    assert parse_score("Solid progress.\nFinal score: 3", IMO).score == 3
    assert parse_score("Therefore the grade is \\boxed{1}", PROOFBENCH).score == 1


def test_number_quoted_early_in_the_text_is_not_a_verdict():
    text = ("The guidelines give 1 out of 7 for guessing the answer.\n" + "Analysis.\n" * 5
            + "I cannot decide.")
    got = parse_score(text, PROOFBENCH)
    assert got.score is None and "no <points>" in got.reason


def test_no_score_at_all():
    assert parse_score("This proof looks good to me.", PROOFBENCH).score is None
    assert parse_score("", PROOFBENCH).score is None
