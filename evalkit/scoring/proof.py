"""Proof scoring (imo_proofbench, imo2025): judge-model points per proof, averaged.

Rules: a problem's score is the mean of its samples' judge scores on the benchmark's
scale (proofs/prompt.py SCALES: ProofBench 0/1/6/7, IMO 0-7); ``points`` headline = their
sum (IMO style), ``percent`` = the mean fraction of 7 (ProofBench style, SE over
problems); the symbolic final-answer check is reported beside the score, never in it;
judge errors are left out and counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evalkit.records import Judgement, Problem
from evalkit.run.summary import headline
from evalkit.scoring import sampling
from evalkit.scoring.ioi import medal as medal_for


def summarize(benchmark: str, problems: Sequence[Problem],
              judgements: Mapping[tuple[str, int], Judgement], items: Mapping[str, Any],
              scale: Any, headline_kind: str = "percent",
              medals_table: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The proof summary; ``items`` are the problems' MathItems (points, subset, answer),
    ``scale`` the judge's Scale, ``medals_table`` the spec's [medals]."""
    per: dict[str, Any] = {}
    fractions: dict[str, list[float]] = {}
    judge_errors = 0
    for p in problems:
        item = items[p.id]
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
    medals = {k: float(v) for k, v in (medals_table or {}).items()
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
        "rules": {"score": f"judge model, scale {scale.name} "
                           f"{list(scale.allowed)} of 7; mean over samples",
                  "percent": "mean of score/7 over samples and problems; SE over problems"},
        "medal": medal_for(total, medals) if medals else None,
        "medal_cutoffs": medals,
        "medal_source": (medals_table or {}).get("source"),
        "medal_note": (medals_table or {}).get("note"),
        "judge_errors": judge_errors,
        "problems": per,
    }
    if headline_kind == "points":
        head = headline("IMO points", "points", "sum",
                        {p: t["mean"] for p, t in per.items()},
                        {p: t["max"] for p, t in per.items()})
        score, top = total, max_total
    else:
        head = headline("proof score (fraction of 7)", "fraction", "mean",
                        {p: t["mean"] / t["max"] for p, t in per.items()},
                        {p: 1.0 for p in per})
        score, top = avg.mean, 1.0
    return {"benchmark": benchmark, "score": score, "max_score": top, "metrics": metrics,
            **head}
