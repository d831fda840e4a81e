"""The grading prompt gives the judge everything the rubric needs."""

from __future__ import annotations

from evalkit.proofs.prompt import SCALES, grading_prompt, prompt_version, proof_prompt


def test_proofbench_prompt_has_problem_reference_guidelines_proof_and_format():
    text = grading_prompt(SCALES["proofbench"], "PROBLEM-X", "PROOF-Y", "REFERENCE-Z",
                          "(Partial)\n 1. GUIDE-W")
    for part in ("PROBLEM-X", "PROOF-Y", "REFERENCE-Z", "GUIDE-W", "<points>N out of 7</points>",
                 "6 (Almost)", "1 (Partial)"):
        assert part in text
    assert text.index("PROBLEM-X") < text.index("REFERENCE-Z") < text.index("PROOF-Y")


def test_without_reference_the_verified_answer_and_imo_scale_are_given():
    text = grading_prompt(SCALES["imo"], "P", "proof", None, None, answer="$c = 4$")
    assert "Verified final answer" in text and "$c = 4$" in text
    assert "no problem-specific guidelines" in text and "integer from 0 to 7" in text


def test_scales():
    assert SCALES["proofbench"].allowed == (0, 1, 6, 7)
    assert SCALES["imo"].allowed == tuple(range(8))


def test_generation_prompt_asks_for_rigour_and_a_boxed_answer():
    text = proof_prompt("Show that 1+1=2.")
    assert "rigorous proof" in text and "\\boxed{}" in text and text.endswith("Show that 1+1=2.")
    assert len(prompt_version()) == 16
