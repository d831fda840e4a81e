"""LiveCodeBench's data: rows of ``livecodebench/code_generation_lite``.

A row (one JSON line of ``test*.jsonl``) has ``question_title``,
``question_content``, ``platform``, ``question_id``, ``contest_id``,
``contest_date`` (ISO), ``starter_code``, ``difficulty``, ``public_test_cases``
(JSON), ``private_test_cases`` (JSON or base64/zlib/pickle, see
:mod:`evalkit.judging.lcb.decode`) and ``metadata`` (JSON; ``func_name`` for
call-based problems).  Field meanings follow lcb_runner/benchmarks/code_generation.py.

The dataset's loading script (code_generation_lite.py) is rejected by
``datasets`` >= 4, so releases are read as their data files: release_vN is the
cumulative list of files of that script's ``ALLOWED_FILES``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.judging.lcb.decode import check_tests, decode_private_tests

HUB_REPO = "livecodebench/code_generation_lite"
_FILES = ["test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl",
          "test6.jsonl"]
# code_generation_lite.py ALLOWED_FILES: releases are cumulative.
RELEASE_FILES: dict[str, list[str]] = {f"release_v{i}": _FILES[:i] for i in range(1, 7)}
RELEASE_FILES["release_latest"] = list(_FILES)
PLATFORMS = ("leetcode", "codeforces", "atcoder")
DIFFICULTIES = ("easy", "medium", "hard")
_REQUIRED = ("question_title", "question_content", "platform", "question_id", "contest_id",
             "contest_date", "starter_code", "difficulty", "public_test_cases",
             "private_test_cases", "metadata")


@dataclass(frozen=True)
class LcbTest:
    input: str
    output: str


@dataclass(frozen=True)
class LcbProblem:
    """One row; hidden tests stay encoded until :meth:`tests` is called."""

    question_id: str
    title: str
    content: str
    platform: str
    contest_id: str
    contest_date: datetime
    starter_code: str
    difficulty: str
    fn_name: str | None  # metadata.func_name: call-based when set
    public_tests: tuple[LcbTest, ...]
    private_encoded: str
    row_sha256: str  # of the row's canonical JSON: what results depend on
    where: str  # file:line, for error messages

    @property
    def mode(self) -> str:
        """``call`` (LeetCode functions) or ``stdin`` (programs), as lcb_runner decides."""
        return "call" if self.fn_name else "stdin"

    @property
    def month(self) -> str:
        return self.contest_date.strftime("%Y-%m")

    def tests(self) -> list[LcbTest]:
        """Public then private tests, the order of ``get_evaluation_sample``."""
        private = decode_private_tests(self.private_encoded,
                                       f"{self.where}: private_test_cases")
        return [*self.public_tests, *(LcbTest(t["input"], t["output"]) for t in private)]


def parse_row(row: Any, where: str) -> LcbProblem:
    """Validate one row; errors name ``where`` and the field."""
    if not isinstance(row, dict):
        raise EvalkitError(f"{where}: a row must be a JSON object")
    for key in _REQUIRED:
        if key not in row:
            raise EvalkitError(f"{where}: missing field '{key}'")
    for key in ("question_title", "question_content", "question_id", "starter_code",
                "public_test_cases", "private_test_cases", "metadata", "contest_date"):
        if not isinstance(row[key], str):
            raise EvalkitError(f"{where}: field '{key}' must be a string")
    qid = row["question_id"]
    if row["platform"] not in PLATFORMS:
        raise EvalkitError(f"{where}: platform must be one of {PLATFORMS}, "
                           f"not {row['platform']!r}")
    if row["difficulty"] not in DIFFICULTIES:
        raise EvalkitError(f"{where}: difficulty must be one of {DIFFICULTIES}, "
                           f"not {row['difficulty']!r}")
    try:
        date = datetime.fromisoformat(row["contest_date"])
    except ValueError:
        raise EvalkitError(f"{where}: contest_date {row['contest_date']!r} is not an ISO "
                           "date") from None
    try:
        meta = json.loads(row["metadata"])
        public = json.loads(row["public_test_cases"])
    except json.JSONDecodeError as e:
        raise EvalkitError(f"{where}: metadata/public_test_cases is not JSON ({e})") from None
    if not isinstance(meta, dict):
        raise EvalkitError(f"{where}: metadata must be a JSON object")
    fn_name = meta.get("func_name")
    if fn_name is not None and not isinstance(fn_name, str):
        raise EvalkitError(f"{where}: metadata.func_name must be a string")
    public = check_tests(public, f"{where}: public_test_cases")
    canonical = json.dumps({k: row[k] for k in _REQUIRED}, sort_keys=True)
    return LcbProblem(
        question_id=qid, title=row["question_title"], content=row["question_content"],
        platform=row["platform"], contest_id=str(row["contest_id"]), contest_date=date,
        starter_code=row["starter_code"], difficulty=row["difficulty"], fn_name=fn_name or None,
        public_tests=tuple(LcbTest(t["input"], t["output"]) for t in public),
        private_encoded=row["private_test_cases"],
        row_sha256=hashlib.sha256(canonical.encode()).hexdigest(), where=where,
    )


def read_jsonl(path: Path) -> list[LcbProblem]:
    """Every row of one data file."""
    out = []
    try:
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise EvalkitError(f"{path}:{n}: not valid JSON ({e})") from None
                out.append(parse_row(row, f"{path}:{n}"))
    except OSError as e:
        raise EvalkitError(f"{path}: cannot read ({e.strerror})") from None
    return out


def release_files(release: str) -> list[str]:
    """The data files of a release (``release_v6`` -> test.jsonl ... test6.jsonl)."""
    if release not in RELEASE_FILES:
        raise EvalkitError(f"unknown LiveCodeBench release {release!r} "
                           f"(known: {', '.join(RELEASE_FILES)})")
    return RELEASE_FILES[release]


def local_files(data_dir: Path, names: Sequence[str]) -> list[Path]:
    """The named files in a local copy of the dataset; errors name what is missing."""
    missing = [n for n in names if not (data_dir / n).is_file()]
    if missing:
        raise EvalkitError(f"{data_dir}: missing {', '.join(missing)} (a local copy of "
                           f"{HUB_REPO} holds the release's test*.jsonl files)")
    return [data_dir / n for n in names]


def hub_files(names: Sequence[str], repo: str = HUB_REPO,
              revision: str | None = None) -> list[Path]:
    """Download (or find in the Hugging Face cache) the release's data files.

    Honours ``HF_HUB_OFFLINE`` / ``HF_HOME`` like any huggingface_hub download.
    """
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:  # pragma: no cover - a dependency of datasets
        raise EvalkitError("huggingface_hub is missing: pip install huggingface_hub") from None
    out = []
    for name in names:
        try:
            out.append(Path(hf_hub_download(repo_id=repo, filename=name, repo_type="dataset",
                                            revision=revision)))
        except Exception as e:  # noqa: BLE001 - network, auth, offline cache misses
            raise EvalkitError(
                f"cannot get {name} of the Hugging Face dataset {repo} "
                f"({type(e).__name__}); download the release's files and pass --data DIR"
            ) from None
    return out


def in_window(problem: LcbProblem, start: datetime | None, end: datetime | None) -> bool:
    """lcb_runner compute_scores.py: ``start_date <= contest_date <= end_date``."""
    return (start is None or start <= problem.contest_date) and (
        end is None or problem.contest_date <= end)


def select(problems: Iterable[LcbProblem], start: datetime | None,
           end: datetime | None) -> list[LcbProblem]:
    """Problems in the window, by question_id; a duplicated id is an error."""
    seen: dict[str, LcbProblem] = {}
    for p in problems:
        if not in_window(p, start, end):
            continue
        if p.question_id in seen:
            raise EvalkitError(f"{p.where}: question_id {p.question_id!r} already at "
                               f"{seen[p.question_id].where}")
        seen[p.question_id] = p
    return [seen[k] for k in sorted(seen)]
