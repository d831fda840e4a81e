"""`evalkit table` and `evalkit report` on the command line: formats, files, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PUBLISHED_RUNS = REPO / "results" / "published" / "runs"  # real runs, committed


def evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)},
                          timeout=120)


@pytest.mark.docker
@pytest.mark.slow
def test_format_follows_the_out_suffix_and_stdout_gets_the_text(real_runs, tmp_path):
    gold = str(real_runs.get("imo2025")[0])  # 35 of 42 points
    r = evalkit("table", gold, "--out", str(tmp_path / "t.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "t.json").read_text())["cells"][0]["medal"] == "gold"
    r = evalkit("table", gold, "--format", "csv")
    assert r.returncode == 0 and r.stdout.startswith("row,benchmark,")


def test_bad_format_and_check_without_out_are_one_line_errors():
    r = evalkit("table", str(PUBLISHED_RUNS), "--format", "xlsx")
    assert r.returncode == 2 and "--format 'xlsx'" in r.stderr
    r = evalkit("table", str(PUBLISHED_RUNS), "--check")
    assert r.returncode == 2 and "--check needs --out" in r.stderr


def test_check_of_a_missing_file_fails(tmp_path):
    r = evalkit("table", str(PUBLISHED_RUNS), "--out", str(tmp_path / "none.md"), "--check")
    assert r.returncode == 1 and not (tmp_path / "none.md").exists()


@pytest.mark.docker
@pytest.mark.slow
def test_report_writes_one_self_contained_page(real_runs, tmp_path):
    r = evalkit("report", *map(str, real_runs.get("livecodebench_sample")), "--out",
                str(tmp_path / "rep"))
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "rep" / "index.html").read_text()
    assert page.count("<svg") == 3  # scores, pass@k, score by month
    assert "<script" not in page and "src=" not in page and "href=\"http" not in page
