"""Reading human-graded proofs in IMO-GradingBench's CSV format."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.proofs.gradingbench import COLUMNS, load_gradingbench

DATA = Path(__file__).parent / "data" / "gradingbench_synthetic.csv"


def write(path: Path, rows: list[list[str]], header: tuple[str, ...] = (*COLUMNS,
                                                                     "Problem Source")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(gid: str, points: str = "7", reward: str = "Correct", response: str = "proof") -> list[str]:
    return [gid, "PB-Basic-001", "Prove it.", "ref", "(Partial) x", response, points, reward, "s"]


def test_the_synthetic_file_reads_every_row():
    got = load_gradingbench(DATA)
    assert [p.id for p in got.proofs] == [f"SYN-000{i}" for i in range(1, 9)]
    assert [p.points for p in got.proofs] == [7, 6, 1, 0, 3, 7, 5, 0]
    assert got.proofs[1].grade == "Almost" and got.proofs[7].response == ""
    assert got.skipped == () and len(got.sha256) == 64


def test_bad_rows_are_skipped_and_named_not_fatal(tmp_path):
    got = load_gradingbench(write(tmp_path / "g.csv", [
        row("GB-1"), row("GB-2", points="8"), row("GB-3", reward="Great"),
        row("GB-1"), row("GB-4", points="2.5"), row("GB-5", reward="almost", points="6")]))
    assert [p.id for p in got.proofs] == ["GB-1", "GB-5"]
    assert got.proofs[1].grade == "Almost"  # the class is read case-insensitively
    assert len(got.skipped) == 4
    assert got.skipped[0].startswith("g.csv:3: 'Points' '8'")
    assert "'Reward' 'Great'" in got.skipped[1] and "duplicate" in got.skipped[2]


def test_a_missing_column_is_one_line_naming_file_and_column(tmp_path):
    path = write(tmp_path / "g.csv", [row("GB-1")[:7]], header=COLUMNS[:7])
    with pytest.raises(EvalkitError, match=r"g\.csv: missing column\(s\) Reward"):
        load_gradingbench(path)


def test_no_usable_row_is_an_error(tmp_path):
    with pytest.raises(EvalkitError, match="no usable graded proof"):
        load_gradingbench(write(tmp_path / "g.csv", [row("GB-1", points="x")]))


def test_long_responses_pass_the_csv_field_limit(tmp_path):
    long = "step. " * 40_000  # 240 kB, over csv's default 128 KiB field limit
    got = load_gradingbench(write(tmp_path / "g.csv", [row("GB-1", response=long)]))
    assert got.proofs[0].response == long
