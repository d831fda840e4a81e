"""SWE-bench scoring: resolved rate = resolved / all instances (official v5 rules).

Rules (SB harness/grading.py, reporting.py v5; verdicts in swebench/grading.py): an
instance is resolved iff every FAIL_TO_PASS and PASS_TO_PASS test passes; the rate is
over every instance of the run (unsubmitted ones count as unresolved); breakdowns and
the official run report come from swebench/report.py.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evalkit.records import Judgement, Problem
from evalkit.run.summary import headline
from evalkit.scoring.sampling import avg_at_k
from evalkit.swebench import report as rep


def compared(outcomes: Sequence[rep.InstanceOutcome]) -> list[str]:
    """Instances with a verdict to set beside the official ones (not missing, not errors)."""
    return [o.instance_id for o in outcomes
            if o.outcome not in (rep.NOT_SUBMITTED, rep.INFRA_ERROR)]


def judge_seconds(judgements: Iterable[Judgement]) -> dict[str, Any]:
    """Container start to verdict over the judgements that ran a container
    (``details.timings.total``): instances, median, max, total seconds."""
    ts = sorted(float(t["total"]) for j in judgements
                if isinstance(t := (j.details or {}).get("timings"), dict)
                and isinstance(t.get("total"), (int, float)))
    if not ts:
        return {"instances": 0, "median": None, "max": None, "total": 0.0}
    return {"instances": len(ts), "median": round(statistics.median(ts), 2),
            "max": round(ts[-1], 2), "total": round(sum(ts), 2)}


def summarize(benchmark: str, problems: Sequence[Problem],
              judgements: Mapping[tuple[str, int], Judgement],
              outcomes: list[rep.InstanceOutcome],
              runs: dict[str, Any] | None) -> dict[str, Any]:
    """The SWE-bench summary from the instances' ``outcomes`` (swebench.report) and the
    official leaderboard ``runs`` to compare with (None: none bundled)."""
    per: dict[str, list[float]] = {p.id: [] for p in problems}
    for (pid, _), j in sorted(judgements.items()):
        if pid in per:
            per[pid].append(j.score)
    est = avg_at_k({k: v for k, v in per.items() if v})
    resolved = {o.instance_id: o.outcome == rep.RESOLVED for o in outcomes}
    comparison = None
    judged = {i: v for i, v in resolved.items() if i in set(compared(outcomes))}
    if runs is not None and judged:
        comparison = rep.compare_official(judged, runs)
    n_resolved = sum(resolved.values())
    value = {p.id: (sum(per[p.id]) / len(per[p.id]) if per[p.id] else 0.0)
             for p in problems}
    return {
        "benchmark": benchmark,
        "score": n_resolved,
        "max_score": len(problems),
        "metrics": {
            "score_rule": "SWE-bench v5: resolved iff every FAIL_TO_PASS and "
                          "PASS_TO_PASS test passes; rate = resolved / all instances",
            "resolved_rate": n_resolved / len(problems) if problems else 0.0,
            "avg_at_k": est.to_json(),
            "samples": max((len(v) for v in per.values()), default=0),
            "judge_errors": sum(1 for j in judgements.values() if j.judge_error),
            "judge_seconds": judge_seconds(judgements.values()),
            **rep.breakdown(outcomes),
            "run_report": rep.run_report(outcomes),
            "official_comparison": comparison,
        },
        **headline("resolved rate", "fraction", "mean", value,
                   {p.id: 1.0 for p in problems}),
    }
