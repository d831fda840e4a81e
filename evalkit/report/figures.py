"""Which figures the runs' data supports, computed from the summary contract.

- scores with CIs: always (one panel per benchmark, on the headline's scale);
- pass@k: runs of rate benchmarks (``mean``) with several pass/fail samples per problem;
- solved@k: runs of count benchmarks (``sum``, e.g. ICPC) with several pass/fail samples;
- IOI subtask heat map: summaries whose ``metrics.tasks.*.subtasks`` carry ``best``/``points``;
- score by month: problems with a ``date`` (e.g. LiveCodeBench contest dates);
- IOI contest mode: the total score after each round (``summary.protocol.metrics``).

pass@k is the unbiased estimator of :mod:`evalkit.scoring.sampling` (Chen et al. 2021).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evalkit.report.formats import number
from evalkit.report.plots import Bar, heatmap, interval_plot, line_plot
from evalkit.report.table import Leaderboard
from evalkit.results import RunResult
from evalkit.scoring.sampling import pass_at_k


@dataclass(frozen=True)
class Figure:
    kind: str  # scores | pass_at_k | solved_at_k | subtasks | by_month | contest
    title: str
    svg: str


def score_figures(lb: Leaderboard) -> list[Figure]:
    """One interval plot per benchmark: every row's headline with its CI."""
    out = []
    for col in lb.columns:
        cells = lb.cells[lb.cells["benchmark"] == col.benchmark]
        scale = 100.0 if col.aggregate == "mean" else 1.0
        bars = [Bar(str(c["row"]), c["value"] * scale, c["ci_low"] * scale, c["ci_high"] * scale,
                    str(c["medal"] or "")) for _, c in cells.iterrows()]
        unit = "%" if col.aggregate == "mean" else f"{col.unit} (max {number(col.max, 'sum')})"
        title = f"{col.benchmark}: {col.name} with {lb.level:.0%} CI"
        out.append(Figure("scores", title,
                          interval_plot(title, bars, col.max * scale, unit)))
    return out


def pass_fail_counts(run: RunResult) -> dict[str, tuple[int, int]] | None:
    """(samples, passed) per problem when every sample is pass/fail, else None."""
    frame = run.judgements[run.judgements["judge_error"].isna()]
    if frame.empty:
        return None
    full = frame["score"] >= frame["max_score"]
    zero = frame["score"] <= 0
    if not bool((full | zero).all()):
        return None
    counts: dict[str, tuple[int, int]] = {}
    for pid, grp in frame.groupby("problem_id", sort=True):
        counts[str(pid)] = (len(grp), int((grp["score"] >= grp["max_score"]).sum()))
    return counts


def at_k_curve(run: RunResult) -> list[tuple[float, float]] | None:
    """Mean pass@k (for ``mean`` headlines, in %) or expected problems solved with k samples
    (``sum`` headlines, weighted by each problem's max), for k = 1..min samples."""
    counts = pass_fail_counts(run)
    if not counts:
        return None
    kmax = min(n for n, _ in counts.values())
    if kmax < 2:
        return None
    ks = sorted({1, 2, 4, 8, 16, 32, 64, 128, kmax} & set(range(1, kmax + 1))) \
        if kmax > 16 else list(range(1, kmax + 1))
    curve = []
    for k in ks:
        vals = {p: pass_at_k(n, c, k) for p, (n, c) in counts.items()}
        if run.headline.aggregate == "mean":
            curve.append((float(k), 100.0 * sum(vals.values()) / len(vals)))
        else:
            curve.append((float(k), sum(v * run.problems[p].max if p in run.problems else v
                                        for p, v in vals.items())))
    return curve


def at_k_figures(runs: Sequence[RunResult], labels: Sequence[str]) -> list[Figure]:
    """pass@k (rates) and solved@k (counts) curves, one chart per benchmark."""
    by_bench: dict[str, dict[str, list[tuple[float, float]]]] = {}
    kinds: dict[str, RunResult] = {}
    for run, label in zip(runs, labels, strict=True):
        curve = at_k_curve(run)
        if curve:
            by_bench.setdefault(run.benchmark, {})[label] = curve
            kinds[run.benchmark] = run
    out = []
    for bench in sorted(by_bench):
        run = kinds[bench]
        if run.headline.aggregate == "mean":
            title = f"{bench}: pass@k (unbiased estimator)"
            out.append(Figure("pass_at_k", title, line_plot(
                title, by_bench[bench], "k (samples per problem)", "pass@k (%)", ymax=100.0)))
        else:
            title = f"{bench}: solved@k (expected {run.headline.unit} with k samples)"
            out.append(Figure("solved_at_k", title, line_plot(
                title, by_bench[bench], "k (samples per problem)", run.headline.unit,
                ymax=run.headline.max)))
    return out


def subtask_figures(runs: Sequence[RunResult], labels: Sequence[str]) -> list[Figure]:
    """IOI-style heat map: best score per subtask (over the submissions counted) per row."""
    by_bench: dict[str, list[tuple[str, RunResult]]] = {}
    for run, label in zip(runs, labels, strict=True):
        tasks = run.metrics.get("tasks")
        if isinstance(tasks, dict) and any(isinstance(t, dict) and t.get("subtasks")
                                           for t in tasks.values()):
            by_bench.setdefault(run.benchmark, []).append((label, run))
    out = []
    for bench in sorted(by_bench):
        entries = by_bench[bench]
        rows: list[str] = []
        for _, run in entries:
            for task, t in sorted(run.metrics["tasks"].items()):
                for s in t.get("subtasks") or []:
                    name = f"{task} / {s.get('name')} ({number(float(s.get('points', 0)), 'sum')})"
                    if float(s.get("points", 0)) > 0 and name not in rows:
                        rows.append(name)
        values: list[list[float | None]] = []
        texts: list[list[str]] = []
        for row in rows:
            vrow: list[float | None] = []
            trow: list[str] = []
            for _, run in entries:
                hit = None
                for task, t in run.metrics["tasks"].items():
                    for s in t.get("subtasks") or []:
                        name = (f"{task} / {s.get('name')} "
                                f"({number(float(s.get('points', 0)), 'sum')})")
                        if name == row:
                            hit = s
                if hit is None:
                    vrow.append(None)
                    trow.append("")
                else:
                    pts, best = float(hit["points"]), float(hit.get("best", 0.0))
                    vrow.append(best / pts if pts else None)
                    trow.append(f"{number(best, 'sum')}/{number(pts, 'sum')}")
            values.append(vrow)
            texts.append(trow)
        if rows:
            title = f"{bench}: best score per subtask (counted submissions)"
            out.append(Figure("subtasks", title, heatmap(title, rows, [lab for lab, _ in entries],
                                                         values, texts)))
    return out


def month_figures(runs: Sequence[RunResult], labels: Sequence[str]) -> list[Figure]:
    """Mean score (% of max) per problem month, for problems that carry a ``date``."""
    by_bench: dict[str, dict[str, dict[str, list[float]]]] = {}
    for run, label in zip(runs, labels, strict=True):
        for p in run.problems.values():
            if p.date and len(p.date) >= 7 and p.max > 0:
                month = p.date[:7]
                (by_bench.setdefault(run.benchmark, {}).setdefault(label, {})
                 .setdefault(month, []).append(100.0 * p.value / p.max))
    out = []
    for bench in sorted(by_bench):
        months = sorted({m for per in by_bench[bench].values() for m in per})
        if len(months) < 2:
            continue
        series = {label: [(float(months.index(m)), sum(v) / len(v))
                          for m, v in sorted(per.items())]
                  for label, per in by_bench[bench].items()}
        title = f"{bench}: score by problem month"
        out.append(Figure("by_month", title, line_plot(title, series, "month", "score (%)",
                                                       ymax=100.0, xticks=months)))
    return out


def contest_figures(runs: Sequence[RunResult], labels: Sequence[str]) -> list[Figure]:
    """IOI contest mode: total score after each round, one line per run (per task too
    when one run is shown), one chart per benchmark."""
    by_bench: dict[str, dict[str, list[tuple[float, float]]]] = {}
    tops: dict[str, float] = {}
    for run, label in zip(runs, labels, strict=True):
        proto = run.summary.get("protocol") or {}
        curve = (proto.get("metrics") or {}).get("score_after_round")
        if proto.get("name") != "contest" or not curve:
            continue
        series = by_bench.setdefault(run.benchmark, {})
        series[label] = [(float(i + 1), float(v)) for i, v in enumerate(curve)]
        tops[run.benchmark] = max(tops.get(run.benchmark, 0.0), run.headline.max)
    out = []
    for bench in sorted(by_bench):
        series = by_bench[bench]
        if len(series) == 1:
            run = next(r for r in runs if r.benchmark == bench
                       and (r.summary.get("protocol") or {}).get("name") == "contest")
            for task, t in sorted(run.summary["protocol"]["metrics"]["tasks"].items()):
                series[task] = [(float(i + 1), float(v))
                                for i, v in enumerate(t["score_after_round"])]
        title = f"{bench}: contest mode, score after each round"
        out.append(Figure("contest", title, line_plot(title, series, "round", "points",
                                                      ymax=tops[bench] or None)))
    return out


def all_figures(lb: Leaderboard, runs: Sequence[RunResult]) -> list[Figure]:
    """Every figure the runs support, in reading order."""
    labels = [str(lb.cells[lb.cells["run_id"] == r.run_id]["row"].iloc[0]) for r in runs]
    return (score_figures(lb) + at_k_figures(runs, labels) + subtask_figures(runs, labels)
            + month_figures(runs, labels) + contest_figures(runs, labels))
