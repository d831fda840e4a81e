"""The run report has the official shape and buckets (SB:swebench/harness/reporting.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from evalkit.swebench import report as rep

REPO = Path(__file__).resolve().parents[2]


def outcomes() -> list[rep.InstanceOutcome]:
    pairs = [("a__x-1", rep.RESOLVED), ("a__x-2", rep.UNRESOLVED), ("b__y-1", rep.EMPTY_PATCH),
             ("b__y-2", rep.PATCH_FAILED), ("b__y-3", rep.TIMEOUT), ("b__y-4", rep.INFRA_ERROR),
             ("b__y-5", rep.NOT_SUBMITTED)]
    return [rep.InstanceOutcome(i, i.split("__")[0], o) for i, o in pairs]


def test_run_report_buckets_follow_the_official_harness():
    r = rep.run_report(outcomes())
    assert r["schema_version"] == 2 and r["total_instances"] == 7
    assert r["submitted_instances"] == 6 and r["incomplete_ids"] == ["b__y-5"]
    # Only instances with a report.json are completed.
    assert r["completed_ids"] == ["a__x-1", "a__x-2"]
    assert r["resolved_ids"] == ["a__x-1"] and r["unresolved_ids"] == ["a__x-2"]
    assert r["empty_patch_ids"] == ["b__y-1"]
    # No report: the official harness counts these as errors, never as unresolved.
    assert r["error_ids"] == ["b__y-2", "b__y-3", "b__y-4"]
    assert r["infra_failure_ids"] == ["b__y-4"]


def test_breakdown_by_outcome_and_repository():
    b = rep.breakdown(outcomes())
    assert b["by_outcome"][rep.RESOLVED] == 1 and sum(b["by_outcome"].values()) == 7
    assert b["by_repo"] == {"a": {"total": 2, "resolved": 1}, "b": {"total": 5, "resolved": 0}}


def test_official_verdicts_are_bundled_and_compared():
    runs = rep.load_official(REPO / "benchmarks" / "swebench_verified"
                             / "official_verdicts.json.gz")
    assert len(runs) == 25
    folder = "20251124_mini-v1.16.0_claude-opus-4-5-20251101"
    assert len(runs[folder]["resolved_ids"]) == 372  # 74.4% of 500
    official = set(runs[folder]["resolved_ids"])
    with gzip.open(REPO / "benchmarks" / "swebench_verified" / "instances.jsonl.gz", "rt") as f:
        ids = [json.loads(line)["instance_id"] for line in f]
    mine = {i: i in official for i in ids}
    rows = rep.compare_official(mine, runs, model="claude-opus-4-5")
    top = rows[0]
    assert top["run"] == folder and top["agreement"] == 1.0 and top["same_model"]
    assert sum(r["same_model"] for r in rows) == 1
    assert all(r["agreement"] < 1.0 for r in rows[1:])
    assert top["official_resolved"] == top["evalkit_resolved"] == top["both_resolved"] == 372
