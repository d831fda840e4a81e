"""Finished runs as typed records, for tables, reports and the regression gate.

Reads only what the summary contract guarantees (docs/architecture.md, "The summary
contract"): ``manifest.json``; ``summary.json`` with ``headline`` and ``problems``;
``judgements.jsonl`` with per (problem, sample) ``score``/``max_score``/``verdict``.
Nothing here knows a benchmark's rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evalkit.errors import EvalkitError
from evalkit.model.naming import model_label
from evalkit.run import Headline, Manifest, RunStore, Subset, Summary
from evalkit.run.summary import AGGREGATES

__all__ = ["AGGREGATES", "Headline", "ProblemResult", "RunResult", "find_runs", "load_run",
           "load_runs", "parse_headline"]

# A problem's value is "the mean of its samples" when they agree this closely.
_MEAN_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ProblemResult:
    """One problem's contribution to the headline, and its samples in the headline's unit."""

    id: str
    value: float
    max: float
    # Each judged sample's score scaled to the problem's ``max`` (score / max_score * max).
    samples: tuple[float, ...] = ()
    date: str | None = None  # optional (e.g. LiveCodeBench contest date), for by-month plots

    @property
    def value_is_sample_mean(self) -> bool:
        """Whether the problem's value is the mean of its samples (avg@k-like).

        Only then does resampling samples say anything about the value; a
        best-of value (IOI over 50 submissions, solved@k) is not a mean.
        """
        return bool(self.samples) and abs(
            sum(self.samples) / len(self.samples) - self.value) <= _MEAN_TOLERANCE * max(
            1.0, abs(self.max))


@dataclass(frozen=True)
class RunResult:
    """A run directory, loaded: manifest, summary, per-problem values, judged samples."""

    path: Path
    manifest: dict[str, Any]  # manifest.json as stored (the typed view: ``record``)
    summary: dict[str, Any]
    headline: Headline
    problems: dict[str, ProblemResult]
    judgements: pd.DataFrame = field(repr=False)  # problem_id, sample, score, max_score, verdict

    @property
    def record(self) -> Manifest:
        """The manifest, typed (any format)."""
        return Manifest.from_json(self.manifest, str(self.path / "manifest.json"))

    @property
    def subset(self) -> Subset | None:
        """The problems this run covers when it is not the whole benchmark (else None)."""
        return self.record.subset

    @property
    def run_id(self) -> str:
        return str(self.summary.get("run_id") or self.manifest.get("run_id") or self.path.name)

    @property
    def benchmark(self) -> str:
        return str(self.summary.get("benchmark") or self.manifest.get("benchmark"))

    @property
    def model(self) -> str:
        """The readable model name (``--model-name``, else the checkpoint folder's name)."""
        name = self.manifest.get("model_name")
        return str(name) if name else model_label(self.model_id)

    @property
    def model_id(self) -> str:
        """The model as given to the run: a directory path, hub id or served name."""
        return str(self.manifest.get("model") or "unknown")

    @property
    def metrics(self) -> dict[str, Any]:
        m = self.summary.get("metrics")
        return m if isinstance(m, dict) else {}

    @property
    def judge(self) -> dict[str, Any]:
        j = self.manifest.get("judge")
        return j if isinstance(j, dict) else {}

    @property
    def judge_key(self) -> str | None:
        key = self.summary.get("judge_key") or self.judge.get("judge_key")
        return str(key) if key else None

    @property
    def samples_are_means(self) -> bool:
        """Whether some problem has several samples and every such problem's value is their
        mean, so that the nested bootstrap may resample samples (see ProblemResult)."""
        multi = [p for p in self.problems.values() if len(p.samples) > 1]
        return bool(multi) and all(p.value_is_sample_mean for p in multi)

    @property
    def samples_per_problem(self) -> tuple[int, int]:
        """(fewest, most) judged samples over the problems."""
        counts = [len(p.samples) for p in self.problems.values()]
        return (min(counts), max(counts)) if counts else (0, 0)

    @property
    def model_revision(self) -> str | None:
        """The model's revision, if the manifest or backend info records one."""
        backend = self.manifest.get("backend")
        for src in (self.manifest, backend if isinstance(backend, dict) else {}):
            for key in ("model_revision", "revision", "checkpoint"):
                if src.get(key):
                    return str(src[key])
        return None

    @property
    def data_window(self) -> str | None:
        """The data's date window (e.g. LiveCodeBench releases), if recorded."""
        for src in (self.manifest, self.summary, self.metrics):
            w = src.get("data_window") or src.get("window")
            if w:
                if isinstance(w, Mapping):
                    # LiveCodeBench writes {"start": None, "end": None} for "no window".
                    ends = [w.get(k) for k in ("start", "end")]
                    if all(e is None for e in ends):
                        continue
                    return "–".join("" if e is None else str(e) for e in ends)
                if isinstance(w, Sequence) and not isinstance(w, str):
                    return "–".join(str(x) for x in w)
                return str(w)
        return None

    def values(self, ids: Sequence[str] | None = None) -> np.ndarray:
        """Per-problem values in ``ids`` order (default: sorted problem ids)."""
        ids = sorted(self.problems) if ids is None else ids
        return np.array([self.problems[p].value for p in ids], dtype=float)


def parse_headline(summary: Mapping[str, Any], where: str) -> Headline:
    """The summary's ``headline``, validated; errors name the file and field."""
    return Headline.from_json(summary, where)


def _judgement_frame(rd: RunStore, judge_key: str | None) -> pd.DataFrame:
    rows = [{"problem_id": j.problem_id, "sample": j.sample, "score": float(j.score),
             "max_score": float(j.max_score), "verdict": j.verdict,
             "judge_error": j.judge_error}
            for j in rd.judgements(judge_key).values()]
    cols = ["problem_id", "sample", "score", "max_score", "verdict", "judge_error"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["problem_id", "sample"], kind="stable").reset_index(drop=True)


def load_run(path: Path) -> RunResult:
    """Load one run directory (any format); a missing file or contract field is a one-line
    error."""
    path = Path(path)
    rd = RunStore(path)
    if not rd.exists():
        raise EvalkitError(f"{path}: not a run directory (no manifest.json)")
    raw = rd.dir.read_manifest()
    manifest = Manifest.from_json(raw, str(rd.dir.manifest_path))
    summary: Summary = rd.summary()
    judge_key = summary.judge_key or manifest.judge_key
    frame = _judgement_frame(rd, judge_key)
    valid = frame[frame["judge_error"].isna()]
    samples: dict[str, list[tuple[float, float]]] = {}
    for row in valid.itertuples(index=False):
        samples.setdefault(str(row.problem_id), []).append(
            (float(row.score), float(row.max_score)))  # type: ignore[arg-type]
    problems: dict[str, ProblemResult] = {}
    for pid, entry in summary.problems.items():
        top = entry.max
        scaled = tuple((s / m * top) if m else 0.0 for s, m in samples.get(pid, []))
        problems[pid] = ProblemResult(pid, entry.value, top, scaled, entry.date)
    return RunResult(path=path, manifest=raw, summary=summary.raw,
                     headline=summary.headline, problems=problems, judgements=frame)


def find_runs(paths: Sequence[Path]) -> list[Path]:
    """Run directories named by ``paths``: each is a run, or a folder of runs (sorted)."""
    if not paths:
        raise EvalkitError("no run directory given")
    out: list[Path] = []
    for p in map(Path, paths):
        if (p / "manifest.json").exists():
            out.append(p)
            continue
        if not p.is_dir():
            raise EvalkitError(f"{p}: no such run directory")
        inner = sorted(c for c in p.iterdir() if (c / "manifest.json").exists())
        if not inner:
            raise EvalkitError(f"{p}: not a run directory (no manifest.json), nor a folder "
                               "of run directories")
        out.extend(inner)
    return out


def load_runs(paths: Sequence[Path]) -> list[RunResult]:
    """Load the runs named by ``paths`` (see :func:`find_runs`), in order."""
    return [load_run(p) for p in find_runs(paths)]


def protocol_label(manifest: Mapping[str, Any]) -> str:
    """"single-shot", or a run's protocol and its parameters (``contest rounds=50 ...``),
    for table footnotes and gate messages."""
    proto = manifest.get("protocol")
    if not isinstance(proto, Mapping):
        return "single-shot"
    params = {k: v for k, v in proto.items() if k != "name"}
    return " ".join([str(proto.get("name")),
                     *(f"{k}={json.dumps(v, sort_keys=True)}" for k, v in sorted(params.items()))])
