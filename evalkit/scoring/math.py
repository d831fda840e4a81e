"""Final-answer scoring (aime2025, hmmt_feb2025, imo_answerbench): avg@k, pass@k, maj@k.

Rules: accuracy = avg@k (mean over samples, averaged over problems; SE over problems);
pass@k the unbiased estimator (Chen et al. 2021, scoring/sampling.py); maj@k votes by
equivalence class of the answers (NeMo-Skills majority@k), not by raw string; judge errors
are left out and counted.  The equivalence classes use evalkit.math, imported lazily.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from evalkit.records import Judgement, Problem
from evalkit.run.summary import headline
from evalkit.scoring import sampling

CORRECT, WRONG, NO_ANSWER = "AC", "WA", "NO_ANSWER"


def canonical_answers(answers: Sequence[str | None]) -> list[str | None]:
    """Map each answer to the first earlier answer equivalent to it, for majority voting.

    Raw strings would split votes between ``\\frac{1}{2}`` and ``0.5``; grouping
    by :func:`evalkit.math.equivalent` counts them as one answer.
    """
    from evalkit.math import equivalent

    reps: list[str] = []
    out: list[str | None] = []
    for a in answers:
        if a is None:
            out.append(None)
            continue
        rep = next((r for r in reps if r == a or _safe_equivalent(r, a, equivalent)), None)
        if rep is None:
            reps.append(a)
            rep = a
        out.append(rep)
    return out


def _safe_equivalent(a: str, b: str, equivalent: Any) -> bool:
    try:
        return bool(equivalent(a, b))
    except Exception:  # noqa: BLE001 - an ungradable pair is simply not merged
        return False


def sample_ks(n: int) -> list[int]:
    """The k reported for pass@k and maj@k: powers of two up to n, and n itself."""
    ks = [1 << i for i in range(n.bit_length()) if (1 << i) <= n]
    return ks + ([n] if n not in ks else [])


def answer_metrics(problems: Sequence[Problem],
                   judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
    """avg@k (with SE over problems), unbiased pass@k and maj@k, plus per-problem detail."""
    per: dict[str, Any] = {}
    correct: dict[str, list[bool]] = {}
    canon: dict[str, list[str | None]] = {}
    right: dict[str, dict[Any, bool]] = {}
    judge_errors = 0
    for p in problems:
        js = sorted((j for (pid, _), j in judgements.items() if pid == p.id),
                    key=lambda j: j.sample)
        judge_errors += sum(1 for j in js if j.judge_error)
        valid = [j for j in js if not j.judge_error]
        oks = [j.verdict == CORRECT for j in valid]
        answers = [j.details.get("answer") for j in valid]
        reps = canonical_answers(answers)
        correct[p.id], canon[p.id] = oks, reps
        right[p.id] = {r: ok for r, ok in zip(reps, oks, strict=True) if r is not None}
        counts = Counter(r for r in reps if r is not None)
        top = sampling.majority_vote(reps)
        per[p.id] = {
            "samples": len(valid), "correct": sum(oks),
            "accuracy": sum(oks) / len(oks) if oks else 0.0,
            "no_answer": sum(1 for j in valid if j.verdict == NO_ANSWER),
            "majority": top, "majority_correct": bool(top is not None and right[p.id][top]),
            "answers": dict(counts.most_common(5)), "gold": p.meta.get("answer"),
            "judge_errors": len(js) - len(valid),
        }
    judged = {p: v for p, v in correct.items() if v}
    n_min = min((len(v) for v in judged.values()), default=0)
    pass_k, maj_k = {}, {}
    for k in sample_ks(n_min) if n_min else []:
        pk = sampling.mean_pass_at_k(judged, k)
        mk = sampling.maj_at_k({p: canon[p] for p in judged}, right, k)
        if pk is not None:
            pass_k[str(k)] = pk.to_json()
        if mk is not None:
            maj_k[str(k)] = mk.to_json()
    acc = sampling.avg_at_k({p: [1.0 if c else 0.0 for c in v] for p, v in correct.items()})
    return {
        "accuracy": acc.to_json(),
        "samples_per_problem": n_min,
        "pass_at_k": pass_k,
        "maj_at_k": maj_k,
        "rules": {"accuracy": "avg@k: mean over samples, averaged over problems; SE over "
                              "problems",
                  "pass_at_k": "unbiased estimator (Chen et al. 2021)",
                  "maj_at_k": "most common equivalent answer among the first k samples"},
        "no_answer": sum(t["no_answer"] for t in per.values()),
        "judge_errors": judge_errors,
        "problems": per,
    }


def summarize(benchmark: str, problems: Sequence[Problem],
              judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
    """The final-answer summary (headline: accuracy, avg@k)."""
    metrics = answer_metrics(problems, judgements)
    return {
        "benchmark": benchmark,
        "score": metrics["accuracy"]["mean"],
        "max_score": 1.0,
        "metrics": metrics,
        **headline("accuracy (avg@k)", "fraction", "mean",
                   {p: t["accuracy"] for p, t in metrics["problems"].items()},
                   {p: 1.0 for p in metrics["problems"]}),
    }
