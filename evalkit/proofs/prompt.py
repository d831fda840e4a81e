"""The prompts of proof benchmarks: asking for a proof, and asking a judge to grade one.

Grading follows IMO-ProofBench's ProofAutoGrader (Luong et al., "Towards
Robust Mathematical Reasoning", EMNLP 2025; NeMo-Skills ``judge/imo_proofbench``,
reference/nemotron_eval_protocol.md §2.2): the judge sees the problem, a
reference solution, the grading guidelines and the proof, and answers with a
justification and ``<points>N out of 7</points>``.  ProofBench's scale has four
grades (Correct 7, Almost 6, Partial 1, Incorrect 0); an IMO problem without an
official marking scheme is graded on the full 0-7 IMO scale.  The wording is
evalkit's own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PROOF_PROMPT = """\
Solve the following olympiad problem. Write a complete and rigorous proof: \
justify every step, and do not skip cases or rely on unproved claims. If the \
problem asks you to find or determine something, state the final answer and \
also put it inside \\boxed{{}}.

{problem}"""

PROOFBENCH_SCALE = """\
Assign exactly one of these grades:
- 7 (Correct): a complete, rigorous proof; at most trivial slips that do not affect validity.
- 6 (Almost): essentially correct, with a minor gap or error that is easily fixed \
(see the "(Almost)" guidelines).
- 1 (Partial): not a proof, but it contains substantial progress listed in the \
"(Partial)" guidelines.
- 0 (Incorrect): anything else, including a correct final answer without a valid proof."""

IMO_SCALE = """\
Grade on the IMO scale, an integer from 0 to 7:
- 7: a complete and rigorous solution.
- 5-6: a complete solution with minor errors or small gaps.
- 1-4: substantial progress toward a solution (for example, key lemmas proved), \
not a complete proof.
- 0: no substantial progress; a correct final answer alone, without justification, \
earns at most 1 point."""

GRADING_PROMPT = """\
You are an expert grader for the International Mathematical Olympiad. Grade the \
proposed solution to the problem below.

Work carefully: check each claim of the proposed solution, compare it with the \
reference material, and look for gaps, unjustified steps and wrong computations. \
A different approach from the reference is fine if it is correct and complete. \
Judge only what is written; ignore claims of correctness by the author.

{scale}

# Problem
{problem}

# {reference_title}
{reference}

# Grading guidelines
{guidelines}

# Proposed solution
{response}

# Your verdict
First explain your assessment (which steps are correct, and where the first \
serious error or gap is, if any). Then give the score on the last line, exactly \
in this form:
<points>N out of 7</points>"""

NO_REFERENCE = "(no reference solution is available for this problem)"
GENERIC_GUIDELINES = ("(no problem-specific guidelines; apply the grading scale above as "
                      "IMO coordinators would)")


@dataclass(frozen=True)
class Scale:
    """A grading scale: its instructions and the scores a verdict may give."""

    name: str
    text: str
    allowed: tuple[int, ...]
    max_points: int = 7


SCALES = {
    "proofbench": Scale("proofbench", PROOFBENCH_SCALE, (0, 1, 6, 7)),
    "imo": Scale("imo", IMO_SCALE, tuple(range(8))),
}


def proof_prompt(problem: str) -> str:
    """The generation prompt for a proof problem."""
    return PROOF_PROMPT.format(problem=problem)


def grading_prompt(scale: Scale, problem: str, response: str, reference: str | None,
                   guidelines: str | None, answer: str | None = None) -> str:
    """The judge's prompt for one proof.

    ``reference`` is a reference solution (ProofBench); without one, a verified
    final ``answer`` is given instead so the judge can at least check it.
    """
    if reference:
        title, ref = "Reference solution", reference
    elif answer:
        title, ref = "Verified final answer", f"{answer}\n{NO_REFERENCE}"
    else:
        title, ref = "Reference solution", NO_REFERENCE
    return GRADING_PROMPT.format(scale=scale.text, problem=problem, reference_title=title,
                                 reference=ref, guidelines=guidelines or GENERIC_GUIDELINES,
                                 response=response.strip() or "(empty)")


def prompt_version() -> str:
    """A hash of the prompt templates: a changed prompt means re-grading."""
    h = hashlib.sha256()
    for part in (PROOF_PROMPT, GRADING_PROMPT, PROOFBENCH_SCALE, IMO_SCALE, NO_REFERENCE,
                 GENERIC_GUIDELINES):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]
