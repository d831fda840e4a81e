"""Statement text for prompts: Markdown as is, PDF through pypdf, clear errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfs import pdf_bytes

from evalkit.errors import EvalkitError
from evalkit.statements import find_statement, pdf_text, statement_text


def write_pdf(path: Path, pages: list[str]) -> Path:
    path.write_bytes(pdf_bytes(pages))
    return path


def test_pdf_text_keeps_every_page_in_order(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "problem.pdf", ["Read two integers A and B.", "Print A + B."])
    text = pdf_text(pdf)
    assert text.index("Read two integers") < text.index("Print A + B.")
    assert "\n\n" in text


def test_markdown_is_read_as_is(tmp_path: Path) -> None:
    md = tmp_path / "statement.md"
    md.write_text("# A + B\n\n$1 \\le A$\n")
    assert statement_text(md) == "# A + B\n\n$1 \\le A$\n"


def test_a_broken_pdf_is_a_one_line_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "problem.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(EvalkitError, match=r"problem\.pdf") as err:
        statement_text(bad)
    assert "\n" not in str(err.value)


def test_a_pdf_without_text_is_refused(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "scan.pdf", [""])
    with pytest.raises(EvalkitError, match="no extractable text"):
        pdf_text(pdf)


def test_non_utf8_statement_names_the_file(tmp_path: Path) -> None:
    f = tmp_path / "statement.md"
    f.write_bytes(b"caf\xe9")
    with pytest.raises(EvalkitError, match=r"statement\.md: statement is not UTF-8"):
        statement_text(f)


def test_find_statement_takes_patterns_in_order(tmp_path: Path) -> None:
    (tmp_path / "statement").mkdir()
    (tmp_path / "problem.pdf").write_bytes(b"")
    (tmp_path / "statement" / "problem.en.md").write_text("x")
    assert find_statement(tmp_path, ("statement/problem.en.md", "*.pdf")) == (
        tmp_path / "statement" / "problem.en.md")
    assert find_statement(tmp_path, ("nothing.md", "*.pdf")) == tmp_path / "problem.pdf"
    assert find_statement(tmp_path, ("nothing.md",)) is None
