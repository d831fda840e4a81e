"""Proof benchmarks (``imo_proofbench``, ``imo2025``): proofs graded by a judge model.

The judge (any backend, ``--judge-backend``) gets the grading prompt of
:mod:`evalkit.proofs.prompt`; its score is read by :mod:`evalkit.proofs.score`
and an unparseable verdict is asked again (:mod:`evalkit.judging.llm`).  Every
attempt's full text is stored in the judgement.  When the problem has a final
answer, the answer is also checked by the symbolic grader and reported beside
the proof score (never mixed into it).  Spec settings: ``format``/``file``
(data), ``scale`` (``proofbench`` or ``imo``), ``headline`` (``points``: sum of
points, IMO style; ``percent``: mean fraction of 7, ProofBench style), and
optional ``[medals]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from evalkit.benchmarks.base import JudgeContext
from evalkit.benchmarks.math import grader_sha256
from evalkit.benchmarks.mathdata import MathDataBenchmark, MathDataOptions, MathItem
from evalkit.benchmarks.options import Medals
from evalkit.errors import EvalkitError
from evalkit.extract.reasoning import split_reasoning
from evalkit.proofs.prompt import SCALES, grading_prompt, prompt_version, proof_prompt
from evalkit.proofs.score import parse_score
from evalkit.proofs.templates import load_templates
from evalkit.proofs.verify import Templates, extract_proof, generation_prompt
from evalkit.protocols.verify_refine import VerifyRefineOptions
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import proof as proof_scoring

GRADED, UNGRADED = "GRADED", "JE"
VERIFY_REFINE = "verify-refine"
# Under verify-refine a proof is a "## Solution" section followed by the model's own
# "## Self Evaluation" (DeepSeek-Math-V2's layout): the judge grades the solution only,
# as DeepSeek-Math-V2 verifies and publishes only the solution (inference/main.py,
# extract_solution; outputs/*.jsonl hold the proof alone).
SOLUTION_SECTION = "solution-section-v1"


@dataclass(frozen=True)
class ProofOptions(MathDataOptions):
    """The spec's keys (imo_proofbench, imo2025); ``--set`` overrides any of them."""

    scale: str = "proofbench"  # proofbench (0/1/6/7) | imo (0-7)
    headline: str = "percent"  # points | percent
    medals: Medals | None = None
    # protocol = "verify-refine" (evalkit/protocols/verify_refine.py) and its parameters.
    verify_refine: VerifyRefineOptions = field(default_factory=VerifyRefineOptions)

    PROTOCOLS: ClassVar[tuple[str, ...]] = (VERIFY_REFINE,)

    def check(self, where: str) -> None:
        super().check(where)
        self.verify_refine.check(where)


class ProofBenchmark(MathDataBenchmark):
    needs_judge_model = True
    Options = ProofOptions
    _templates: Templates | None = None

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        scale = self.spec.settings.get("scale", "proofbench")
        if scale not in SCALES:
            raise EvalkitError(f"{spec.spec_path}: field 'scale' must be one of "
                               f"{', '.join(SCALES)}")
        self.scale = SCALES[scale]
        self.headline_kind = self.spec.settings.get("headline", "percent")
        if self.headline_kind not in ("points", "percent"):
            raise EvalkitError(f"{spec.spec_path}: field 'headline' must be points or percent")

    # -- data ----------------------------------------------------------------
    @property
    def verify_refine(self) -> bool:
        """Whether the run uses the verify-refine protocol (its prompt and proof layout)."""
        return self.options.protocol == VERIFY_REFINE

    def _prompt(self, statement: str) -> str:
        if self.verify_refine:
            # The protocol's generation prompt (its round 1 asks exactly this).
            if self._templates is None:
                opts = self.options
                assert isinstance(opts, ProofOptions)
                folder = opts.verify_refine.prompts
                self._templates = load_templates(Path(folder) if folder else None)
            return generation_prompt(self._templates, statement)
        return proof_prompt(statement)

    def problems(self) -> list[Problem]:
        return [Problem(id=i.id, title=i.title,
                        # Proof loaders require a statement (the judge needs it too).
                        messages=[{"role": "user", "content": self._prompt(i.statement or "")}],
                        reference=i.solution,
                        meta={"answer": i.answer, "points": i.points, **i.meta})
                for i in self.items().values()]

    # -- judging -------------------------------------------------------------
    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        fp = {"benchmark": self.name, "data_hash": self.data_hash(),
              "prompt_version": prompt_version(), "scale": self.scale.name,
              "grader_sha256": grader_sha256(),
              "judge_model": ctx.judge_model.info() if ctx.judge_model else None}
        if self.verify_refine:  # single-shot judge keys stay as they were
            fp["graded_text"] = SOLUTION_SECTION
        return fp

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        # An episode's later steps get their own request key (seed, replay line); step 0
        # keeps the single-shot key.
        key = f"{problem.id}#{generation.sample}"
        return self.grade(self.items()[problem.id], generation, ctx, judge_key,
                          key if generation.step == 0 else f"{key}@{generation.step}")

    def grade(self, item: MathItem, generation: Generation, ctx: JudgeContext,
              judge_key: str, ask_key: str) -> Judgement:
        """Grade ``generation`` as a proof of ``item`` (its statement, reference solution
        and guidelines) with the judge model; ``ask_key`` keys the judge's requests (the
        replay judge's ``problem_id``).  Also used for human-graded proofs
        (``evalkit agreement``), whose rows carry their own problem and reference."""
        base: dict[str, Any] = {"problem_id": item.id, "sample": generation.sample,
                                "judge_key": judge_key, "max_score": float(item.points)}
        if ctx.judge_model is None:
            return Judgement(**base, verdict=UNGRADED, score=0.0,
                             judge_error="no judge model (pass --judge-backend)")
        split = split_reasoning(generation.response, generation.reasoning)
        details: dict[str, Any] = {}
        proof = split.answer
        if self.verify_refine and not split.unclosed:
            # The model's self-evaluation (and its \boxed{score}) is neither graded nor
            # read as the final answer.
            section = extract_proof(generation.response, generation.reasoning, None).text
            proof = section if section is not None else proof
            details["graded_text"] = "solution section" if section is not None else "answer"
        if item.answer is not None:
            details["answer_check"] = _answer_check(item.answer, proof, split.unclosed)
        if split.unclosed or not proof.strip():
            # Nothing to grade: the proof is missing, which is a 0, not a judge question.
            details["message"] = ("reasoning never ended" if split.unclosed
                                  else "empty final answer")
            return Judgement(**base, verdict="NO_PROOF", score=0.0, details=details)
        prompt = grading_prompt(self.scale, item.statement or "", proof, item.solution,
                                item.guidelines, item.answer)
        scale = self.scale

        def parse(text: str, reasoning: str | None) -> tuple[int | None, str]:
            got = parse_score(text, scale.allowed, scale.max_points, reasoning)
            return got.score, got.reason

        verdict = ctx.judge_model.ask(ask_key, prompt, parse)
        details["judge_attempts"] = [a.to_json() for a in verdict.attempts]
        details["judge_prompt_sha256"] = _sha(prompt)
        if verdict.value is None:
            notes = "; ".join(a.error or a.parse_note for a in verdict.attempts)
            return Judgement(**base, verdict=UNGRADED, score=0.0, details=details,
                             judge_error=f"no parseable score after {len(verdict.attempts)} "
                                         f"attempt(s): {notes}"[:1000])
        points = int(verdict.value) * item.points / scale.max_points
        return Judgement(**base, verdict=GRADED, score=float(points), details=details)

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return proof_scoring.summarize(self.name, problems, judgements, self.items(),
                                       self.scale, self.headline_kind,
                                       self.spec.settings.get("medals"))



def _answer_check(gold: str, final: str, unclosed: bool) -> dict[str, Any]:
    from evalkit.math import equivalent, extract_answer

    answer = None if unclosed else extract_answer(final)
    try:
        ok = answer is not None and bool(equivalent(gold, answer))
    except Exception as e:  # noqa: BLE001 - reported, the proof is still graded
        return {"answer": answer, "gold": gold, "correct": False,
                "error": f"{type(e).__name__}: {e}"[:300]}
    return {"answer": answer, "gold": gold, "correct": ok}


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
