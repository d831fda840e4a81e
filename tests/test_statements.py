"""Statement text for prompts: Markdown as is, PDF through pypdf, clear errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.statements import find_statement, pdf_text, statement_text


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A minimal valid PDF with one line of Helvetica text per page (offsets computed)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        content_id = len(objects) + 2
        page_id = len(objects) + 1
        kids.append(f"{page_id} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 {len(pages) * 2 + 3} 0 R >> >> "
                       f"/Contents {content_id} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))
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
