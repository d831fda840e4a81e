"""Math data loaders: bad data is a one-line error naming the file (and row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.benchmarks.mathdata import (
    load_answerbench,
    load_imo_jsonl,
    load_items,
    load_matharena,
    load_proofbench,
)
from evalkit.errors import EvalkitError


def test_matharena_ids_statements_and_hash_cover_every_file(tmp_path: Path):
    part = tmp_path / "c"
    (part / "problems").mkdir(parents=True)
    (part / "answers.csv").write_text("id,answer\n2,5\n1,\"\\frac{1}{2}\"\n")
    (part / "problems" / "1.tex").write_text("One?\n")
    (part / "problems" / "2.tex").write_text("Two?")
    items, h1 = load_items(tmp_path, {"format": "matharena", "parts": ["c"]}, "spec")
    assert [(i.id, i.answer, i.statement) for i in items] == [
        ("c-1", "\\frac{1}{2}", "One?"), ("c-2", "5", "Two?")]
    (part / "problems" / "2.tex").write_text("Two, edited?")
    assert load_items(tmp_path, {"format": "matharena", "parts": ["c"]}, "spec")[1] != h1


def test_matharena_missing_statement_names_the_file(tmp_path: Path):
    (tmp_path / "c" / "problems").mkdir(parents=True)
    (tmp_path / "c" / "answers.csv").write_text("id,answer\n1,5\n2,6\n")
    (tmp_path / "c" / "problems" / "2.tex").write_text("Two?")
    with pytest.raises(EvalkitError, match=r"1\.tex: problem statement missing"):
        load_matharena(tmp_path, ["c"])


def test_matharena_answers_only_copy_has_no_statements(tmp_path: Path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "answers.csv").write_text("id,answer\n1,5\n")
    items, _ = load_matharena(tmp_path, ["c"])
    assert [(i.id, i.answer, i.statement) for i in items] == [("c-1", "5", None)]


def test_csv_missing_column_empty_answer_and_duplicate_id(tmp_path: Path):
    f = tmp_path / "a.csv"
    f.write_text("Problem ID,Problem\nx,y\n")
    with pytest.raises(EvalkitError, match=r"missing column.*Short Answer"):
        load_answerbench(f)
    f.write_text("Problem ID,Problem,Short Answer\nx,y, \n")
    with pytest.raises(EvalkitError, match=r"a\.csv:2: empty field 'Short Answer'"):
        load_answerbench(f)
    f.write_text("Problem ID,Problem,Short Answer\nx,y,1\nx,z,2\n")
    with pytest.raises(EvalkitError, match="duplicate id"):
        load_answerbench(f)


def test_proofbench_subset_from_id(tmp_path: Path):
    f = tmp_path / "p.csv"
    f.write_text("Problem ID,Problem,Solution,Grading guidelines,Short Answer\n"
                 "PB-Basic-001,P,S,G,\nPB-Advanced-002,P,S,G,$3$\n")
    items, _ = load_proofbench(f)
    assert [(i.meta["subset"], i.answer, i.points) for i in items] == [
        ("Basic", None, 7), ("Advanced", "$3$", 7)]


def test_imo_jsonl_errors_name_the_line(tmp_path: Path):
    f = tmp_path / "imo.jsonl"
    f.write_text('{"id": "p1", "statement": "S", "answer": null}\n{"id": "p2"}\n')
    with pytest.raises(EvalkitError, match=r"imo\.jsonl:2: field 'statement'"):
        load_imo_jsonl(f)
    f.write_text("{not json\n")
    with pytest.raises(EvalkitError, match=r"imo\.jsonl:1: not valid JSON"):
        load_imo_jsonl(f)


def test_unknown_format_names_the_spec(tmp_path: Path):
    with pytest.raises(EvalkitError, match=r"spec\.toml: field 'format'"):
        load_items(tmp_path, {"format": "xml"}, "spec.toml")
