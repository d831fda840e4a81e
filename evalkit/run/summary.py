"""``summary.json``: the aggregate of a run and its headline contract, typed.

An adapter's scoring function returns the summary as a dict (its ``metrics`` are
its own detail); the pipeline checks it against this contract *when it is
written*, so a broken summary fails the run that made it, not a later table.
What tables, reports and the gate read is only :class:`Headline` and
:class:`ProblemValue` (docs/architecture.md, "The summary contract").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from evalkit.errors import EvalkitError
from evalkit.run.manifest import FORMAT_VERSION

AGGREGATES = ("sum", "mean")


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


@dataclass(frozen=True)
class Headline:
    """The one number a benchmark reports: ``value`` out of ``max`` in ``unit``."""

    name: str
    unit: str
    aggregate: str  # "sum" of per-problem values, or their "mean" (fractions in [0, 1])
    value: float
    max: float
    problems: int | None = None

    @property
    def is_fraction(self) -> bool:
        return self.aggregate == "mean"

    @classmethod
    def from_json(cls, summary: Mapping[str, Any], where: str) -> Self:
        """The summary's ``headline``, validated; errors name the file and field."""
        h = _field(summary, "headline", dict, where)
        w = f"{where}: headline"
        agg = _field(h, "aggregate", str, w)
        if agg not in AGGREGATES:
            raise EvalkitError(f"{w}: field 'aggregate' must be 'sum' or 'mean', not {agg!r}")
        n = h.get("problems")
        return cls(name=_field(h, "name", str, w), unit=_field(h, "unit", str, w),
                   aggregate=agg, value=_number(h, "value", w), max=_number(h, "max", w),
                   problems=int(n) if isinstance(n, int) and not isinstance(n, bool) else None)


@dataclass(frozen=True)
class ProblemValue:
    """One problem's contribution to the headline (``value`` of ``max``, headline unit)."""

    value: float
    max: float
    date: str | None = None  # ISO date (LiveCodeBench contest date), for by-month plots


@dataclass(frozen=True)
class Summary:
    """summary.json: contract fields typed, the adapter's detail kept as ``raw``."""

    benchmark: str
    headline: Headline
    problems: dict[str, ProblemValue]
    metrics: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    judge_key: str | None = None
    format_version: int = FORMAT_VERSION
    raw: dict[str, Any] = field(default_factory=dict, repr=False)  # the whole JSON object

    @classmethod
    def from_json(cls, d: Any, where: str = "summary.json") -> Self:
        """Parse and check a summary of any format; errors name ``where`` and the field."""
        if not isinstance(d, Mapping):
            raise EvalkitError(f"{where}: expected a JSON object")
        headline = Headline.from_json(d, where)
        raw = _field(d, "problems", dict, where)
        if not raw:
            raise EvalkitError(f"{where}: field 'problems' is empty")
        problems = {}
        for pid in sorted(raw):
            entry = raw[pid]
            w = f"{where}: problems.{pid}"
            if not isinstance(entry, Mapping):
                raise EvalkitError(f"{w}: expected an object with 'value' and 'max'")
            date = entry.get("date")
            problems[pid] = ProblemValue(_number(entry, "value", w), _number(entry, "max", w),
                                         str(date) if date is not None else None)
        metrics = d.get("metrics")
        return cls(benchmark=str(d.get("benchmark") or ""), headline=headline,
                   problems=problems, metrics=dict(metrics) if isinstance(metrics, dict) else {},
                   run_id=d.get("run_id"), judge_key=d.get("judge_key"),
                   format_version=int(d.get("format_version", 1)), raw=dict(d))

    def to_json(self) -> dict[str, Any]:
        """The JSON object written to summary.json (the adapter's keys, contract checked)."""
        return {**self.raw, "format_version": FORMAT_VERSION}


def headline(name: str, unit: str, aggregate: str, per_problem: Mapping[str, float],
             per_problem_max: Mapping[str, float]) -> dict[str, Any]:
    """The benchmark-independent part of a summary.

    ``per_problem[p]`` is problem p's contribution to the headline number in
    its unit; ``aggregate`` says how they combine: ``"sum"`` (IOI points, ICPC
    problems solved, IMO points) or ``"mean"`` (accuracy, pass@1, resolved
    rate, as fractions in [0, 1]).  Returns ``{"headline": ..., "problems": ...}``
    to merge into the summary.
    """
    if aggregate not in ("sum", "mean"):
        raise ValueError(f"aggregate must be 'sum' or 'mean', not {aggregate!r}")
    vals = list(per_problem.values())
    if aggregate == "sum":
        value, top = sum(vals), sum(per_problem_max.values())
    else:
        value, top = (sum(vals) / len(vals) if vals else 0.0), 1.0
    return {
        "headline": {"name": name, "unit": unit, "aggregate": aggregate,
                     "value": value, "max": top, "problems": len(vals)},
        "problems": {p: {"value": v, "max": per_problem_max[p]}
                     for p, v in per_problem.items()},
    }
