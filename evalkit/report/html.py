"""The static HTML report: one self-contained page (inline CSS and SVG, no script, no network).

Sections: the leaderboard (:func:`evalkit.report.formats.html_table`), the figures the
runs support (:mod:`evalkit.report.figures`), and a per-problem drill-down: the prompt
(when the benchmark's data is at hand), each run's samples with verdict, score, judge
messages and the answer or program, and for a multi-step protocol the whole episode
(:mod:`evalkit.report.episodes`: every step, action, verdict and the outcome, in order).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.extract.reasoning import split_reasoning
from evalkit.records import Judgement
from evalkit.report.episodes import RunEpisodes, episode_html, final_steps
from evalkit.report.figures import all_figures
from evalkit.report.formats import CSS, html_table, number
from evalkit.report.table import Leaderboard
from evalkit.results import RunResult
from evalkit.rundir import RunDir

MAX_SAMPLES_SHOWN = 5
MAX_TEXT = 12000
MAX_TEST_LINES = 8

PAGE_CSS = CSS + """
h1{font-size:1.5rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.figures{display:flex;flex-wrap:wrap;gap:1.2rem}
.figures figure{margin:0;max-width:100%;overflow-x:auto}
svg.plot{background:#fff;border:1px solid #d0d7de;border-radius:6px}
details{margin:.3rem 0}details>summary{cursor:pointer}
details.problem>summary{font-weight:600}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:28rem;white-space:pre-wrap;
font-size:.85em;border-radius:6px}
.run{margin:.4rem 0 .8rem 1rem}.sample{margin-left:1rem}
.verdict{font-family:ui-monospace,monospace;padding:0 .3rem;border-radius:4px;background:#eaeef2}
.verdict.ok{background:#dafbe1}.verdict.bad{background:#ffebe9}
.muted{color:#57606a;font-size:.9em}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more chars)"


def prompts_for(run: RunResult) -> dict[str, str]:
    """Problem prompts, as the run stored them (prompts.jsonl).

    A format-1 run (before prompts were stored) falls back to rebuilding them from the
    benchmark, when its code and the run's data are here (else empty).
    """
    from evalkit.run import RunStore

    stored = RunStore(run.path).prompts()
    if stored:
        return {pid: p.text for pid, p in stored.items()}
    from evalkit.benchmarks import load_benchmark

    data = run.manifest.get("data_dir")
    try:
        bench = load_benchmark(run.benchmark, Path(data) if data and Path(data).is_dir()
                               else None, run.record.options)
        if bench.data_hash() != run.manifest.get("data_hash"):
            return {}  # other data than the run's: its prompts could mislead
        problems = bench.problems()
    except (EvalkitError, OSError, KeyError, ValueError):
        return {}
    return {p.id: "\n\n".join(m.get("content", "") for m in p.messages) for p in problems}


def _judge_lines(details: Mapping[str, Any], judge_error: str | None) -> list[str]:
    """Judge messages worth reading: errors, messages, failing tests, subtasks."""
    out = []
    if judge_error:
        out.append(f"judge error: {judge_error}")
    for key in ("message", "compile_message", "error", "feedback", "reason"):
        val = details.get(key)
        if isinstance(val, str) and val.strip():
            out.append(f"{key}: {val.strip()[:1500]}")
    subs = details.get("subtasks")
    if isinstance(subs, list) and subs:
        out.append("subtasks: " + ", ".join(
            f"{s.get('name')} {number(float(s.get('score', 0)), 'sum')}/"
            f"{number(float(s.get('points', 0)), 'sum')}" for s in subs if isinstance(s, dict)))
    tests = details.get("tests")
    if isinstance(tests, dict) and tests:
        bad = [(k, t) for k, t in sorted(tests.items())
               if isinstance(t, dict) and t.get("verdict") not in (None, "AC")]
        out.append(f"tests: {len(tests) - len(bad)}/{len(tests)} accepted")
        for k, t in bad[:MAX_TEST_LINES]:
            out.append(f"  {k}: {t.get('verdict')} {t.get('message', '')} "
                       f"(time {t.get('time', '?')} s)".rstrip())
        if len(bad) > MAX_TEST_LINES:
            out.append(f"  … {len(bad) - MAX_TEST_LINES} more failing tests")
    return out


def _sample_html(run: RunResult, rd: RunDir, pid: str, gens: Mapping[tuple[str, int], Any],
                 judged: Mapping[tuple[str, int], Judgement],
                 episodes: RunEpisodes | None = None) -> str:
    rows = run.judgements[run.judgements["problem_id"] == pid]
    parts = []
    for _, row in rows.head(MAX_SAMPLES_SHOWN).iterrows():
        key = (pid, int(row["sample"]))
        j = judged.get(key)
        ok = row["score"] >= row["max_score"] > 0
        verdict = (f'<span class="verdict {"ok" if ok else "bad"}">{_e(row["verdict"])}</span>')
        head = (f"sample {key[1]}: {verdict} score {number(float(row['score']), 'sum')}/"
                f"{number(float(row['max_score']), 'sum')}")
        body = []
        lines = _judge_lines(j.details if j else {}, j.judge_error if j else None)
        if lines:
            body.append("<pre class=\"judge\">" + _e("\n".join(lines)) + "</pre>")
        g = gens.get(key)
        if g is not None:
            split = split_reasoning(g.response, g.reasoning)
            body.append("<div class=\"muted\">answer / program</div><pre class=\"answer\">"
                        + _e(_clip(split.answer)) + "</pre>")
            if split.reasoning:
                body.append(f"<details><summary class=\"muted\">reasoning "
                            f"({len(split.reasoning)} chars)</summary><pre>"
                            + _e(_clip(split.reasoning, 4000)) + "</pre></details>")
        if episodes is not None:
            body.append(episode_html(episodes, key))
        parts.append(f'<details class="sample"><summary>{head}</summary>{"".join(body)}'
                     "</details>")
    more = len(rows) - MAX_SAMPLES_SHOWN
    if more > 0:
        parts.append(f'<p class="muted sample">… {more} more samples in '
                     f"{_e(rd.judgements_path.name)}</p>")
    return "".join(parts)


def drilldown(runs: Sequence[RunResult], labels: Mapping[str, str]) -> str:
    """Per benchmark, per problem: prompt, then each run's value and samples."""
    out = []
    for bench in sorted({r.benchmark for r in runs}):
        brs = [r for r in runs if r.benchmark == bench]
        prompts: dict[str, str] = {}
        for r in brs:
            prompts = prompts or prompts_for(r)
        out.append(f'<h3 id="problems-{_e(bench)}">{_e(bench)}</h3>')
        cache = {r.run_id: (RunDir(r.path), final_steps(r.path),
                            RunDir(r.path).judgements(r.judge_key), RunEpisodes.load(r.path))
                 for r in brs}
        for pid in sorted({p for r in brs for p in r.problems}):
            values = ", ".join(
                f"{labels[r.run_id]} {number(r.problems[pid].value, r.headline.aggregate)}"
                for r in brs if pid in r.problems)
            inner = []
            if pid in prompts:
                inner.append("<details><summary class=\"muted\">prompt</summary><pre>"
                             + _e(_clip(prompts[pid])) + "</pre></details>")
            for r in brs:
                if pid not in r.problems:
                    continue
                p = r.problems[pid]
                rd, gens, judged, eps = cache[r.run_id]
                inner.append(
                    f'<div class="run"><strong>{_e(labels[r.run_id])}</strong> '
                    f"{number(p.value, 'sum')}/{number(p.max, 'sum')} "
                    f'<span class="muted">({len(p.samples)} judged samples; run '
                    f"{_e(r.run_id)})</span>{_sample_html(r, rd, pid, gens, judged, eps)}</div>")
            out.append(f'<details class="problem" id="p-{_e(bench)}-{_e(pid)}"><summary>'
                       f"{_e(pid)} <span class=\"muted\">{_e(values)}</span></summary>"
                       + "".join(inner) + "</details>")
    return "\n".join(out)


def render_report(lb: Leaderboard, runs: Sequence[RunResult], title: str = "evalkit report"
                  ) -> str:
    """The whole report page as one HTML string."""
    labels = {r.run_id: str(lb.cells[lb.cells["run_id"] == r.run_id]["row"].iloc[0])
              for r in runs}
    figs = all_figures(lb, runs)
    fig_html = "\n".join(f'<figure data-kind="{f.kind}">{f.svg}</figure>' for f in figs)
    run_list = "".join(f"<li><code>{_e(r.run_id)}</code>: {_e(r.benchmark)}, "
                       f"{_e(labels[r.run_id])}, evalkit {_e(r.manifest.get('evalkit_version'))}"
                       f" ({_e(str(r.manifest.get('git_sha') or '?')[:12])})</li>"
                       for r in runs)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width\">\n<title>{_e(title)}</title>\n"
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n<h1>{_e(title)}</h1>\n"
        "<h2 id=\"leaderboard\">Leaderboard</h2>\n" + html_table(lb)
        + "<h2 id=\"figures\">Figures</h2>\n<div class=\"figures\">\n" + fig_html + "\n</div>\n"
        + "<h2 id=\"problems\">Problems</h2>\n" + drilldown(runs, labels)
        + f"\n<h2 id=\"runs\">Runs</h2>\n<ul class=\"muted\">{run_list}</ul>\n</body>\n</html>\n")
