"""Loading math problems from the formats their publishers use.

Each loader returns :class:`MathItem` s and the list of files it read (for the
data hash).  Errors name the file and row at fault.  Formats:

- ``matharena``: MathArena's folders, one per contest part, each with
  ``answers.csv`` (``id,answer``) and ``problems/<id>.tex`` (AIME, HMMT).
- ``answerbench``: IMO-AnswerBench CSV (``Problem ID, Problem, Short Answer, ...``).
- ``proofbench``: IMO-ProofBench CSV (adds ``Solution`` and ``Grading guidelines``).
- ``imo_jsonl``: one JSON object per problem (``id, number, statement, answer, points``).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.benchmarks.base import Benchmark
from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError


@dataclass(frozen=True)
class MathItem:
    """One problem with its gold answer and, for proof benchmarks, grading material."""

    id: str
    statement: str | None  # None: not redistributable, bring it with --data
    answer: str | None  # None: a pure proof problem with no final answer
    title: str = ""
    solution: str | None = None  # reference solution (ProofBench)
    guidelines: str | None = None  # marking guidelines (ProofBench)
    points: int = 1
    meta: dict[str, Any] = field(default_factory=dict)


def files_hash(files: Sequence[Path], root: Path) -> str:
    """sha256 over the relative names and bytes of ``files``."""
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(str(f.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _read_csv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise EvalkitError(f"{path}: data file not found")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise EvalkitError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = list(reader)
    for n, row in enumerate(rows, start=2):
        for c in required:
            if not (row.get(c) or "").strip():
                raise EvalkitError(f"{path}:{n}: empty field {c!r}")
    ids = [r[required[0]] for r in rows]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise EvalkitError(f"{path}: duplicate id(s) {', '.join(dup[:5])}")
    return rows


def load_matharena(root: Path, parts: Sequence[str]) -> tuple[list[MathItem], list[Path]]:
    """MathArena folders ``root/<part>/answers.csv`` + ``problems/<id>.tex``; ids ``<part>-<id>``.

    A part without a ``problems/`` folder is an answers-only copy (statements
    that may not be redistributed): its items have no statement.
    """
    items: list[MathItem] = []
    files: list[Path] = []
    for part in parts:
        answers = root / part / "answers.csv"
        rows = _read_csv(answers, ("id", "answer"))
        files.append(answers)
        with_statements = (root / part / "problems").is_dir()
        for row in sorted(rows, key=lambda r: int(r["id"])):
            tex = root / part / "problems" / f"{row['id']}.tex"
            if with_statements and not tex.is_file():
                raise EvalkitError(f"{tex}: problem statement missing (listed in {answers})")
            if with_statements:
                files.append(tex)
            items.append(MathItem(
                id=f"{part}-{row['id']}", title=f"{part} #{row['id']}",
                statement=tex.read_text(encoding="utf-8").strip() if with_statements else None,
                answer=row["answer"].strip(), meta={"part": part, "number": int(row["id"])}))
    return items, files


def load_answerbench(path: Path) -> tuple[list[MathItem], list[Path]]:
    """IMO-AnswerBench CSV; answers are stripped (see benchmarks/imo_answerbench/ERRATA.md)."""
    rows = _read_csv(path, ("Problem ID", "Problem", "Short Answer"))
    items = [MathItem(
        id=r["Problem ID"].strip(), title=r["Problem ID"].strip(),
        statement=r["Problem"].strip(), answer=r["Short Answer"].strip(),
        meta={k: r.get(k, "") for k in ("Category", "Subcategory", "Source")})
        for r in rows]
    return items, [path]


def load_proofbench(path: Path) -> tuple[list[MathItem], list[Path]]:
    """IMO-ProofBench CSV; ``subset`` is Basic or Advanced (from the id, PB-<subset>-NNN)."""
    rows = _read_csv(path, ("Problem ID", "Problem", "Solution", "Grading guidelines"))
    items = []
    for r in rows:
        pid = r["Problem ID"].strip()
        parts = pid.split("-")
        items.append(MathItem(
            id=pid, title=pid, statement=r["Problem"].strip(),
            answer=(r.get("Short Answer") or "").strip() or None,
            solution=r["Solution"].strip(), guidelines=r["Grading guidelines"].strip(),
            points=7,
            meta={"subset": parts[1] if len(parts) == 3 else "",
                  **{k: r.get(k, "") for k in ("Category", "Level", "Source")}}))
    return items, [path]


def load_imo_jsonl(path: Path) -> tuple[list[MathItem], list[Path]]:
    """One JSON object per problem: ``id``, ``number``, ``statement``, ``answer`` (or null),
    ``points``."""
    if not path.is_file():
        raise EvalkitError(f"{path}: data file not found")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalkitError(f"{path}:{n}: not valid JSON ({e.msg})") from None
        for key in ("id", "statement"):
            if not isinstance(rec.get(key), str) or not rec[key].strip():
                raise EvalkitError(f"{path}:{n}: field {key!r} must be a non-empty string")
        if rec.get("answer") is not None and not isinstance(rec["answer"], str):
            raise EvalkitError(f"{path}:{n}: field 'answer' must be a string or null")
        points = rec.get("points", 7)
        if not isinstance(points, int) or points < 1:
            raise EvalkitError(f"{path}:{n}: field 'points' must be a positive integer")
        items.append(MathItem(
            id=rec["id"], title=f"Problem {rec.get('number', n)}", statement=rec["statement"],
            answer=rec.get("answer"), points=points,
            meta={k: rec[k] for k in ("number", "day", "topic", "answer_kind") if k in rec}))
    return items, [path]


def load_items(root: Path, settings: dict[str, Any], where: str) -> tuple[list[MathItem], str]:
    """Items and data hash for a spec's ``format`` / ``file`` / ``parts`` settings."""
    fmt = settings.get("format")
    if fmt == "matharena":
        parts = settings.get("parts")
        if not isinstance(parts, list) or not parts:
            raise EvalkitError(f"{where}: field 'parts' must be a non-empty list")
        items, files = load_matharena(root, parts)
    elif fmt in ("answerbench", "proofbench", "imo_jsonl"):
        name = settings.get("file")
        if not isinstance(name, str):
            raise EvalkitError(f"{where}: field 'file' must be a string")
        loader = {"answerbench": load_answerbench, "proofbench": load_proofbench,
                  "imo_jsonl": load_imo_jsonl}[fmt]
        items, files = loader(root / name)
    else:
        raise EvalkitError(f"{where}: field 'format' must be one of matharena, answerbench, "
                           f"proofbench, imo_jsonl (got {fmt!r})")
    if not items:
        raise EvalkitError(f"{where}: no problems in {root}")
    return items, files_hash(files, root)


@dataclass(frozen=True)
class MathDataOptions(BenchmarkOptions):
    """Data keys shared by the math and proof specs."""

    format: str = ""  # matharena | answerbench | proofbench | imo_jsonl
    file: str | None = None  # answerbench, proofbench, imo_jsonl
    parts: list[str] = field(default_factory=list)  # matharena: one folder per part


class MathDataBenchmark(Benchmark):
    """A benchmark over :class:`MathItem` s loaded once from the spec's data settings."""

    Options = MathDataOptions
    _items: dict[str, MathItem] | None = None
    _hash = ""

    def check_items(self, items: Sequence[MathItem]) -> None:
        """Reject data the adapter cannot grade (nothing by default)."""

    def items(self) -> dict[str, MathItem]:
        """The problems by id (loaded on first use; errors name the file)."""
        if self._items is None:
            if self.data_dir is None:
                raise EvalkitError(f"{self.name}: no data. {self.spec.data_help}")
            items, self._hash = load_items(self.data_dir, self.spec.settings,
                                           str(self.spec.spec_path))
            self.check_items(items)
            self._items = {i.id: i for i in items}
        return self._items

    def data_hash(self) -> str:
        self.items()
        return self._hash
