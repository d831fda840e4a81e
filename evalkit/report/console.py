"""Console rendering of run summaries: one rich renderable per benchmark family.

Only the console table printed after a run (and by ``evalkit judge``/``merge``) lives
here; leaderboards, reports and the gate render from :mod:`evalkit.results`.  A renderer
reads the summary dict its family's scoring (``evalkit/scoring/<family>.py``) wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text


def ioi(summary: Mapping[str, Any]) -> RenderableType:
    """IOI: per task score, upper bound, best subtasks, submissions; medal."""
    m = summary["metrics"]
    table = Table(title=f"{summary['benchmark']} — IOI scoring", title_justify="left")
    for col in ("task", "score", "max", "upper bound", "subtasks (best)", "gens",
                "submitted", "compiled", "verdicts"):
        table.add_column(col, justify="right" if col not in ("task", "verdicts",
                                                               "subtasks (best)") else "left")
    for name, t in m["tasks"].items():
        subs = " ".join(f"{s['best']:g}/{s['points']:g}" for s in t["subtasks"]
                        if s["points"] > 0)
        verdicts = " ".join(f"{k}:{v}" for k, v in sorted(t["verdicts"].items()))
        table.add_row(name, f"{t['score']:g}", f"{t['max_score']:g}",
                      f"{t['upper_bound']:g}", subs, str(t["generations"]),
                      str(len(t["submitted"])), str(t["compiled"]), verdicts)
    table.add_section()
    table.add_row("total", f"{summary['score']:g}", f"{summary['max_score']:g}",
                  f"{m['upper_bound']:g}", "", "", "", "", "")
    lines: list[RenderableType] = [table]
    if m.get("medal_cutoffs"):
        cut = ", ".join(f"{k} {v:g}" for k, v in m["medal_cutoffs"].items())
        lines.append(Text(f"medal: {m['medal'] or 'none'} (cut-offs: {cut}; "
                          f"{m.get('medal_source') or ''})"))
    protocol = summary.get("protocol") or {}
    if protocol.get("name") == "contest":
        lines.append(ioi_contest(protocol))
        lines.append(Text(f"upper bound = {m.get('upper_bound_rule')}", style="dim"))
    else:
        lines.append(Text("upper bound = best over all generations; it is not an IOI score",
                          style="dim"))
    if m["judge_errors"]:
        lines.append(Text(f"{m['judge_errors']} judge error(s): not counted; "
                          "re-run to retry them", style="bold red"))
    return Group(*lines)


def curve_text(curve: list[float]) -> str:
    """A score-after-round curve as its changes: ``r1 0 → r2 30 → r3 100``."""
    steps = [(i, v) for i, v in enumerate(curve) if i == 0 or v != curve[i - 1]]
    return " → ".join(f"r{i + 1} {v:g}" for i, v in steps)


def ioi_contest(protocol: Mapping[str, Any]) -> RenderableType:
    """IOI contest mode: per task score, rounds used, submissions, score after each round
    (means over samples), why contests stopped."""
    pm = protocol.get("metrics") or {}
    params = protocol.get("params") or {}
    table = Table(title=f"contest mode: ≤ {params.get('rounds')} rounds × "
                        f"{params.get('candidates')} candidates, ≤ "
                        f"{params.get('max_submissions')} submissions, selection "
                        f"{params.get('selection')}", title_justify="left")
    for col in ("task", "score", "rounds", "submissions", "feedback", "score after round",
                "stopped"):
        table.add_column(col, justify="right" if col in ("score", "rounds", "submissions")
                         else "left")
    for name, t in (pm.get("tasks") or {}).items():
        stopped = " ".join(f"{k}:{v}" for k, v in sorted((t.get("stopped") or {}).items()))
        table.add_row(name, f"{t['score']:g}/{t['max_score']:g}", f"{t['rounds']:g}",
                      f"{t['submissions']:g}", str(t.get("feedback_level")),
                      curve_text(t["score_after_round"]), stopped)
    table.add_section()
    table.add_row("total", "", "", "", "", curve_text(pm.get("score_after_round") or []), "")
    bare = [n for n, t in (pm.get("tasks") or {}).items() if t.get("examples") == 0]
    if bare and params.get("selection") == "examples":
        return Group(table, Text(f"no examples in the package of {', '.join(bare)}: its "
                                 "candidates were ranked by 'compiles' only", style="yellow"))
    return table



def icpc(summary: Mapping[str, Any]) -> RenderableType:
    """ICPC: per problem solved, first accepted, verdicts; solved@k (protocol ``submit``:
    submissions-to-solve, see :func:`icpc_submit`)."""
    m = summary["metrics"]
    proto = summary.get("protocol") or {}
    if proto.get("name") == "submit" and proto.get("metrics"):
        return icpc_submit(summary)
    table = Table(title=f"{summary['benchmark']} — ICPC scoring", title_justify="left")
    for col in ("problem", "solved", "first AC", "accepted", "gens", "verdicts"):
        table.add_column(col, justify="left" if col in ("problem", "verdicts") else "right")
    for pid, r in m["problems"].items():
        verdicts = "refused" if r.get("refused") else \
            " ".join(f"{k}:{v}" for k, v in sorted(r["verdicts"].items()))
        table.add_row(pid, "yes" if r["solved"] else "no",
                      str(r["first_accepted"] or "-"), str(r["accepted"]),
                      str(r["generations"]), verdicts)
    table.add_section()
    table.add_row("total", f"{summary['score']}/{summary['max_score']}", "", "", "", "")
    at = ", ".join(f"@{k}: {m[f'solved@{k}']}" for k in m["ks"])
    lines: list[RenderableType] = [table, Text(
        f"solved {at}, all: {m['solved@all']} (of {summary['max_score']}; fewest judged "
        f"generations per problem: {m['min_generations']})")]
    return Group(*lines, *_icpc_warnings(m))



def _icpc_warnings(m: Mapping[str, Any]) -> list[Text]:
    """The lines under an ICPC table: refused packages and judge errors."""
    out = [Text(f"refused {pid}: {why}", style="bold red")
           for pid, why in (m.get("refused") or {}).items()]
    if m["judge_errors"]:
        out.append(Text(f"{m['judge_errors']} judge error(s): not counted as wrong; "
                        "re-run to retry them", style="bold red"))
    return out


def icpc_submit(summary: Mapping[str, Any]) -> RenderableType:
    """ICPC submissions-to-solve: per problem submissions to AC, rejected before AC,
    candidates generated and filtered out on the samples; the within-k counts."""
    m = summary["metrics"]
    proto = summary["protocol"]
    pm = proto["metrics"]
    params = proto.get("params") or {}
    table = Table(title=f"{summary['benchmark']} — ICPC submissions-to-solve",
                  title_justify="left")
    for col in ("problem", "solved", "subs to AC", "rejected", "candidates", "filtered out",
                "verdicts"):
        table.add_column(col, justify="left" if col in ("problem", "verdicts")
                         else "right")

    def cell(values: list[Any], fmt: Any = str) -> str:
        return " ".join("-" if v is None else fmt(v) for v in values) or "-"

    per = pm.get("per_problem", {})
    for pid, r in m["problems"].items():
        e = per.get(pid)
        verdicts = "refused" if r.get("refused") else \
            " ".join(f"{k}:{v}" for k, v in sorted(r["verdicts"].items())) or "none submitted"
        if e is None:
            table.add_row(pid, "no", "-", "-", "-", "-", verdicts)
            continue
        table.add_row(pid, cell(e["solved"], lambda v: "yes" if v else "no"),
                      cell(e["submissions_to_solve"]), cell(e["rejected_before_ac"]),
                      cell(e["candidates_generated"]), cell(e["filtered_out"]), verdicts)
    table.add_section()
    table.add_row("total", f"{pm['problems_solved']}/{summary['max_score']}", "",
                  str(pm["rejected_submissions"]), str(pm["candidates_generated"]),
                  str(pm["filtered_out"]), "")
    within = ", ".join(f"{k}: {v}" for k, v in pm["solved_within"].items())
    budget = ", ".join(f"{k}={v}" for k, v in params.items())
    median = pm["median_submissions_to_solve"]
    lines: list[RenderableType] = [table, Text(
        f"solved within {within} submissions (of {summary['max_score']}; "
        f"{pm['submissions']} submissions, median to solve "
        f"{'-' if median is None else f'{median:g}'}; "
        f"rejected before AC on solved problems, the ICPC penalty count: "
        f"{pm['rejected_before_ac']})")]
    lines.append(Text(f"protocol submit ({budget}): candidates in generation order, "
                      "filtered on the sample tests, submitted in order until AC"
                      + (f"; averaged over {pm['samples']} samples" if pm["samples"] > 1
                         else ""), style="dim"))
    return Group(*lines, *_icpc_warnings(m))



def livecodebench(summary: Mapping[str, Any]) -> RenderableType:
    """LiveCodeBench: pass@1/pass@k, by difficulty and month, per problem."""
    m = summary["metrics"]
    win = m["window"]
    table = Table(title=f"{summary['benchmark']} — LiveCodeBench "
                        f"({win['start'] or 'any'} to {win['end'] or 'any'})",
                  title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("problems", justify="right")
    p1 = m["pass@1"]
    table.add_row("pass@1", f"{100 * p1['mean']:.2f}% ± {100 * p1['stderr']:.2f}",
                  str(p1["n"]))
    for name, est in m["pass@k"].items():
        if name != "pass@1":
            table.add_row(name, f"{100 * est['mean']:.2f}%", str(est["n"]))
    table.add_section()
    for kind, label in (("by_difficulty", "difficulty"), ("by_month", "month")):
        for name, g in m[kind].items():
            table.add_row(f"pass@1 {label} {name}", f"{100 * g['pass@1']:.2f}%",
                          str(g["problems"]))
        table.add_section()
    verdicts = " ".join(f"{k}:{v}" for k, v in sorted(m["verdicts"].items()))
    lines: list[RenderableType] = [table, Text(f"verdicts: {verdicts}")]
    if len(m["problems"]) <= 30:
        per = Table(title="per problem", title_justify="left")
        for col in ("problem", "difficulty", "month", "pass@1", "samples", "verdicts"):
            per.add_column(col)
        for pid, info in m["problems"].items():
            per.add_row(pid, str(info["difficulty"]), str(info["month"]),
                        f"{info['pass@1']:.2f}", str(info["n"]),
                        " ".join(f"{k}:{v}" for k, v in sorted(info["verdicts"].items())))
        lines.insert(1, per)
    if m["judge_errors"]:
        lines.append(Text(f"{m['judge_errors']} judge error(s): not counted; re-run to "
                          "retry them", style="bold red"))
    return Group(*lines)



def proof(summary: Mapping[str, Any]) -> RenderableType:
    """Proofs: per problem judge scores, answer checks; points and percent; medal."""
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



def _agent_table(protocol: Mapping[str, Any]) -> RenderableType:
    """The agent protocol's episodes: how they ended, steps, format errors."""
    am = protocol["metrics"]
    t = Table(title=f"agent episodes (mini-swe-agent {protocol['params'].get('mini_swe_agent')}, "
                    f"step limit {protocol['params'].get('step_limit')})")
    t.add_column("exit status")
    t.add_column("episodes", justify="right")
    for status, n in am.get("exit_status", {}).items():
        t.add_row(status, str(n))
    if protocol.get("errors"):
        t.add_row(Text("episode error (retried next run)", style="red"), str(protocol["errors"]))
    steps = am.get("steps") or {}
    if steps.get("median") is not None:
        t.caption = (f"steps: median {steps['median']:g}, max {steps['max']}; "
                     f"format errors {am.get('format_errors', 0)}; "
                     f"empty patches {am.get('empty_patches', 0)}")
    return t


def swebench(summary: Mapping[str, Any]) -> RenderableType:
    """SWE-bench: resolved rate, by outcome and repository, official comparison."""
    from evalkit.swebench import report as rep

    m = summary["metrics"]
    total = summary["max_score"]
    head = Text.assemble(
        (f"{summary['benchmark']}: ", "bold"),
        (f"resolved {summary['score']}/{total} = {100 * m['resolved_rate']:.1f}%",
         "bold green"))
    outcomes = Table(title="by outcome")
    outcomes.add_column("outcome")
    outcomes.add_column("instances", justify="right")
    outcomes.add_column("%", justify="right")
    for o in rep.OUTCOMES:
        n = m["by_outcome"].get(o, 0)
        if n or o in (rep.RESOLVED, rep.UNRESOLVED):
            outcomes.add_row(rep.LABELS[o], str(n), f"{100 * n / total:.1f}" if total else "-")
    repos = Table(title="by repository")
    repos.add_column("repository")
    repos.add_column("resolved", justify="right")
    repos.add_column("total", justify="right")
    repos.add_column("%", justify="right")
    for name, r in m["by_repo"].items():
        repos.add_row(name, str(r["resolved"]), str(r["total"]),
                      f"{100 * r['resolved'] / r['total']:.1f}")
    parts: list[RenderableType] = [head, outcomes, repos]
    agent = summary.get("protocol") or {}
    if agent.get("name") == "agent" and agent.get("metrics"):
        parts.append(_agent_table(agent))
    js = m.get("judge_seconds") or {}
    if js.get("instances"):
        parts.append(Text(f"judging: {js['instances']} container run(s), median "
                          f"{js['median']:g} s, max {js['max']:g} s (container start to "
                          "verdict)", style="dim"))
    if m.get("judge_errors"):
        parts.append(Text(f"{m['judge_errors']} infrastructure error(s): not counted as "
                          "resolved; re-run the same command to retry them", style="red"))
    if m.get("official_comparison"):
        n = m["official_comparison"][0]["instances"]
        cmp_ = Table(title=f"beside official leaderboard runs, on the {n} judged instances "
                           "(closest 5 by agreement)")
        for col in ("official run", "official resolved", "both resolved", "agreement"):
            cmp_.add_column(col, justify="left" if col == "official run" else "right")
        for row in m["official_comparison"][:5]:
            cmp_.add_row(row["name"], str(row["official_resolved"]),
                         str(row["both_resolved"]), f"{100 * row['agreement']:.1f}%")
        parts.append(cmp_)
    return Group(*parts)



def math_answer(summary: Mapping[str, Any]) -> RenderableType:
    """Per-problem table and the avg@k / pass@k / maj@k line."""
    m = summary["metrics"]
    table = Table(title=f"{summary['benchmark']} — final-answer accuracy", title_justify="left")
    for col in ("problem", "correct", "accuracy", "majority answer", "gold"):
        table.add_column(col, justify="right" if col in ("correct", "accuracy") else "left",
                         overflow="fold", max_width=40 if col in ("majority answer", "gold")
                         else None)
    for pid, t in m["problems"].items():
        mark = "" if t["majority"] is None else (" ✓" if t["majority_correct"] else " ✗")
        table.add_row(pid, f"{t['correct']}/{t['samples']}", f"{t['accuracy']:.2f}",
                      f"{t['majority'] if t['majority'] is not None else '—'}{mark}",
                      str(t["gold"]))
    acc = m["accuracy"]
    table.add_section()
    table.add_row("all", "", f"{acc['mean']:.4f}", "", "")
    lines: list[RenderableType] = [table]
    k = m["samples_per_problem"]
    text = (f"avg@{k} = {100 * acc['mean']:.2f}% ± {100 * acc['stderr']:.2f} "
            f"(SE, {acc['n']} problems)")
    for name, key in (("pass", "pass_at_k"), ("maj", "maj_at_k")):
        if m[key]:
            text += "; " + ", ".join(f"{name}@{kk} {100 * v['mean']:.2f}%"
                                      for kk, v in m[key].items())
    lines.append(Text(text, style="bold"))
    if m["no_answer"]:
        lines.append(Text(f"{m['no_answer']} sample(s) had no final answer", style="dim"))
    if m["judge_errors"]:
        lines.append(Text(f"{m['judge_errors']} judge error(s): not counted; re-run to retry "
                          "them", style="bold red"))
    return Group(*lines)


def generic(summary: Mapping[str, Any]) -> RenderableType:
    """Any other summary: its headline, then its metrics as JSON."""
    h = summary.get("headline") or {}
    return Group(Text(f"{summary.get('benchmark')}: {h.get('name')} = {h.get('value')} "
                      f"(max {h.get('max')})", style="bold"),
                 Text(json.dumps(summary.get("metrics", {}), indent=1, default=str)[:4000]))


# adapter name (the spec's ``adapter``) -> its renderer.
RENDERERS: dict[str, Callable[[Mapping[str, Any]], RenderableType]] = {
    "ioi": ioi, "icpc": icpc, "livecodebench": livecodebench, "proof": proof,
    "swebench": swebench, "math_answer": math_answer,
}


def render_summary(adapter: str, summary: Mapping[str, Any]) -> RenderableType:
    """The console rendering of ``summary`` for a benchmark of ``adapter``."""
    return RENDERERS.get(adapter, generic)(summary)
