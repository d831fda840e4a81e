"""Self-verification of proofs: prompts, reading a verification, ranking, refinement input.

The scheme is DeepSeek-Math-V2's (Shao et al., "DeepSeekMath-V2: Towards
Self-Verifiable Mathematical Reasoning", 2025, §2.2 and §3.4 "high-compute
search"; inference code ``inference/main.py``, ``inference/utils.py`` and
``inference/math_templates.py`` of the public copy magemoumou/DeepSeek-Math-V2 @
665c840, Apache-2.0), which Nemotron-Cascade 2 follows for IMO-ProofBench and
IMO 2025 (reference/nemotron_eval_protocol.md §1.3).  What is taken from it:

- a proof is written as a ``## Solution`` section followed by a
  ``## Self Evaluation`` section (``proof_generation``); only the solution is
  verified (``extract_solution``), and a response without that layout, or one
  that did not finish (``finish_reason != "stop"``), is not verified
  (``prepare_proof_verification``: ``continue``);
- a verification ends with ``\\boxed{s}``, s in {0, 0.5, 1} (the three-level
  rubric of ``proof_verification``); the score is the last non-empty boxed
  value after the reasoning (``extract_boxed_answers(...)[-1]``); a
  verification without one is skipped, not counted as 0;
- proofs are ranked by the mean of their parsed verification scores
  (``np.mean``); only proofs with at least one parsed verification enter the
  pool; refinement stops for a problem once a proof scores 1 in every parsed
  verification (``meanscore > 0.99999``);
- a refinement prompt is the generation prompt plus the candidate proof and up
  to 8 of its verifications, those finding issues (lowest scores) first, at most
  4 per distinct score unless there is only one (``_prepare_proof_agg_tasks``,
  ``max_rating_per_score=4``; paper §3.4: "8 randomly selected analyses,
  prioritizing those identifying issues").

Deliberate differences, each deterministic where the source draws at random:
ties in the ranking are broken by generation order (the source shuffles, then
prefers a higher self-evaluation score), and the verifications shown to a
refinement are taken in verification order within a score (the source shuffles
them).  With ``require_format=False`` a response without the two-section layout
is verified whole, and proofs without a parsed score are kept at the bottom of
the ranking (so they can still be refined) instead of being dropped.

The prompt wording is evalkit's own (``benchmarks/imo_proofbench/verify_refine/``).
Everything here is pure: no I/O, no model calls (the protocol,
:mod:`evalkit.protocols.verify_refine`, does those).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evalkit.extract.reasoning import split_reasoning

SCORES = (0.0, 0.5, 1.0)  # DeepSeek-Math-V2's verification rubric
PERFECT = 0.99999  # main.py: a problem whose best mean exceeds this is not refined further
FEEDBACK_LIMIT = 8  # verifications shown per refined proof (main.py, paper §3.4)
FEEDBACK_PER_SCORE = 4  # main.py max_rating_per_score

PLACEHOLDERS = {
    "generate": ("problem",),
    "verify": ("problem", "proof"),
    "refine": ("instruction", "candidates"),
}
_FIELD = re.compile(r"\{(problem|proof|instruction|candidates)\}")


@dataclass(frozen=True)
class Templates:
    """The three prompt templates (placeholders ``{problem}``, ``{proof}``,
    ``{instruction}``, ``{candidates}``; no other brace is special)."""

    generate: str
    verify: str
    refine: str

    def version(self) -> str:
        """A hash of the templates: part of the protocol's identity."""
        h = hashlib.sha256()
        for part in (self.generate, self.verify, self.refine):
            h.update(part.encode() + b"\0")
        return h.hexdigest()[:16]


def template_errors(name: str, text: str) -> list[str]:
    """What is wrong with template ``name`` (``generate``/``verify``/``refine``): missing
    placeholders.  Empty when usable."""
    found = set(_FIELD.findall(text))
    return [f"missing placeholder {{{p}}}" for p in PLACEHOLDERS[name] if p not in found]


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced in one pass (a value containing
    ``{proof}`` is not substituted again; other braces, as in ``\\boxed{}``, stay)."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def generation_prompt(t: Templates, problem: str) -> str:
    """The prompt asking for a proof with a self-evaluation."""
    return fill(t.generate, {"problem": problem.strip()}).strip()


def verification_prompt(t: Templates, problem: str, proof: str) -> str:
    """The prompt asking the model to list a proof's issues and score it 0, 0.5 or 1."""
    return fill(t.verify, {"problem": problem.strip(), "proof": proof.strip()}).strip()


# -- reading a proof -----------------------------------------------------------

# Header lines as utils._normalize_prover_output accepts them ("## Solution", "**Solution**"),
# also with a colon ("**Solution:**").
_SOLUTION = re.compile(r"(?:^|\n)[ \t]*(?:#+[ \t]*|\*+[ \t]*)Solution[ \t]*\**[ \t]*:?[ \t]*\**"
                       r"[ \t]*\n", re.IGNORECASE)
_SELF_EVAL = re.compile(r"\n[ \t]*(?:#+[ \t]*|\*+[ \t]*)Self[ \t]+Evaluation[ \t]*\**[ \t]*:?"
                        r"[ \t]*\**[ \t]*\n", re.IGNORECASE)


@dataclass(frozen=True)
class Proof:
    """What a proof generation offers for verification."""

    text: str | None  # the solution to verify; None: nothing to verify
    self_eval: str | None  # the "## Self Evaluation" section, when present
    note: str  # how it was read, or why there is nothing


def extract_proof(response: str, reasoning: str | None = None,
                  finish_reason: str | None = None, *, require_format: bool = True) -> Proof:
    """The solution section of a generated proof (after any reasoning).

    ``require_format``: DeepSeek-Math-V2's rule, a response that was cut off or
    lacks the ``## Solution`` / ``## Self Evaluation`` layout is not verified.
    Otherwise the whole final answer is the proof when the layout is missing.
    """
    split = split_reasoning(response or "", reasoning)
    if split.unclosed:
        return Proof(None, None, "reasoning never ended")
    answer = split.answer.strip()
    if require_format and finish_reason not in (None, "stop"):
        return Proof(None, None, f"generation did not finish (finish_reason {finish_reason})")
    text = "\n" + answer + "\n"
    sol = _SOLUTION.search(text)
    # As extract_solution/extract_self_eval: the solution runs from the first solution
    # header to the first self-evaluation header after it.
    ev = _SELF_EVAL.search(text, sol.end() - 1) if sol else None
    if sol and ev:
        body = text[sol.end():ev.start()].strip()
        if body:
            return Proof(body, text[ev.end():].strip(), "## Solution section")
    if require_format:
        return Proof(None, None, "no '## Solution' / '## Self Evaluation' layout")
    if not answer:
        return Proof(None, None, "empty final answer")
    return Proof(answer, None, "whole answer (no solution/self-evaluation layout)")


# -- reading a verification ----------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """One verification of a proof: its score (None: unparseable) and its analysis."""

    score: float | None
    text: str  # the analysis after any reasoning: the feedback a refinement sees
    note: str


def boxed_values(text: str) -> list[str]:
    """The contents of every ``boxed{...}`` in ``text`` (nested braces matched); an
    unclosed box is ignored."""
    out: list[str] = []
    for piece in text.split("boxed{")[1:]:
        depth = 0
        for i, ch in enumerate(piece):
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    out.append(piece[:i])
                    break
                depth -= 1
    return out


def _score_value(raw: str) -> float | None:
    s = raw.strip().strip("$").strip()
    s = re.sub(r"^\\(?:text|mathrm|textbf)\{(.*)\}$", r"\1", s).strip()
    try:
        v = float(s)
    except ValueError:
        return None
    return v if v in SCORES else None


def parse_verification(response: str | None, reasoning: str | None = None,
                       finish_reason: str | None = None) -> Verification:
    """A verification's score in {0, 0.5, 1}, or None when it cannot be read.

    Never raises.  The score is the last non-empty ``\\boxed{}`` after the
    reasoning; a verification cut off (``finish_reason`` other than ``stop``),
    with unfinished reasoning, without a box, or whose last box is not 0, 0.5 or
    1 is unparseable (DeepSeek-Math-V2 skips these; they are counted, not scored).
    """
    try:
        split = split_reasoning(response or "", reasoning)
        text = split.answer.strip()
        if split.unclosed:
            return Verification(None, "", "reasoning never ended")
        if finish_reason not in (None, "stop"):
            return Verification(None, text, f"did not finish (finish_reason {finish_reason})")
        values = [v for v in boxed_values(text) if v.strip()]
        if not values:
            return Verification(None, text, "no \\boxed{score}")
        score = _score_value(values[-1])
        if score is None:
            return Verification(None, text, f"score {values[-1].strip()[:40]!r} is not 0, 0.5 or 1")
        return Verification(score, text, "boxed score")
    except Exception as e:  # noqa: BLE001 - a verification never stops an episode
        return Verification(None, "", f"unreadable ({type(e).__name__})")


# -- ranking ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A proof in a problem's pool with its verifications."""

    order: int  # generation order within the episode (the tie-break)
    step: int  # the episode step of the proof's generation
    proof: str | None  # the text verified (None: not verifiable, see extract_proof)
    verifications: tuple[Verification, ...] = ()

    @property
    def scores(self) -> tuple[float, ...]:
        """The parsed verification scores."""
        return tuple(v.score for v in self.verifications if v.score is not None)

    @property
    def mean(self) -> float | None:
        """Mean parsed verification score (None: no parsed verification)."""
        s = self.scores
        return math.fsum(s) / len(s) if s else None

    @property
    def unparsed(self) -> int:
        """Verifications whose score could not be read."""
        return sum(1 for v in self.verifications if v.score is None)


def rank(pool: Sequence[Candidate]) -> list[Candidate]:
    """Best first: by mean verification score, ties and unscored proofs in generation
    order, unscored proofs after every scored one."""
    return sorted(pool, key=lambda c: (c.mean is None, -(c.mean or 0.0), c.order))


def top_k(pool: Sequence[Candidate], k: int, *, require_scored: bool = True) -> list[Candidate]:
    """The ``k`` best proofs to refine.  ``require_scored``: only proofs with a parsed
    verification (DeepSeek-Math-V2's pool); never a proof with nothing to verify."""
    ranked = [c for c in rank(pool) if c.proof is not None
              and (c.mean is not None or not require_scored)]
    return ranked[:max(k, 0)]


def best(pool: Sequence[Candidate]) -> Candidate | None:
    """The submission: the best-ranked proof that has text (None: the pool has none)."""
    ranked = [c for c in rank(pool) if c.proof is not None]
    return ranked[0] if ranked else None


def solved(pool: Sequence[Candidate]) -> bool:
    """Whether some proof passed every parsed verification (refinement stops)."""
    return any(c.mean is not None and c.mean > PERFECT for c in pool)


# -- refinement ------------------------------------------------------------------


def feedback(verifications: Sequence[Verification], limit: int = FEEDBACK_LIMIT,
             per_score: int = FEEDBACK_PER_SCORE) -> list[Verification]:
    """The verifications shown to a refinement: parsed ones, lowest score first (those
    finding issues), at most ``per_score`` per distinct score unless all share one
    score (then up to ``limit``), at most ``limit`` in all; verification order within
    a score."""
    parsed = [v for v in verifications if v.score is not None]
    distinct = sorted({v.score for v in parsed if v.score is not None})
    cap = limit if len(distinct) == 1 else per_score
    out: list[Verification] = []
    for s in distinct:
        for v in [v for v in parsed if v.score == s][:cap]:
            if len(out) == limit:
                return out
            out.append(v)
    return out


def candidates_block(proof: str, shown: Sequence[Verification], index: int = 0) -> str:
    """One candidate proof and its evaluations, as the refinement prompt lists them."""
    parts = [f"--- Solution {index} ---\n{proof.strip()}"]
    for j, v in enumerate(shown):
        parts.append(f"=== Evaluation {j} of Solution {index} ===\n{v.text.strip()}")
    return "\n\n".join(parts)


def refinement_prompt(t: Templates, problem: str, proof: str,
                      shown: Sequence[Verification]) -> str:
    """The prompt asking for a better proof: the generation prompt, then the proof and
    the verification feedback (``shown``, see :func:`feedback`)."""
    return fill(t.refine, {"instruction": generation_prompt(t, problem),
                           "candidates": candidates_block(proof, shown)}).strip()
