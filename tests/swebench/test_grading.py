"""Grading follows SWE-bench v5 (SB:swebench/harness/grading.py) through the official package.

Each case is one where a plausible naive rule ("not failed = passed", "exact ids",
"trust the PASSED lines") gives the opposite verdict.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from evalkit.swebench import grading
from evalkit.swebench.instances import Instance

START, END = ": '>>>>> Start Test Output'", ": '>>>>> End Test Output'"


def instance(base: Instance, f2p: list[str], p2p: list[str]) -> Instance:
    return dataclasses.replace(base, fail_to_pass=tuple(f2p), pass_to_pass=tuple(p2p))


def resolved(inst: Instance, body: str, tmp_path: Path, exit_code: int | None = 0) -> bool:
    log = f"+ git apply -v -\n{START}\n{body}\n{END}\n"
    if exit_code is not None:
        log += f">>>>> Test Exit Code: {exit_code}\n"
    path = tmp_path / "test_output.txt"
    path.write_text(log)
    pred = {"instance_id": inst.instance_id, "model_name_or_path": "t", "model_patch": "x"}
    return bool(grading.report(inst, pred, path)[inst.instance_id]["resolved"])


def test_skipped_fail_to_pass_test_is_not_a_resolution(sample_instances, tmp_path):
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f2p"], ["t.py::p2p"])
    assert not resolved(inst, "SKIPPED t.py::f2p\nPASSED t.py::p2p", tmp_path)
    assert resolved(inst, "PASSED t.py::f2p\nPASSED t.py::p2p", tmp_path)


def test_skipped_pass_to_pass_test_is_not_a_regression(sample_instances, tmp_path):
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f2p"], ["t.py::p2p"])
    assert resolved(inst, "PASSED t.py::f2p\nSKIPPED t.py::p2p", tmp_path)


def test_xfail_counts_as_passed(sample_instances, tmp_path):
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f2p"], [])
    assert resolved(inst, "XFAIL t.py::f2p - reason", tmp_path)


def test_a_test_missing_from_the_log_fails(sample_instances, tmp_path):
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f2p"], ["t.py::gone"])
    assert not resolved(inst, "PASSED t.py::f2p", tmp_path)


def test_truncated_id_matches_only_when_candidates_agree(sample_instances, tmp_path):
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f[a-b"], [])
    assert resolved(inst, "PASSED t.py::f[a-b-c]\nPASSED t.py::f[a-b-d]", tmp_path)
    assert not resolved(inst, "PASSED t.py::f[a-b-c]\nFAILED t.py::f[a-b-d] - x", tmp_path)


def test_passed_lines_with_a_failing_exit_code_are_not_trusted(sample_instances, tmp_path):
    # A patch could print PASSED lines itself (SWE-bench issue #620).
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f2p"], [])
    assert not resolved(inst, "PASSED t.py::f2p", tmp_path, exit_code=1)
    assert resolved(inst, "PASSED t.py::f2p", tmp_path, exit_code=0)


def test_only_the_text_between_the_markers_counts(sample_instances, tmp_path):
    inst = instance(sample_instances["evalkit-samples__statkit-1"], ["t.py::f2p"], [])
    path = tmp_path / "test_output.txt"
    path.write_text(f"PASSED t.py::f2p\n{START}\nFAILED t.py::f2p - boom\n{END}\n")
    pred = {"instance_id": inst.instance_id, "model_name_or_path": "t", "model_patch": "x"}
    assert not grading.report(inst, pred, path)[inst.instance_id]["resolved"]


def test_eval_script_records_the_test_exit_code(sample_instances):
    script = grading.eval_script(sample_instances["evalkit-samples__statkit-1"])
    assert script.startswith("#!/bin/bash\nset -uxo pipefail\n")
    i = script.index("SWEBENCH_TEST_EXIT_CODE=$?")
    assert i < script.index(END) < script.index('echo ">>>>> Test Exit Code: ')
