"""Self-verification (DeepSeek-Math-V2's scheme): reading proofs and verifications, ranking,
top-K, and what a refinement is shown."""

from __future__ import annotations

import pytest

from evalkit.errors import EvalkitError
from evalkit.proofs.templates import load_templates
from evalkit.proofs.verify import (
    Candidate,
    Templates,
    Verification,
    best,
    boxed_values,
    extract_proof,
    feedback,
    fill,
    parse_verification,
    rank,
    refinement_prompt,
    solved,
    template_errors,
    top_k,
    verification_prompt,
)

LAYOUT = ("## Solution\nBy induction on n.\n\n## Self Evaluation\n"
          "Here is my evaluation of the solution:\nall fine\n\\boxed{1}")


def V(score: float | None, text: str = "") -> Verification:
    return Verification(score, text or f"analysis scoring {score}", "test")


def C(order: int, *scores: float | None, proof: str | None = "p") -> Candidate:
    return Candidate(order=order, step=order, proof=proof,
                     verifications=tuple(V(s, f"v{order}.{i}") for i, s in enumerate(scores)))


# -- proofs ------------------------------------------------------------------------

def test_only_the_solution_section_is_verified():
    got = extract_proof("<think>scratch</think>" + LAYOUT)
    assert got.text == "By induction on n."
    assert got.self_eval is not None and got.self_eval.endswith("\\boxed{1}")


def test_bold_headers_count_as_the_layout():
    got = extract_proof("**Solution**\nTrivial.\n**Self Evaluation**\nok \\boxed{0.5}")
    assert got.text == "Trivial."
    got = extract_proof("**Solution:**\nTrivial.\n### Self Evaluation:\nok \\boxed{0.5}")
    assert got.text == "Trivial."


def test_a_proof_without_the_layout_is_not_verified_by_default():
    got = extract_proof("Just a proof, no sections.")
    assert got.text is None and "layout" in got.note


def test_lenient_mode_verifies_the_whole_answer():
    got = extract_proof("<think>x</think>Just a proof.", require_format=False)
    assert got.text == "Just a proof."


def test_truncated_generation_is_not_verified():
    assert extract_proof(LAYOUT, finish_reason="length").text is None
    assert extract_proof("<think>never ends", require_format=False).text is None


def test_first_self_evaluation_header_ends_the_solution():
    text = "## Solution\nA\n## Self Evaluation\nB\n## Self Evaluation\nC"
    got = extract_proof(text)
    assert got.text == "A" and got.self_eval == "B\n## Self Evaluation\nC"


# -- verifications -----------------------------------------------------------------

@pytest.mark.parametrize("text,score", [
    ("Step 2 is wrong.\nBased on my evaluation, the final overall score should be:\n\\boxed{0}",
     0.0),
    ("minor gap\n\\boxed{0.5}", 0.5),
    ("\\boxed{ 1 }", 1.0),
    ("\\boxed{$1.0$}", 1.0),
    ("\\boxed{\\text{0.5}}", 0.5),
    # The last non-empty box decides (DeepSeek-Math-V2: extract_boxed_answers(...)[-1]).
    ("First \\boxed{1}, on reflection \\boxed{0}\\boxed{}", 0.0),
])
def test_boxed_score_is_read(text, score):
    assert parse_verification(text).score == score


@pytest.mark.parametrize("text,finish,note", [
    ("no box at all", "stop", "no \\boxed"),
    ("\\boxed{0.7}", None, "not 0, 0.5 or 1"),
    ("\\boxed{7}", None, "not 0, 0.5 or 1"),
    ("\\boxed{correct}", None, "not 0, 0.5 or 1"),
    ("\\boxed{1", None, "no \\boxed"),
    ("\\boxed{1}", "length", "did not finish"),
    ("<think>\\boxed{1} and then it stopped", None, "never ended"),
])
def test_unreadable_verifications_are_none_not_zero(text, finish, note):
    got = parse_verification(text, finish_reason=finish)
    assert got.score is None and note in got.note


def test_score_considered_while_thinking_is_ignored():
    assert parse_verification("<think>\\boxed{1}?</think>A gap.\n\\boxed{0}").score == 0.0
    # ... and the analysis a refinement sees is the text after the reasoning.
    assert parse_verification("<think>x</think>A gap.\n\\boxed{0}").text == "A gap.\n\\boxed{0}"


@pytest.mark.parametrize("junk", [None, "", "}}}{{{", "boxed{" * 50, "\x00\\boxed{\ud800}",
                                  "\\boxed{nan}", "\\boxed{inf}", "\\boxed{1e400}"])
def test_parser_never_raises(junk):
    assert parse_verification(junk).score is None


def test_boxed_values_match_nested_braces():
    assert boxed_values(r"\boxed{\frac{1}{2}} and \boxed{1}") == [r"\frac{1}{2}", "1"]


# -- ranking -----------------------------------------------------------------------

def test_mean_counts_parsed_verifications_only():
    c = C(0, 1, 0, None, 0.5)
    assert c.scores == (1.0, 0.0, 0.5) and c.mean == 0.5 and c.unparsed == 1
    assert C(1, None, None).mean is None


def test_rank_by_mean_then_generation_order_unscored_last():
    pool = [C(0, 0, 0.5),        # mean 0.25
            C(1, 1, 0.5),        # 0.75
            C(2, None),          # unscored
            C(3, 0.5, 1),        # 0.75, ties with 1: generation order
            C(4, 0, 0)]          # 0.0
    assert [c.order for c in rank(pool)] == [1, 3, 0, 4, 2]


def test_top_k_takes_scored_proofs_only_by_default():
    pool = [C(0, None), C(1, 0), C(2, 0.5), C(3, None, proof=None)]
    assert [c.order for c in top_k(pool, 2)] == [2, 1]
    assert [c.order for c in top_k(pool, 5)] == [2, 1]
    # Lenient: unscored proofs may fill the budget, but never one with no text.
    assert [c.order for c in top_k(pool, 5, require_scored=False)] == [2, 1, 0]
    assert top_k(pool, 0) == []


def test_best_is_the_top_ranked_proof_with_text():
    assert best([C(0, 0.5), C(1, 1, 1), C(2, 1)]).order == 1  # type: ignore[union-attr]
    assert best([C(0, proof=None), C(1)]).order == 1  # type: ignore[union-attr]
    assert best([C(0, proof=None)]) is None


def test_solved_when_some_proof_passes_every_parsed_verification():
    assert solved([C(0, 0.5), C(1, 1, 1, None)])
    assert not solved([C(0, 1, 0.5), C(1)])


# -- refinement --------------------------------------------------------------------

def test_feedback_prefers_issues_and_caps_per_score():
    vs = [V(1, "ok1"), V(0, "bad1"), V(0.5, "gap1"), V(0, "bad2"), V(None, "junk"),
          V(0, "bad3"), V(0, "bad4"), V(0, "bad5"), V(1, "ok2"), V(0.5, "gap2")]
    # Scores 0, 0.5, 1 present: at most 4 each, lowest first, in verification order.
    assert [v.text for v in feedback(vs)] == ["bad1", "bad2", "bad3", "bad4",
                                              "gap1", "gap2", "ok1", "ok2"]
    assert [v.text for v in feedback(vs, limit=5)] == ["bad1", "bad2", "bad3", "bad4", "gap1"]


def test_feedback_with_one_distinct_score_shows_up_to_eight():
    vs = [V(0, f"b{i}") for i in range(10)]
    assert [v.text for v in feedback(vs)] == [f"b{i}" for i in range(8)]
    assert feedback([V(None)]) == []


T = Templates(generate="Prove it:\n{problem}\nEnd with \\boxed{s}.",
              verify="Check:\n{problem}\n---\n{proof}",
              refine="{instruction}\n# Candidates\n{candidates}\n# Go")


def test_refinement_prompt_holds_instruction_proof_and_evaluations():
    got = refinement_prompt(T, " 1+1=2 ", "Since {proof} 1+1=2.",
                            [V(0, "gap in step 1"), V(0.5, "minor")])
    assert got == ("Prove it:\n1+1=2\nEnd with \\boxed{s}.\n# Candidates\n"
                   "--- Solution 0 ---\nSince {proof} 1+1=2.\n\n"
                   "=== Evaluation 0 of Solution 0 ===\ngap in step 1\n\n"
                   "=== Evaluation 1 of Solution 0 ===\nminor\n# Go")


def test_verification_prompt_substitutes_once():
    assert verification_prompt(T, "P {proof}", "Q") == "Check:\nP {proof}\n---\nQ"
    assert fill("a {unknown} \\boxed{x}", {}) == "a {unknown} \\boxed{x}"


def test_bundled_templates_load_and_change_the_version(tmp_path):
    t = load_templates()
    assert not template_errors("verify", t.verify) and "{proof}" in t.verify
    for name in ("generate", "verify", "refine"):
        (tmp_path / f"{name}.md").write_text(getattr(t, name))
    assert load_templates(tmp_path).version() == t.version()
    (tmp_path / "refine.md").write_text(t.refine.replace("{candidates}", ""))
    with pytest.raises(EvalkitError, match=r"refine\.md: missing placeholder \{candidates\}"):
        load_templates(tmp_path)
    (tmp_path / "verify.md").unlink()
    with pytest.raises(EvalkitError, match=r"verify\.md: prompt template not found"):
        load_templates(tmp_path)
