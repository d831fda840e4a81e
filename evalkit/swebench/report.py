"""Run reports: the official run-report shape, evalkit's breakdowns, official verdicts.

The run report mirrors SB:swebench/harness/reporting.py ``make_run_report``
(v5, ``schema_version`` 2): instances without a prediction are *incomplete*;
empty patches are not run (``empty_patch``); instances with a report are
*completed* and either resolved or unresolved; everything that produced no
report (patch that did not apply, timeout, infrastructure failure) is an
*error*.  The resolved rate is resolved / total instances, as on the leaderboard.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Outcomes of one prediction, in display order.
RESOLVED = "resolved"
UNRESOLVED = "unresolved"
EMPTY_PATCH = "empty_patch"
PATCH_FAILED = "patch_failed"
TIMEOUT = "timeout"
INFRA_ERROR = "infra_error"
NOT_SUBMITTED = "not_submitted"
OUTCOMES = (RESOLVED, UNRESOLVED, EMPTY_PATCH, PATCH_FAILED, TIMEOUT, INFRA_ERROR,
            NOT_SUBMITTED)
LABELS = {RESOLVED: "resolved", UNRESOLVED: "unresolved", EMPTY_PATCH: "empty patch",
          PATCH_FAILED: "patch failed to apply", TIMEOUT: "timeout",
          INFRA_ERROR: "infrastructure error", NOT_SUBMITTED: "no prediction"}


@dataclass(frozen=True)
class InstanceOutcome:
    """One instance's outcome, as the reports need it."""

    instance_id: str
    repo: str
    outcome: str


def run_report(outcomes: list[InstanceOutcome]) -> dict[str, Any]:
    """The official run report (``<model>.<run_id>.json``) for these outcomes."""
    by: dict[str, set[str]] = {o: set() for o in OUTCOMES}
    for x in outcomes:
        by[x.outcome].add(x.instance_id)
    submitted = {x.instance_id for x in outcomes if x.outcome != NOT_SUBMITTED}
    completed = by[RESOLVED] | by[UNRESOLVED]
    errors = by[PATCH_FAILED] | by[TIMEOUT] | by[INFRA_ERROR]
    reasons = {**{i: "tests_timed_out" for i in by[TIMEOUT]},
               **{i: "infrastructure_error" for i in by[INFRA_ERROR]}}
    return {
        "total_instances": len(outcomes),
        "submitted_instances": len(submitted),
        "completed_instances": len(completed),
        "resolved_instances": len(by[RESOLVED]),
        "unresolved_instances": len(by[UNRESOLVED]),
        "infra_failure_instances": len(by[INFRA_ERROR]),
        "ambiguous_failure_instances": len(by[TIMEOUT]),
        "empty_patch_instances": len(by[EMPTY_PATCH]),
        "error_instances": len(errors),
        "completed_ids": sorted(completed),
        "incomplete_ids": sorted(by[NOT_SUBMITTED]),
        "empty_patch_ids": sorted(by[EMPTY_PATCH]),
        "submitted_ids": sorted(submitted),
        "resolved_ids": sorted(by[RESOLVED]),
        "unresolved_ids": sorted(by[UNRESOLVED]),
        "infra_failure_ids": sorted(by[INFRA_ERROR]),
        "ambiguous_failure_ids": sorted(by[TIMEOUT]),
        "failure_reasons": dict(sorted(reasons.items())),
        "error_ids": sorted(errors),
        "schema_version": 2,
    }


def breakdown(outcomes: list[InstanceOutcome]) -> dict[str, Any]:
    """Counts by outcome, and resolved / total by repository."""
    by_outcome = Counter(x.outcome for x in outcomes)
    repos: dict[str, dict[str, int]] = {}
    for x in outcomes:
        r = repos.setdefault(x.repo, {"total": 0, "resolved": 0})
        r["total"] += 1
        r["resolved"] += x.outcome == RESOLVED
    return {"by_outcome": {o: by_outcome.get(o, 0) for o in OUTCOMES},
            "by_repo": dict(sorted(repos.items()))}


def load_official(path: Path) -> dict[str, Any]:
    """Official per-instance verdicts (see benchmarks/swebench_verified/PROVENANCE.md)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(json.load(f)["runs"])


def compare_official(resolved: Mapping[str, bool], runs: Mapping[str, Any],
                     model: str | None = None) -> list[dict[str, Any]]:
    """evalkit's verdicts beside each official run, on the instances both judged.

    ``agreement`` is the share of common instances with the same verdict; a run
    whose folder or name contains ``model`` (case-insensitive) is flagged
    ``same_model``.  Sorted by agreement, then by run folder.
    """
    ids = set(resolved)
    rows = []
    needle = (model or "").lower()
    for folder, run in runs.items():
        official = set(run["resolved_ids"])
        common = ids  # every official run covers all 500 instances
        agree = sum((i in official) == bool(resolved[i]) for i in common)
        rows.append({
            "run": folder, "name": run["name"],
            "reported_resolved_pct": run["reported_resolved_pct"],
            "instances": len(common),
            "official_resolved": len(official & common),
            "evalkit_resolved": sum(bool(resolved[i]) for i in common),
            "both_resolved": sum(bool(resolved[i]) for i in official & common),
            "agreement": agree / len(common) if common else 0.0,
            "same_model": bool(needle) and (needle in folder.lower()
                                            or needle in run["name"].lower()),
        })
    return sorted(rows, key=lambda r: (-r["agreement"], r["run"]))
