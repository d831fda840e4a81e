"""Loading SWE-bench v5 rows: the bundled Verified 500, and clear errors on bad rows."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.swebench.instances import load_jsonl

REPO = Path(__file__).resolve().parents[2]
VERIFIED = REPO / "benchmarks" / "swebench_verified" / "instances.jsonl.gz"


def test_bundled_verified_has_the_500_instances_with_v5_fields():
    insts = load_jsonl(VERIFIED)
    assert len(insts) == 500
    by_repo = Counter(i.repo.split("/")[1] for i in insts)
    assert by_repo["django"] == 231 and by_repo["sympy"] == 75 and by_repo["flask"] == 1
    # FAIL_TO_PASS / PASS_TO_PASS are JSON strings in the dataset, lists here.
    assert sum(len(i.fail_to_pass) for i in insts) == 1516
    assert sum(len(i.pass_to_pass) for i in insts) == 60136
    first = insts[0]
    assert first.image == "swebench/sweb.eval.x86_64.astropy_1776_astropy-12907:latest"
    assert first.log_parser == "parse_log_astropy" and first.eval_type == "pass_and_fail"
    assert ": '>>>>> Start Test Output'" in first.eval_script


def write(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "instances.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def row(sample_instances, **change):
    base = dict(next(iter(sample_instances.values())).row)
    base.update(change)
    return {k: v for k, v in base.items() if v is not None}


def test_missing_v5_field_names_file_line_and_field(tmp_path, sample_instances):
    r = row(sample_instances)
    del r["eval_script"]
    with pytest.raises(EvalkitError, match=r"instances.jsonl:1: missing field 'eval_script'"):
        load_jsonl(write(tmp_path, [r]))


def test_unknown_log_parser_is_named(tmp_path, sample_instances):
    with pytest.raises(EvalkitError, match=r":1: unknown log_parser 'parse_log_nope'"):
        load_jsonl(write(tmp_path, [row(sample_instances, log_parser="parse_log_nope")]))


def test_test_lists_must_be_json_lists(tmp_path, sample_instances):
    with pytest.raises(EvalkitError, match=r":1: field 'FAIL_TO_PASS' is not a JSON list"):
        load_jsonl(write(tmp_path, [row(sample_instances, FAIL_TO_PASS="[oops")]))


def test_duplicate_instance_is_an_error(tmp_path, sample_instances):
    r = row(sample_instances)
    with pytest.raises(EvalkitError, match=r":2: duplicate instance_id"):
        load_jsonl(write(tmp_path, [r, r]))
