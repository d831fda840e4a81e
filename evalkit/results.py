"""Finished runs as typed records, for tables, reports and the regression gate.

Reads only what the summary contract guarantees (docs/architecture.md, "The summary
contract"): ``manifest.json``; ``summary.json`` with ``headline`` and ``problems``;
``judgements.jsonl`` with per (problem, sample) ``score``/``max_score``/``verdict``.
Nothing here knows a benchmark's rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evalkit.errors import EvalkitError
from evalkit.model.naming import model_label
from evalkit.rundir import RunDir

AGGREGATES = ("sum", "mean")
# A problem's value is "the mean of its samples" when they agree this closely.
_MEAN_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Headline:
    """The one number a benchmark reports: ``value`` out of ``max`` in ``unit``."""

    name: str
    unit: str
    aggregate: str  # "sum" of per-problem values, or their "mean" (fractions in [0, 1])
    value: float
    max: float

    @property
    def is_fraction(self) -> bool:
        return self.aggregate == "mean"


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
    manifest: dict[str, Any]
    summary: dict[str, Any]
    headline: Headline
    problems: dict[str, ProblemResult]
    judgements: pd.DataFrame = field(repr=False)  # problem_id, sample, score, max_score, verdict

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


def _field(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise EvalkitError(f"{where}: missing field '{key}'")
    val = obj[key]
    if isinstance(val, bool) or not isinstance(val, kind):
        raise EvalkitError(f"{where}: field '{key}' has the wrong type ({type(val).__name__})")
    return val


def _number(obj: Mapping[str, Any], key: str, where: str) -> float:
    val = float(_field(obj, key, (int, float), where))
    if not math.isfinite(val):
        raise EvalkitError(f"{where}: field '{key}' is not a finite number")
    return val


def parse_headline(summary: Mapping[str, Any], where: str) -> Headline:
    """The summary's ``headline``, validated; errors name the file and field."""
    h = _field(summary, "headline", dict, where)
    w = f"{where}: headline"
    agg = _field(h, "aggregate", str, w)
    if agg not in AGGREGATES:
        raise EvalkitError(f"{w}: field 'aggregate' must be 'sum' or 'mean', not {agg!r}")
    return Headline(name=_field(h, "name", str, w), unit=_field(h, "unit", str, w),
                    aggregate=agg, value=_number(h, "value", w), max=_number(h, "max", w))


def _judgement_frame(rd: RunDir, judge_key: str | None) -> pd.DataFrame:
    rows = [{"problem_id": j.problem_id, "sample": j.sample, "score": float(j.score),
             "max_score": float(j.max_score), "verdict": j.verdict,
             "judge_error": j.judge_error}
            for j in rd.judgements(judge_key).values()]
    cols = ["problem_id", "sample", "score", "max_score", "verdict", "judge_error"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["problem_id", "sample"], kind="stable").reset_index(drop=True)


def load_run(path: Path) -> RunResult:
    """Load one run directory; a missing file or contract field is a one-line error."""
    path = Path(path)
    rd = RunDir(path)
    if not rd.exists():
        raise EvalkitError(f"{path}: not a run directory (no manifest.json)")
    manifest = rd.read_manifest()
    where = str(rd.summary_path)
    if not rd.summary_path.exists():
        raise EvalkitError(f"{where}: missing (the run has not been scored yet: "
                           f"run `evalkit judge {path}`)")
    from evalkit.rundir import read_json

    summary = read_json(rd.summary_path)
    if not isinstance(summary, dict):
        raise EvalkitError(f"{where}: expected a JSON object")
    headline = parse_headline(summary, where)
    raw = _field(summary, "problems", dict, where)
    if not raw:
        raise EvalkitError(f"{where}: field 'problems' is empty")
    judge_key = summary.get("judge_key") or (manifest.get("judge") or {}).get("judge_key")
    frame = _judgement_frame(rd, judge_key)
    valid = frame[frame["judge_error"].isna()]
    samples: dict[str, list[tuple[float, float]]] = {}
    for row in valid.itertuples(index=False):
        samples.setdefault(str(row.problem_id), []).append(
            (float(row.score), float(row.max_score)))  # type: ignore[arg-type]
    problems: dict[str, ProblemResult] = {}
    for pid in sorted(raw):
        entry = raw[pid]
        w = f"{where}: problems.{pid}"
        if not isinstance(entry, dict):
            raise EvalkitError(f"{w}: expected an object with 'value' and 'max'")
        value, top = _number(entry, "value", w), _number(entry, "max", w)
        scaled = tuple((s / m * top) if m else 0.0 for s, m in samples.get(pid, []))
        date = entry.get("date")
        problems[pid] = ProblemResult(pid, value, top, scaled,
                                      str(date) if date is not None else None)
    return RunResult(path=path, manifest=manifest, summary=summary, headline=headline,
                     problems=problems, judgements=frame)


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
