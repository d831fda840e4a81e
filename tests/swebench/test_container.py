"""Running one instance: real images, real git and patch, real pytest in a container.

Each case checks what the official harness (SB:swebench/harness/run_evaluation.py)
would do with the same patch: which command of the apply chain applies it, whether
the eval script runs, and the verdict the official grading gives on the real log.
"""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest

from evalkit.swebench import grading
from evalkit.swebench.container import InfraError, run_instance
from evalkit.swebench.instances import Instance

pytestmark = [pytest.mark.docker, pytest.mark.slow]

STATKIT = "evalkit-samples__statkit-1"
TEXTKIT = "evalkit-samples__textkit-1"


def run(inst: Instance, patch: str, log_dir: Path, timeout: float = 120, image: str = ""):
    client = docker.from_env()
    try:
        return run_instance(client, instance_id=inst.instance_id, image=image or inst.image,
                            patch=patch, eval_script=grading.eval_script(inst),
                            timeout=timeout, log_dir=log_dir, pull=False)
    finally:
        client.close()


def graded(inst: Instance, patch: str, log_dir: Path) -> dict:
    pred = {"instance_id": inst.instance_id, "model_name_or_path": "t", "model_patch": patch}
    return grading.report(inst, pred, log_dir / "test_output.txt")[inst.instance_id]


def no_containers_left() -> bool:
    client = docker.from_env()
    try:
        return not client.containers.list(
            all=True, filters={"label": "evalkit.role=swebench-instance"})
    finally:
        client.close()


def test_gold_patch_resolves(swe_images, sample_instances, tmp_path):
    inst = sample_instances[STATKIT]
    r = run(inst, inst.gold_patch, tmp_path)
    assert r.applied and r.apply_command == "git apply --verbose" and not r.timed_out
    rep = graded(inst, inst.gold_patch, tmp_path)
    assert rep["resolved"] is True
    assert rep["tests_status"]["FAIL_TO_PASS"]["success"] == list(inst.fail_to_pass)
    for name in ("patch.diff", "eval.sh", "test_output.txt", "run_instance.log"):
        assert (tmp_path / name).is_file()
    assert no_containers_left()


def test_without_the_fix_the_fail_to_pass_test_fails(swe_images, sample_instances, tmp_path):
    # A patch that touches only the README applies but fixes nothing.
    inst = sample_instances[STATKIT]
    patch = ("diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
             "@@ -1,3 +1,4 @@\n # statkit\n+\n \n Small descriptive statistics (mean, median, "
             "mode) for lists of numbers.\n")
    r = run(inst, patch, tmp_path)
    assert r.applied
    rep = graded(inst, patch, tmp_path)
    assert rep["resolved"] is False
    failed = rep["tests_status"]["FAIL_TO_PASS"]["failure"]
    assert failed == ["tests/test_stats.py::test_median_even"]
    assert rep["tests_status"]["PASS_TO_PASS"]["failure"] == []


def test_patch_with_stale_context_applies_only_with_fuzz(swe_images, sample_instances, tmp_path):
    inst = sample_instances[STATKIT]
    # The first context line no longer matches the file: git apply (all variants)
    # refuses, `patch --fuzz` accepts it, as in the official fallback chain.
    stale = inst.gold_patch.replace("     if not ordered:\n",
                                    "     if not ordered:  # empty input\n", 1)
    assert stale != inst.gold_patch
    r = run(inst, stale, tmp_path)
    assert r.applied and r.apply_command == "patch --batch --forward --fuzz=5 -p1 -i"
    assert graded(inst, stale, tmp_path)["resolved"] is True
    log = (tmp_path / "run_instance.log").read_text()
    assert "Failed to apply patch to container: git apply --verbose\n" in log
    assert "Failed to apply patch to container: git apply --verbose --reject" in log


def test_patch_that_does_not_apply_is_not_run(swe_images, sample_instances, tmp_path):
    inst = sample_instances[STATKIT]
    # Removes a line the file never had: no command of the chain (not even fuzz) applies it.
    bad = inst.gold_patch.replace("     return ordered[middle]\n",
                                  "-    return ordered[middle] + 0\n+    return ordered[middle]\n")
    assert bad != inst.gold_patch
    r = run(inst, bad, tmp_path)
    assert not r.applied and r.test_output == ""
    assert ">>>>> Patch Apply Failed" in (tmp_path / "run_instance.log").read_text()
    assert not (tmp_path / "test_output.txt").exists()
    assert no_containers_left()


def test_patch_that_breaks_a_pass_to_pass_test_is_unresolved(swe_images, sample_instances,
                                                              tmp_path):
    inst = sample_instances[STATKIT]
    # The gold fix plus a regression in mean(): FAIL_TO_PASS passes, PASS_TO_PASS fails.
    regression = ("@@ -9,4 +9,4 @@ def mean(values):\n"
                  "     if not values:\n"
                  "         raise ValueError(\"mean of an empty sequence\")\n"
                  "-    return sum(values) / len(values)\n"
                  "+    return sum(values) // len(values)\n"
                  " \n")
    head, hunk = inst.gold_patch.split("@@ -18,", 1)
    patch = head + regression + "@@ -18," + hunk
    r = run(inst, patch, tmp_path)
    assert r.applied and r.apply_command == "git apply --verbose"
    rep = graded(inst, patch, tmp_path)
    assert rep["resolved"] is False
    assert rep["tests_status"]["FAIL_TO_PASS"]["failure"] == []
    assert rep["tests_status"]["PASS_TO_PASS"]["failure"] == ["tests/test_stats.py::test_mean"]


def test_tests_that_hang_time_out_and_the_container_is_removed(swe_images, sample_instances,
                                                               tmp_path):
    inst = sample_instances[STATKIT]
    # median() of an even-length list now loops forever: test_median_even hangs.
    hang = inst.gold_patch.replace(
        "+    if len(ordered) % 2 == 0:\n"
        "+        return (ordered[middle - 1] + ordered[middle]) / 2\n",
        "+    while len(ordered) % 2 == 0:\n+        pass\n")
    assert hang != inst.gold_patch
    r = run(inst, hang, tmp_path, timeout=8)
    assert r.applied and r.timed_out
    assert 8 <= r.runtime < 60
    out = (tmp_path / "test_output.txt").read_text()
    assert out.endswith("Timeout error: 8 seconds exceeded.")
    assert no_containers_left()


def test_truncated_parametrized_ids_are_matched_by_prefix(swe_images, sample_instances,
                                                          tmp_path):
    inst = sample_instances[TEXTKIT]
    # The dataset's FAIL_TO_PASS ids are cut inside the brackets (SB issue #290) ...
    assert all(t.count("[") > t.count("]") for t in inst.fail_to_pass)
    r = run(inst, inst.gold_patch, tmp_path)
    assert r.applied
    log = (tmp_path / "test_output.txt").read_text()
    sm = grading.status_map(inst, log)
    # ... so none of them is a key of the parsed log: an exact-match rule would fail them.
    assert not set(inst.fail_to_pass) & set(sm)
    rep = graded(inst, inst.gold_patch, tmp_path)
    assert rep["resolved"] is True
    assert rep["tests_status"]["FAIL_TO_PASS"]["success"] == list(inst.fail_to_pass)


def test_missing_image_is_a_clear_infrastructure_error(swe_images, sample_instances,
                                                       tmp_path):
    inst = sample_instances[STATKIT]
    with pytest.raises(InfraError, match=r"evalkit-samples__statkit-1: image "
                       r"evalkit-swe-no-such-image:latest is not available locally"):
        run(inst, inst.gold_patch, tmp_path, image="evalkit-swe-no-such-image:latest")


def test_report_json_is_the_official_shape(swe_images, sample_instances, tmp_path):
    inst = sample_instances[TEXTKIT]
    run(inst, inst.gold_patch, tmp_path)
    rep = graded(inst, inst.gold_patch, tmp_path)
    json.dumps(rep)
    assert set(rep) >= {"patch_is_None", "patch_exists", "patch_successfully_applied",
                        "resolved", "tests_status"}
    assert set(rep["tests_status"]) == {"FAIL_TO_PASS", "PASS_TO_PASS", "FAIL_TO_FAIL",
                                        "PASS_TO_FAIL"}
