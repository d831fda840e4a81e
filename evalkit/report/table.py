"""The leaderboard: one row per model, one column group per benchmark.

Built only from the summary contract (:mod:`evalkit.results`): each cell is a
run's headline value with a bootstrap interval (:mod:`evalkit.stats.bootstrap`),
its sample count, and the medal when the summary reports one.  Footnotes carry
what makes numbers comparable (model revision, sampling, data, judge); runs of
one benchmark whose settings differ are marked, never silently merged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from evalkit.errors import EvalkitError
from evalkit.results import RunResult, protocol_label
from evalkit.stats.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap_interval

# Manifest fields that make two runs of one benchmark comparable.  The seed is
# left out on purpose: runs that differ only in seed are repeats, not different settings.
SETTING_KEYS = ("data_hash", "judge_key", "sampling", "samples", "data_window", "subset",
                "protocol")
MARKERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Column:
    """One benchmark's column group: its headline and its footnote."""

    benchmark: str
    name: str
    unit: str
    aggregate: str
    max: float
    note: int  # footnote number


@dataclass(frozen=True)
class Leaderboard:
    """Cells in a tidy frame (one row per model × benchmark), columns, rows, footnotes."""

    cells: pd.DataFrame
    columns: list[Column]
    rows: list[str]
    notes: list[str]
    level: float

    def cell(self, row: str, benchmark: str) -> Mapping[str, Any] | None:
        """The cell's fields, or None if the row has no run of ``benchmark``."""
        hit = self.cells[(self.cells["row"] == row) & (self.cells["benchmark"] == benchmark)]
        return None if hit.empty else hit.iloc[0].to_dict()


def settings_of(run: RunResult) -> dict[str, Any]:
    """The run's comparability settings (see :data:`SETTING_KEYS`)."""
    sampling = dict(run.manifest.get("sampling") or {})
    sampling.pop("seed", None)
    samples = run.manifest.get("samples")
    if isinstance(samples, dict):  # per-problem counts: summarise as one k when uniform
        counts = sorted(set(samples.values()))
        samples = counts[0] if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    subset = run.subset
    return {"data_hash": run.manifest.get("data_hash"), "judge_key": run.judge_key,
            "sampling": sampling, "samples": samples, "data_window": run.data_window,
            "subset": subset.describe() if subset else None,
            "protocol": protocol_label(run.manifest)}


def _row_labels(runs: Sequence[RunResult]) -> list[str]:
    """Row label per run: the model (with revision), split when a model repeats a benchmark."""
    base = [r.model + (f" @ {r.model_revision}" if r.model_revision else "") for r in runs]
    seen: dict[tuple[str, str], int] = {}
    for label, r in zip(base, runs, strict=True):
        seen[(label, r.benchmark)] = seen.get((label, r.benchmark), 0) + 1
    return [f"{label} [{r.run_id}]" if seen[(label, r.benchmark)] > 1 else label
            for label, r in zip(base, runs, strict=True)]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_describe(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _short(value: Any, n: int = 12) -> str:
    s = str(value)
    return s.split(":", 1)[-1][:n] if s and s != "None" else "?"


def _ci_text(runs: Sequence[RunResult], level: float, resamples: int, seed: int) -> str:
    nested = any(r.samples_are_means for r in runs)
    over = "problems and samples within problems" if nested else "problems"
    return (f"{level:.0%} CI: percentile bootstrap over {over} "
            f"({resamples} resamples, seed {seed})")


def _note(bench: str, runs: Sequence[RunResult], labels: Sequence[str], level: float,
          resamples: int, seed: int, groups: Mapping[str, str]) -> str:
    """The footnote for one benchmark: everything that makes its numbers comparable."""
    first = runs[0]
    h = first.headline
    parts = [f"{bench}: {h.name} ({h.unit}), {h.aggregate} over "
             f"{len(first.problems)} problems"]
    rule = first.metrics.get("score_rule")
    if rule:
        parts.append(str(rule))
    parts.append(_ci_text(runs, level, resamples, seed))
    # Settings shared by every run are stated once; differing ones per marker group.
    settings = [settings_of(r) for r in runs]
    shared = {k: v for k, v in settings[0].items() if all(s[k] == v for s in settings)}
    if shared.get("data_hash"):
        parts.append(f"data sha256 {_short(shared['data_hash'])}")
    if shared.get("subset"):
        parts.append(f"SUBSET RUN ({shared['subset']}), not the benchmark's score")
    if shared.get("data_window"):
        parts.append(f"data window {shared['data_window']}")
    if shared.get("protocol") not in (None, "single-shot"):
        parts.append(f"protocol {shared['protocol']}")
    judge = first.judge
    if "judge_key" in shared:
        bits = [f"judge {shared['judge_key'] or '?'}"]
        if judge.get("image_id"):
            bits.append(f"image {_short(judge['image_id'])}")
        if judge.get("limits"):
            bits.append(f"limits {_describe(judge['limits'])}")
        parts.append(", ".join(bits))
    if "sampling" in shared:
        parts.append(f"sampling {_describe(shared['sampling']) or 'default'}")
    if "samples" in shared:
        parts.append(f"samples per problem {shared['samples']}")
    revs = sorted({f"{r.model}: {r.model_revision}" for r in runs if r.model_revision})
    if revs:
        parts.append("model revisions " + "; ".join(revs))
    uppers = [(lab, r.metrics["upper_bound"]) for lab, r in zip(labels, runs, strict=True)
              if isinstance(r.metrics.get("upper_bound"), (int, float))]
    if uppers:
        why = first.metrics.get("upper_bound_rule") or "oracle"
        parts.append(f"upper bound ({why}), shown only as such: "
                     + "; ".join(f"{lab} {v:g}" for lab, v in uppers))
    cutoffs = first.metrics.get("medal_cutoffs")
    if isinstance(cutoffs, dict) and cutoffs:
        src = first.metrics.get("medal_source")
        parts.append("medal cut-offs " + ", ".join(f"{k} {v:g}" for k, v in cutoffs.items())
                     + (f" ({src})" if src else ""))
    if len(set(groups.values())) > 1:
        differing = [k for k in SETTING_KEYS if k not in shared]
        desc = []
        for marker in sorted(set(groups.values())):
            r = runs[[groups[x.run_id] for x in runs].index(marker)]
            s = settings_of(r)
            desc.append(f"({marker}) " + "; ".join(f"{k} {_describe(s[k])}" for k in differing))
        parts.append("SETTINGS DIFFER between rows, not comparable: " + " ".join(desc))
    return ". ".join(parts) + "."


def build_leaderboard(runs: Sequence[RunResult], level: float = 0.95,
                      resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Leaderboard:
    """The leaderboard of ``runs`` (any benchmarks, any models)."""
    if not runs:
        raise EvalkitError("no run directory given")
    ids = [r.run_id for r in runs]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise EvalkitError(f"run {dup[0]!r} given more than once")
    labels = _row_labels(runs)
    by_bench: dict[str, list[int]] = {}
    for i, r in enumerate(runs):
        by_bench.setdefault(r.benchmark, []).append(i)
    benches = sorted(by_bench)
    columns, notes, records = [], [], []
    for n, bench in enumerate(benches, start=1):
        idx = by_bench[bench]
        brs = [runs[i] for i in idx]
        heads = {(r.headline.name, r.headline.unit, r.headline.aggregate) for r in brs}
        if len(heads) > 1:
            raise EvalkitError(f"{bench}: runs report different headlines ({sorted(heads)}); "
                               f"compare runs of one evalkit version")
        # Settings groups: a marker per distinct setting, shown only when there are several.
        keys: list[str] = []
        groups: dict[str, str] = {}
        for r in brs:
            key = json.dumps(settings_of(r), sort_keys=True, default=str)
            if key not in keys:
                keys.append(key)
            groups[r.run_id] = MARKERS[keys.index(key) % len(MARKERS)]
        h = brs[0].headline
        columns.append(Column(bench, h.name, h.unit, h.aggregate,
                              max(r.headline.max for r in brs), n))
        notes.append(_note(bench, brs, [labels[i] for i in idx], level, resamples, seed, groups))
        for i in idx:
            r = runs[i]
            probs = list(r.problems.values())
            nested = r.samples_are_means
            samples = [list(p.samples) if p.samples else [p.value] for p in probs]
            ci = bootstrap_interval([p.value for p in probs], r.headline.aggregate,
                                    samples if nested else None, level, resamples, seed)
            kmin, kmax = r.samples_per_problem
            medal = r.metrics.get("medal")
            records.append({
                "row": labels[i], "benchmark": bench, "run_id": r.run_id, "model": r.model,
                "name": r.headline.name, "unit": r.headline.unit,
                "aggregate": r.headline.aggregate, "value": r.headline.value,
                "ci_low": ci.low, "ci_high": ci.high, "max": r.headline.max,
                "problems": len(probs), "samples_min": kmin, "samples_max": kmax,
                "medal": str(medal) if medal else "",
                "flag": "·".join(x for x in (groups[r.run_id] if len(keys) > 1 else "",
                                             "subset" if r.subset else "") if x),
            })
    cells = pd.DataFrame.from_records(records)
    rows = list(dict.fromkeys(labels))
    return Leaderboard(cells=cells, columns=columns, rows=rows, notes=notes, level=level)
