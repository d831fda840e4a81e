"""Final-answer math benchmarks (``aime2025``, ``hmmt_feb2025``, ``imo_answerbench``).

One adapter, configured by the spec: data ``format`` (see
:mod:`evalkit.benchmarks.mathdata`), optional ``prompt`` template.  Judging:
the final answer (after any reasoning) is graded by the symbolic grader
:func:`evalkit.math.grade` against the gold answer; no sandbox.  Metrics over
k samples per problem come from :mod:`evalkit.scoring.sampling`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from evalkit.benchmarks.base import JudgeContext
from evalkit.benchmarks.mathdata import MathDataBenchmark, MathDataOptions, MathItem
from evalkit.errors import EvalkitError
from evalkit.extract.reasoning import split_reasoning
from evalkit.protocols.tir import TirOptions
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import math as math_scoring
from evalkit.scoring.math import CORRECT, NO_ANSWER, WRONG

# NeMo-Skills `generic/math` prompt config, which its aime25, hmmt_feb25 and
# imo-answerbench benchmarks use (reference/nemotron_eval_protocol.md §2.2);
# MathArena's config.yaml asks the same ("put your final answer within \boxed{}").
PROMPT = ("Solve the following math problem. Make sure to put the answer (and only answer) "
          "inside \\boxed{{}}.\n\n{problem}")



@dataclass(frozen=True)
class MathAnswerOptions(MathDataOptions):
    """The spec's keys (aime2025, hmmt_feb2025, imo_answerbench); ``--set`` overrides."""

    prompt: str = PROMPT  # must contain {problem}
    tir: TirOptions = field(default_factory=TirOptions)  # --set protocol=tir

    # Tool-integrated reasoning (evalkit/protocols/tir.py): the card reports AIME, HMMT
    # and IMO-AnswerBench with and without it.
    PROTOCOLS: ClassVar[tuple[str, ...]] = ("tir",)


class MathAnswerBenchmark(MathDataBenchmark):
    """Problems with a short gold answer, graded symbolically."""

    Options = MathAnswerOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        template = self.spec.settings.get("prompt", PROMPT)
        if not isinstance(template, str) or "{problem}" not in template:
            raise EvalkitError(f"{spec.spec_path}: field 'prompt' must contain {{problem}}")
        self.template = template

    # -- data ----------------------------------------------------------------
    def check_items(self, items: Sequence[MathItem]) -> None:
        missing = [i.id for i in items if not i.answer]
        if missing:
            raise EvalkitError(f"{self.data_dir}: no gold answer for {', '.join(missing)}")

    def problems(self) -> list[Problem]:
        # No statement (answers-only data): no prompt; generating refuses, replay works.
        return [Problem(id=i.id, title=i.title,
                        messages=[{"role": "user",
                                   "content": self.template.format(problem=i.statement)}]
                        if i.statement is not None else [],
                        reference=f"The answer is $\\boxed{{{i.answer}}}$.",
                        meta={"answer": i.answer, **i.meta})
                for i in self.items().values()]

    # -- judging -------------------------------------------------------------
    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        # The question reaches the grader (percent readings, evalkit.math), so a verdict
        # depends on it as well as on the grader's code.
        return {"benchmark": self.name, "data_hash": self.data_hash(),
                "grader_sha256": grader_sha256(), "grader_reads_question": True}

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        item = self.items()[problem.id]
        assert item.answer is not None
        return grade_answer(problem.id, generation, item.answer, judge_key,
                            question=item.statement)

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return math_scoring.summarize(self.name, problems, judgements)



def grader_sha256() -> str:
    """A hash of the symbolic grader's source: a changed grader re-judges every answer."""
    import hashlib

    from evalkit import math as grader

    h = hashlib.sha256()
    for f in sorted(Path(grader.__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def grade_answer(problem_id: str, generation: Generation, gold: str,
                 judge_key: str, question: str | None = None) -> Judgement:
    """Extract the final answer (never from unfinished reasoning) and grade it against ``gold``.

    ``question``: the problem's statement, which tells the grader whether a percentage is
    asked for (then ``25`` and ``25\\%`` are both read as the percentage; evalkit.math).
    """
    from evalkit.math import equivalent, extract_answer

    base: dict[str, Any] = {"problem_id": problem_id, "sample": generation.sample,
                            "judge_key": judge_key, "max_score": 1.0}
    split = split_reasoning(generation.response, generation.reasoning)
    answer = extract_answer(split.answer) if not split.unclosed else None
    if answer is None:
        why = "reasoning never ended" if split.unclosed else "no final answer found"
        return Judgement(**base, verdict=NO_ANSWER, score=0.0,
                         details={"answer": None, "gold": gold, "message": why})
    try:
        ok = bool(equivalent(gold, answer, question=question))
    except Exception as e:  # noqa: BLE001 - a grader crash is a judge error, retried later
        return Judgement(**base, verdict="JE", score=0.0,
                         details={"answer": answer, "gold": gold},
                         judge_error=f"grader failed: {type(e).__name__}: {e}"[:500])
    return Judgement(**base, verdict=CORRECT if ok else WRONG, score=1.0 if ok else 0.0,
                     details={"answer": answer, "gold": gold})
