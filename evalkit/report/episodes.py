"""The drill-down view of an episode: its steps and actions in the order they happened.

Every protocol's record reads the same way: model steps (``generations.jsonl``, with
their label: a contest round's candidates, a TIR turn, an agent's turn) interleaved with
the actions between them (``episodes.jsonl``: sample checks, tool calls, an agent's
commands with their output), then the verdicts the protocol asked for and its outcome.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.episodes.journal import EpisodeRecords, Journal
from evalkit.records import Generation
from evalkit.run import RunStore

MAX_ITEMS = 200  # rows shown per episode (an agent may take hundreds of steps)
MAX_CHARS = 3000  # per row


@dataclass
class RunEpisodes:
    """One run's episodes, read once for the report."""

    records: dict[tuple[str, int], EpisodeRecords] = field(default_factory=dict)
    steps: dict[tuple[str, int], list[Generation]] = field(default_factory=dict)

    @classmethod
    def load(cls, run_dir: Path) -> RunEpisodes | None:
        """The run's episodes, or None for a single-shot run."""
        journal = Journal(run_dir)
        if not journal.exists():
            return None
        out = cls(records=journal.read())
        for g in RunStore(run_dir).all_generations():
            out.steps.setdefault(g.key, []).append(g)
        for gens in out.steps.values():
            gens.sort(key=lambda g: g.step)
        return out


def _e(text: object) -> str:
    return html.escape(str(text))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else \
        text[:MAX_CHARS] + f"\n… ({len(text) - MAX_CHARS} more chars)"


def _json(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=1, ensure_ascii=False, default=str)


def timeline(eps: RunEpisodes, key: tuple[str, int]) -> list[tuple[str, str]]:
    """(heading, body) rows of episode ``key`` in the order they happened: each step, the
    actions taken after it (by their ``at_step``; older journals: after every step), the
    verdicts, then the outcome."""
    rec = eps.records.get(key)
    steps = eps.steps.get(key, [])
    acts = list(rec.acts) if rec else []
    rows: list[tuple[str, str]] = []

    def acts_before(step: int | None) -> None:
        while acts and (step is None or int(acts[0].get("at_step", 1 << 60)) <= step):
            a = acts.pop(0)
            rows.append((f"action {a.get('seq')}: {a.get('label')}", _json(a.get("result"))))

    for g in steps:
        acts_before(g.step)
        label = g.meta.get("label") or "step"
        tokens = f", {g.completion_tokens} tokens" if g.completion_tokens is not None else ""
        rows.append((f"step {g.step}: {label} ({g.finish_reason or '?'}{tokens})",
                     g.response if not g.error else f"error: {g.error}"))
    acts_before(None)
    if rec is not None:
        for step, j in sorted(rec.judges.items()):
            v = j.get("judgement") or {}
            rows.append((f"verdict on step {step}",
                         f"{v.get('verdict')} {v.get('score')}/{v.get('max_score')}"))
        if rec.final is not None:
            f = rec.final
            what = f"error: {f.error}" if f.error else \
                f"judged step {f.step}" if f.step is not None else \
                "judged by the protocol" if f.judged else "no outcome"
            rows.append(("outcome", what + ("\n" + _json(f.metrics) if f.metrics else "")))
    return rows


def episode_html(eps: RunEpisodes, key: tuple[str, int]) -> str:
    """The collapsible episode section of one sample ('' when it has no record)."""
    rows = timeline(eps, key)
    if not rows:
        return ""
    shown = rows[:MAX_ITEMS]
    more = len(rows) - len(shown)
    body = "".join(f"<details><summary class=\"muted\">{_e(h)}</summary><pre>{_e(_clip(b))}"
                   "</pre></details>" for h, b in shown)
    if more:
        body += f"<p class=\"muted\">… {more} more rows in episodes.jsonl</p>"
    n = len(eps.steps.get(key, []))
    return (f"<details class=\"episode\"><summary class=\"muted\">episode: {n} steps, "
            f"{len(rows) - n} actions, verdicts and outcome</summary>{body}</details>")


def final_steps(run_dir: Path) -> Mapping[tuple[str, int], Generation]:
    """The generation a sample's answer is (single-shot: its only one; episodes: the final
    step, when the protocol named one)."""
    return RunStore(run_dir).generations()
