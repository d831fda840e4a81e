"""Problem statements as prompt text, from what packages really ship.

Official packages ship statements as Markdown, LaTeX or only as PDF (IOI's per-language
PDFs, DOMjudge's ``problem.pdf``).  Judging never needs a statement; prompts do.  PDF text
comes from ``pypdf`` (a well-kept pure-Python library), so no system tool is required.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.errors import EvalkitError


def pdf_text(path: Path) -> str:
    """The text of a PDF, page by page (pages separated by a blank line).

    Raises a one-line EvalkitError naming the file when it cannot be read.
    """
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a declared dependency
        raise EvalkitError(f"{path}: reading PDF statements needs pypdf ({exc})") from exc
    try:
        reader = PdfReader(str(path))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise EvalkitError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise EvalkitError(f"{path}: the PDF has no extractable text (scanned images?)")
    return text


def statement_text(path: Path) -> str:
    """A statement file's text for a prompt: Markdown/TeX/text as is, PDF through pypdf."""
    if path.suffix.lower() == ".pdf":
        return pdf_text(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EvalkitError(f"{path}: statement is not UTF-8 text ({exc.reason} at byte "
                           f"{exc.start})") from exc


def find_statement(root: Path, patterns: tuple[str, ...]) -> Path | None:
    """The first file under ``root`` matching ``patterns`` in order (glob patterns), or None."""
    for pattern in patterns:
        hits = sorted(p for p in root.glob(pattern) if p.is_file())
        if hits:
            return hits[0]
    return None
