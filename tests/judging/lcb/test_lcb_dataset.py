"""Rows of livecodebench/code_generation_lite: parsing, releases, date windows, the Hub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.judging.lcb import dataset

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "benchmarks" / "livecodebench_sample" / "problems.jsonl"


def rows() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text().splitlines()]


def test_the_real_row_parses_as_lcb_runner_reads_it():
    p = dataset.parse_row(rows()[0], "x:1")
    assert p.question_id == "1873_A" and p.platform == "codeforces" and p.difficulty == "easy"
    assert p.mode == "stdin" and p.fn_name is None and p.month == "2023-08"
    tests = p.tests()
    assert len(tests) == 1 + 4  # public first, then private (get_evaluation_sample)
    assert tests[0].output == "YES\nYES\nYES\nNO\nNO\nYES\n"
    assert tests[1] == dataset.LcbTest("1\nabc\n", "YES\n")


def test_call_based_rows_take_fn_name_from_metadata():
    by_id = {r["question_id"]: dataset.parse_row(r, "x") for r in rows()}
    p = by_id["lc_lcbs_min_operations"]
    assert p.mode == "call" and p.fn_name == "minOperations"
    assert p.starter_code.startswith("class Solution:")


def test_release_v6_is_cumulative():
    assert dataset.release_files("release_v6") == [
        "test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl", "test6.jsonl"]
    assert dataset.release_files("release_v1") == ["test.jsonl"]
    with pytest.raises(EvalkitError, match="unknown LiveCodeBench release"):
        dataset.release_files("release_v9")


def make(date: str, qid: str = "q") -> dataset.LcbProblem:
    r = dict(rows()[1], contest_date=date, question_id=qid)
    return dataset.parse_row(r, "x")


def test_window_bounds_are_inclusive_like_compute_scores():
    start, end = datetime(2024, 8, 1), datetime(2025, 5, 1)
    assert dataset.in_window(make("2024-08-01T00:00:00"), start, end)
    assert dataset.in_window(make("2025-05-01T00:00:00"), start, end)
    assert not dataset.in_window(make("2024-07-31T23:59:59"), start, end)
    assert not dataset.in_window(make("2025-05-01T00:00:01"), start, end)
    assert dataset.in_window(make("1999-01-01T00:00:00"), None, None)


def test_select_sorts_and_rejects_duplicate_ids():
    ps = [make("2024-09-01T00:00:00", "b"), make("2024-09-01T00:00:00", "a"),
          make("2020-01-01T00:00:00", "old")]
    assert [p.question_id for p in dataset.select(ps, datetime(2024, 8, 1), None)] == ["a", "b"]
    with pytest.raises(EvalkitError, match="already at"):
        dataset.select([make("2024-09-01T00:00:00", "a")] * 2, None, None)


@pytest.mark.parametrize(("change", "message"), [
    ({"platform": "topcoder"}, "platform"),
    ({"difficulty": "insane"}, "difficulty"),
    ({"contest_date": "yesterday"}, "contest_date"),
    ({"metadata": "{"}, "not JSON"),
    ({"metadata": '{"func_name": 3}'}, "func_name"),
    ({"public_test_cases": '[{"input": 1}]'}, "public_test_cases"),
])
def test_bad_rows_name_the_file_line_and_field(change, message):
    with pytest.raises(EvalkitError, match=f"data.jsonl:3.*{message}"):
        dataset.parse_row(dict(rows()[1], **change), "data.jsonl:3")


def test_missing_field(tmp_path):
    r = rows()[1]
    del r["starter_code"]
    path = tmp_path / "test.jsonl"
    path.write_text(json.dumps(r) + "\n")
    with pytest.raises(EvalkitError, match=r"test.jsonl:1: missing field 'starter_code'"):
        dataset.read_jsonl(path)


def test_local_copy_must_hold_every_file_of_the_release(tmp_path):
    (tmp_path / "test.jsonl").write_text("")
    with pytest.raises(EvalkitError, match=r"missing test2\.jsonl"):
        dataset.local_files(tmp_path, dataset.release_files("release_v2"))


def fake_hub_cache(home: Path, files: dict[str, str]) -> None:
    """The layout huggingface_hub keeps for a downloaded dataset revision."""
    repo = home / "hub" / "datasets--livecodebench--code_generation_lite"
    commit = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snap = repo / "snapshots" / commit
    snap.mkdir(parents=True)
    for name, text in files.items():
        (snap / name).write_text(text)


def run_hub(home: Path, names: list[str]) -> subprocess.CompletedProcess[str]:
    code = ("import json, sys; from evalkit.judging.lcb.dataset import hub_files; "
            f"print(json.dumps([str(p) for p in hub_files({names!r})]))")
    env = {**os.environ, "HF_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)


def test_hub_download_path_reads_the_huggingface_cache(tmp_path):
    fake_hub_cache(tmp_path, {"test.jsonl": SAMPLE.read_text()})
    out = run_hub(tmp_path, ["test.jsonl"])
    assert out.returncode == 0, out.stderr
    (path,) = json.loads(out.stdout)
    assert len(dataset.read_jsonl(Path(path))) == 5


def test_hub_failure_is_one_line_saying_to_use_data(tmp_path):
    out = run_hub(tmp_path, ["test6.jsonl"])
    assert out.returncode != 0
    assert "cannot get test6.jsonl of the Hugging Face dataset" in out.stderr
    assert "--data DIR" in out.stderr
