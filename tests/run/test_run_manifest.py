"""The typed manifest and summary (evalkit/run): round trips, format 1, bad input."""

from __future__ import annotations

import pytest

from evalkit.errors import EvalkitError
from evalkit.run import FORMAT_VERSION, Manifest, Subset, Summary

BASE = {"benchmark": "aime2025", "data_hash": "abc", "model": "m",
        "backend": {"backend": "replay"}, "sampling": {"temperature": 0.0},
        "samples": {"p1": 2, "p2": 2}, "shard": None}


def test_manifest_round_trips_and_keeps_unknown_keys():
    m = Manifest.from_json({**BASE, "format_version": 2, "future_field": {"x": 1},
                            "subset": {"problems": ["p1"], "of": 30, "limit": 1}})
    assert m.subset == Subset(("p1",), 30, 1)
    out = m.to_json()
    assert out["future_field"] == {"x": 1}  # an older evalkit never drops a newer one's keys
    assert Manifest.from_json(out) == m


def test_format1_manifest_loads_and_maps_judge_settings_to_options():
    m = Manifest.from_json({**BASE, "judge_settings": {"timeout": 6, "clean_images": True},
                            "judge": {"judge_key": "k1"}})
    assert m.format_version == 1 and m.options == {"judge.timeout": 6,
                                                   "judge.clean_images": True}
    assert m.judge_key == "k1" and "judge_settings" not in m.to_json()


def test_identity_of_a_full_run_has_the_format1_keys_only():
    """Run ids hash the identity: a full run keeps the id format 1 gave it."""
    m = Manifest.from_json(BASE)
    assert set(m.identity()) == {"benchmark", "data_hash", "model", "backend", "sampling",
                                 "samples", "shard"}
    sub = m.with_(subset=Subset(("p1",), 2))
    assert sub.identity()["subset"]["problems"] == ["p1"]


@pytest.mark.parametrize("data, message", [
    ({**BASE, "format_version": FORMAT_VERSION + 1}, "newer than this evalkit"),
    ({**BASE, "format_version": "2"}, "format_version"),
    ({**BASE, "model": 3}, "field 'model'"),
    ({**BASE, "samples": [1]}, "field 'samples'"),
    ({**BASE, "samples": {"p1": "many"}}, "field 'samples'"),
    ({**BASE, "subset": {"of": 3}}, "field 'subset'"),
    ([], "expected a JSON object"),
])
def test_bad_manifest_is_a_one_line_error(data, message):
    with pytest.raises(EvalkitError, match=message) as e:
        Manifest.from_json(data, "run/manifest.json")
    assert str(e.value).startswith("run/manifest.json: ") and "\n" not in str(e.value)


def test_subset_describes_itself():
    s = Subset(("a", "b"), 30, limit=2, requested=("b", "a", "c"))
    assert s.describe() == "subset: 2 of 30 problems (--problems b,a,c --limit 2)"


SUMMARY = {"benchmark": "b", "score": 1, "max_score": 2, "metrics": {"x": 1},
           "headline": {"name": "acc", "unit": "fraction", "aggregate": "mean", "value": 0.5,
                        "max": 1.0, "problems": 2},
           "problems": {"p2": {"value": 1.0, "max": 1.0, "date": "2024-09-01"},
                        "p1": {"value": 0.0, "max": 1.0}}}


def test_summary_contract_parsed_and_adapter_detail_kept():
    s = Summary.from_json(SUMMARY)
    assert list(s.problems) == ["p1", "p2"] and s.problems["p2"].date == "2024-09-01"
    assert s.headline.aggregate == "mean" and s.metrics == {"x": 1}
    assert s.to_json()["score"] == 1 and s.to_json()["format_version"] == FORMAT_VERSION


@pytest.mark.parametrize("change, message", [
    ({"headline": None}, "field 'headline'"),
    ({"problems": {}}, "'problems' is empty"),
    ({"problems": {"p": {"value": float("nan"), "max": 1}}}, "not a finite number"),
    ({"headline": {**SUMMARY["headline"], "aggregate": "max"}}, "'sum' or 'mean'"),
])
def test_summary_breaking_the_contract_is_refused(change, message):
    with pytest.raises(EvalkitError, match=message):
        Summary.from_json({**SUMMARY, **change}, "summary.json")
