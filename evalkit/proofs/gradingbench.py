"""Human-graded proofs: IMO-GradingBench's CSV, and ProofBench's own reference solutions.

IMO-GradingBench (Google DeepMind IMO-Bench, Luong et al., EMNLP 2025; CC-BY 4.0)
is ``imobench/gradingbench.csv`` of github.com/google-deepmind/superhuman: 1,000
human gradings of model proofs of ProofBench problems.  Its columns, as read by
NeMo-Skills ``nemo_skills/dataset/imo-gradingbench/prepare.py`` (superhuman @
c1ee02e) and shown in the Hugging Face copy ``Hwilner/imo-gradingbench``:
``Grading ID`` (``GB-0001``...), ``Problem ID`` (``PB-Advanced-001``...),
``Problem``, ``Solution``, ``Grading guidelines``, ``Response`` (the graded
proof), ``Points`` (the human grade, an integer 0-7), ``Reward`` (the human
grade's class: Correct, Almost, Partial or Incorrect) and ``Problem Source``.

A file without a required column is refused (one line naming file and
column); a bad row (points not 0-7, an unknown class, a duplicate id, an empty
problem) is skipped and reported, never aborting the rest.

Without such a file, ProofBench's bundled data still carries graded material:
each problem's reference solution, a complete proof (grade 7, Correct).  That set
only checks that the judge does not fail correct proofs, and the judge sees the
same text as its reference, so it is an easy floor, not an agreement estimate.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from evalkit.errors import EvalkitError

COLUMNS = ("Grading ID", "Problem ID", "Problem", "Solution", "Grading guidelines",
           "Response", "Points", "Reward")
CLASSES = ("Incorrect", "Partial", "Almost", "Correct")  # the Reward column's values
REFERENCE = "proofbench-reference"  # GradedSet.source of the bundled reference solutions


@dataclass(frozen=True)
class GradedProof:
    """One proof with its human grade, and what the judge needs to grade it again."""

    id: str  # Grading ID (the judge's request key)
    problem_id: str
    problem: str
    solution: str  # the reference solution shown to the judge
    guidelines: str
    response: str  # the graded proof
    points: int  # the human grade, 0-7
    grade: str  # its class, one of CLASSES
    source: str = ""


@dataclass(frozen=True)
class GradedSet:
    """The graded proofs of one source, the rows skipped, and the source's hash."""

    source: str  # the file, or REFERENCE
    proofs: tuple[GradedProof, ...]
    skipped: tuple[str, ...]  # one message per skipped row
    sha256: str


def _klass(raw: str) -> str | None:
    got = raw.strip().lower()
    return next((c for c in CLASSES if c.lower() == got), None)


def load_gradingbench(path: Path) -> GradedSet:
    """The rows of an IMO-GradingBench CSV (see the module docstring for the columns)."""
    path = Path(path)
    if not path.is_file():
        raise EvalkitError(f"{path}: graded proofs file not found")
    data = path.read_bytes()
    # Graded proofs are long: a Response may pass csv's default 128 KiB field limit.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise EvalkitError(f"{path}: not UTF-8 (byte {e.start})") from None
    try:
        reader = csv.DictReader(text.splitlines(keepends=True))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise EvalkitError(f"{path}: missing column(s) {', '.join(missing)} "
                               "(IMO-GradingBench CSV expected)")
        rows = list(reader)
    except csv.Error as e:
        raise EvalkitError(f"{path}: not a readable CSV ({e})") from None
    proofs: list[GradedProof] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for n, r in enumerate(rows, start=2):
        where = f"{path.name}:{n}"
        gid = (r.get("Grading ID") or "").strip()
        if not gid:
            skipped.append(f"{where}: empty 'Grading ID'")
            continue
        if gid in seen:
            skipped.append(f"{where}: duplicate 'Grading ID' {gid}")
            continue
        points_raw = (r.get("Points") or "").strip()
        try:
            points = int(float(points_raw))
            if points != float(points_raw) or not 0 <= points <= 7:
                raise ValueError
        except ValueError:
            skipped.append(f"{where}: 'Points' {points_raw[:20]!r} is not an integer 0-7")
            continue
        grade = _klass(r.get("Reward") or "")
        if grade is None:
            skipped.append(f"{where}: 'Reward' {(r.get('Reward') or '')[:20]!r} is not one of "
                           f"{', '.join(CLASSES)}")
            continue
        if not (r.get("Problem") or "").strip():
            skipped.append(f"{where}: empty 'Problem'")
            continue
        seen.add(gid)
        proofs.append(GradedProof(
            id=gid, problem_id=(r.get("Problem ID") or "").strip(),
            problem=r["Problem"].strip(), solution=(r.get("Solution") or "").strip(),
            guidelines=(r.get("Grading guidelines") or "").strip(),
            response=r.get("Response") or "", points=points, grade=grade,
            source=(r.get("Problem Source") or "").strip()))
    if not proofs:
        raise EvalkitError(f"{path}: no usable graded proof ({len(skipped)} row(s) skipped"
                           + (f"; first: {skipped[0]}" if skipped else "") + ")")
    return GradedSet(str(path), tuple(proofs), tuple(skipped), hashlib.sha256(data).hexdigest())
