"""LiveCodeBench scoring: pass@1 per problem (fraction of passing samples), pass@k.

Rules (lcb_runner pass_k_utils.py, compute_scores.py; see docs/architecture.md): a sample
passes iff every test passes (judging/lcb/harness.py); pass@1 is averaged over problems;
pass@k (the unbiased estimator, scoring/sampling.py) only when every problem has at least
k samples; judge errors are left out and counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from evalkit.records import Judgement, Problem
from evalkit.run.summary import headline
from evalkit.scoring.sampling import avg_at_k, mean_pass_at_k

ACCEPTED = "AC"  # judging.lcb.harness.AC
DEFAULT_K = (1, 5, 10, 20, 50, 100)


def summarize(benchmark: str, problems: Sequence[Problem],
              judgements: Mapping[tuple[str, int], Judgement],
              k_list: Sequence[int] = DEFAULT_K, start: datetime | None = None,
              end: datetime | None = None) -> dict[str, Any]:
    """The LiveCodeBench summary: pass@1 (SE over problems), pass@k, by difficulty and
    month, the date window ``start``..``end``, per-problem detail."""
    by_problem: dict[str, list[Judgement]] = defaultdict(list)
    for (pid, _), j in sorted(judgements.items()):
        by_problem[pid].append(j)
    correct: dict[str, list[bool]] = {}
    judge_errors = 0
    per_problem: dict[str, Any] = {}
    for p in problems:
        js = by_problem.get(p.id, [])
        judge_errors += sum(1 for j in js if j.judge_error)
        valid = [j for j in js if not j.judge_error]
        correct[p.id] = [j.verdict == ACCEPTED for j in valid]
        n, c = len(valid), sum(correct[p.id])
        per_problem[p.id] = {
            "n": n, "correct": c, "pass@1": c / n if n else 0.0,
            "difficulty": p.meta.get("difficulty"), "month": p.meta.get("month"),
            "verdicts": dict(Counter(j.verdict for j in js)),
        }
    scored = {pid: v for pid, v in correct.items() if v}
    overall = avg_at_k({pid: [float(x) for x in v] for pid, v in scored.items()})
    pass_k = {}
    for k in k_list:
        est = mean_pass_at_k(scored, k) if len(scored) == len(correct) else None
        if est is not None:
            pass_k[f"pass@{k}"] = est.to_json()
    groups: dict[str, dict[str, list[str]]] = {"difficulty": defaultdict(list),
                                               "month": defaultdict(list)}
    for pid, info in per_problem.items():
        groups["difficulty"][str(info["difficulty"])].append(pid)
        groups["month"][str(info["month"])].append(pid)
    by = {
        kind: {name: {"pass@1": sum(per_problem[q]["pass@1"] for q in ids) / len(ids),
                      "problems": len(ids)}
               for name, ids in sorted(members.items())}
        for kind, members in groups.items()
    }
    value = {pid: info["pass@1"] for pid, info in per_problem.items()}
    mean = sum(value.values()) / len(value) if value else 0.0
    contract = headline("pass@1", "fraction", "mean", value, {pid: 1.0 for pid in value})
    for p in problems:  # contest dates let reports plot score by month
        if p.id in contract["problems"] and p.meta.get("contest_date"):
            contract["problems"][p.id]["date"] = p.meta["contest_date"]
    return {
        "benchmark": benchmark,
        "score": mean,
        "max_score": 1.0,
        "metrics": {
            "score_rule": "pass@1: per problem, the fraction of its samples passing every "
                          "test; averaged over problems (LiveCodeBench)",
            "pass@1": overall.to_json(),
            "pass@k": pass_k,
            "by_difficulty": by["difficulty"],
            "by_month": by["month"],
            "window": {"start": start.date().isoformat() if start else None,
                       "end": end.date().isoformat() if end else None},
            "judge_errors": judge_errors,
            "verdicts": dict(Counter(j.verdict for j in judgements.values())),
            "problems": per_problem,
        },
        **contract,
    }
