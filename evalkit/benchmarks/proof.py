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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from evalkit.benchmarks.base import JudgeContext, headline
from evalkit.benchmarks.math import grader_sha256
from evalkit.benchmarks.mathdata import MathDataBenchmark, MathDataOptions
from evalkit.benchmarks.options import Medals
from evalkit.errors import EvalkitError
from evalkit.extract.reasoning import split_reasoning
from evalkit.proofs.prompt import SCALES, grading_prompt, prompt_version, proof_prompt
from evalkit.proofs.score import parse_score
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import sampling
from evalkit.scoring.ioi import medal as medal_for

GRADED, UNGRADED = "GRADED", "JE"


@dataclass(frozen=True)
class ProofOptions(MathDataOptions):
    """The spec's keys (imo_proofbench, imo2025); ``--set`` overrides any of them."""

    scale: str = "proofbench"  # proofbench (0/1/6/7) | imo (0-7)
    headline: str = "percent"  # points | percent
    medals: Medals | None = None

class ProofBenchmark(MathDataBenchmark):
    needs_judge_model = True
    Options = ProofOptions

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
    def problems(self) -> list[Problem]:
        return [Problem(id=i.id, title=i.title,
                        # Proof loaders require a statement (the judge needs it too).
                        messages=[{"role": "user", "content": proof_prompt(i.statement or "")}],
                        reference=i.solution,
                        meta={"answer": i.answer, "points": i.points, **i.meta})
                for i in self.items().values()]

    # -- judging -------------------------------------------------------------
    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        return {"benchmark": self.name, "data_hash": self.data_hash(),
                "prompt_version": prompt_version(), "scale": self.scale.name,
                "grader_sha256": grader_sha256(),
                "judge_model": ctx.judge_model.info() if ctx.judge_model else None}

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        item = self.items()[problem.id]
        base: dict[str, Any] = {"problem_id": problem.id, "sample": generation.sample,
                                "judge_key": judge_key, "max_score": float(item.points)}
        if ctx.judge_model is None:
            return Judgement(**base, verdict=UNGRADED, score=0.0,
                             judge_error="no judge model (pass --judge-backend)")
        split = split_reasoning(generation.response, generation.reasoning)
        details: dict[str, Any] = {}
        if item.answer is not None:
            details["answer_check"] = _answer_check(item.answer, split.answer, split.unclosed)
        if split.unclosed or not split.answer.strip():
            # Nothing to grade: the proof is missing, which is a 0, not a judge question.
            details["message"] = ("reasoning never ended" if split.unclosed
                                  else "empty final answer")
            return Judgement(**base, verdict="NO_PROOF", score=0.0, details=details)
        prompt = grading_prompt(self.scale, item.statement or "", split.answer, item.solution,
                                item.guidelines, item.answer)
        scale = self.scale

        def parse(text: str, reasoning: str | None) -> tuple[int | None, str]:
            got = parse_score(text, scale.allowed, scale.max_points, reasoning)
            return got.score, got.reason

        verdict = ctx.judge_model.ask(f"{problem.id}#{generation.sample}", prompt, parse)
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
        per: dict[str, Any] = {}
        fractions: dict[str, list[float]] = {}
        judge_errors = 0
        for p in problems:
            item = self.items()[p.id]
            js = sorted((j for (pid, _), j in judgements.items() if pid == p.id),
                        key=lambda j: j.sample)
            valid = [j for j in js if not j.judge_error]
            judge_errors += len(js) - len(valid)
            scores = [j.score for j in valid]
            checks = [j.details["answer_check"] for j in valid if "answer_check" in j.details]
            fractions[p.id] = [s / item.points for s in scores]
            per[p.id] = {
                "samples": len(valid), "scores": scores,
                "mean": sum(scores) / len(scores) if scores else 0.0,
                "best": max(scores, default=0.0), "max": float(item.points),
                "subset": item.meta.get("subset", ""),
                "answer_correct": (sum(1 for c in checks if c["correct"])
                                   if item.answer is not None else None),
                "judge_errors": len(js) - len(valid),
                "attempts": sum(len(j.details.get("judge_attempts", [])) for j in js),
            }
        total = sum(t["mean"] for t in per.values())
        max_total = sum(t["max"] for t in per.values())
        avg = sampling.avg_at_k({p: v for p, v in fractions.items() if v})
        subsets: dict[str, Any] = {}
        for name in sorted({t["subset"] for t in per.values() if t["subset"]}):
            sub = {p: fractions[p] for p, t in per.items() if t["subset"] == name and fractions[p]}
            subsets[name] = sampling.avg_at_k(sub).to_json()
        medals = {k: float(v) for k, v in self.spec.settings.get("medals", {}).items()
                  if k in ("gold", "silver", "bronze")}
        with_answer = [t for t in per.values() if t["answer_correct"] is not None]
        metrics = {
            "points": total, "max_points": max_total,
            "best_of_n_points": sum(t["best"] for t in per.values()),
            "percent": avg.to_json(),
            "subsets": subsets,
            "answer_check": {"problems": len(with_answer),
                             "correct": sum(t["answer_correct"] for t in with_answer),
                             "samples": sum(t["samples"] for t in with_answer),
                             "rule": "symbolic grader on the final \\boxed{} answer; "
                                     "reported beside the proof score, not part of it"},
            "rules": {"score": f"judge model, scale {self.scale.name} "
                               f"{list(self.scale.allowed)} of 7; mean over samples",
                      "percent": "mean of score/7 over samples and problems; SE over problems"},
            "medal": medal_for(total, medals) if medals else None,
            "medal_cutoffs": medals,
            "medal_source": self.spec.settings.get("medals", {}).get("source"),
            "medal_note": self.spec.settings.get("medals", {}).get("note"),
            "judge_errors": judge_errors,
            "problems": per,
        }
        if self.headline_kind == "points":
            head = headline("IMO points", "points", "sum",
                            {p: t["mean"] for p, t in per.items()},
                            {p: t["max"] for p, t in per.items()})
            score, top = total, max_total
        else:
            head = headline("proof score (fraction of 7)", "fraction", "mean",
                            {p: t["mean"] / t["max"] for p, t in per.items()},
                            {p: 1.0 for p in per})
            score, top = avg.mean, 1.0
        return {"benchmark": self.name, "score": score, "max_score": top, "metrics": metrics,
                **head}

    def render(self, summary: Mapping[str, Any]) -> RenderableType:
        m = summary["metrics"]
        table = Table(title=f"{summary['benchmark']} — proofs graded by a judge model",
                      title_justify="left")
        for col in ("problem", "subset", "score (mean)", "best", "max", "samples",
                    "answer ✓", "judge calls"):
            table.add_column(col, justify="left" if col in ("problem", "subset") else "right")
        for pid, t in m["problems"].items():
            ans = "—" if t["answer_correct"] is None else f"{t['answer_correct']}/{t['samples']}"
            table.add_row(pid, t["subset"], f"{t['mean']:.2f}", f"{t['best']:g}",
                          f"{t['max']:g}", str(t["samples"]), ans, str(t["attempts"]))
        table.add_section()
        table.add_row("total", "", f"{m['points']:.2f}", f"{m['best_of_n_points']:g}",
                      f"{m['max_points']:g}", "", "", "")
        lines: list[RenderableType] = [table]
        pct = m["percent"]
        text = (f"score {m['points']:.2f}/{m['max_points']:g} points; "
                f"{100 * pct['mean']:.1f}% ± {100 * pct['stderr']:.1f} (SE)")
        if m["subsets"]:
            text += "; " + ", ".join(f"{k} {100 * v['mean']:.1f}%" for k, v in m["subsets"].items())
        lines.append(Text(text, style="bold"))
        ac = m["answer_check"]
        if ac["problems"]:
            lines.append(Text(f"final answers (symbolic check): {ac['correct']}/{ac['samples']} "
                              f"samples correct over {ac['problems']} problems with an answer"))
        if m["medal_cutoffs"]:
            cut = ", ".join(f"{k} {v:g}" for k, v in m["medal_cutoffs"].items())
            lines.append(Text(f"medal: {m['medal'] or 'none'} (cut-offs: {cut}; "
                              f"{m.get('medal_source') or ''})"))
            if m.get("medal_note"):
                lines.append(Text(m["medal_note"], style="dim"))
        lines.append(Text("scores come from a judge model, not official graders", style="dim"))
        if m["judge_errors"]:
            lines.append(Text(f"{m['judge_errors']} judge error(s): not counted; re-run to retry "
                              "them", style="bold red"))
        return Group(*lines)


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
