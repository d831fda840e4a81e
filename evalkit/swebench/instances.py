"""SWE-bench instances: load and validate the v5 dataset rows.

A row has the fields of ``SWE-bench/SWE-bench_Verified`` plus the v5 fields
``image``, ``eval_script``, ``log_parser`` and ``eval_type`` (SB:swebench/types.py,
``harness/utils.py::make_test_spec``).  ``FAIL_TO_PASS`` and ``PASS_TO_PASS`` are
JSON-encoded strings in the dataset; both forms are accepted here.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.jsonl import parse_lines

HF_DATASET = "SWE-bench/SWE-bench_Verified"
REQUIRED = ("repo", "instance_id", "base_commit", "patch", "test_patch", "problem_statement",
            "version", "FAIL_TO_PASS", "PASS_TO_PASS", "image", "eval_script", "log_parser")


@dataclass(frozen=True)
class Instance:
    """One SWE-bench task instance (the fields evalkit uses, plus the raw row)."""

    instance_id: str
    repo: str
    base_commit: str
    gold_patch: str
    test_patch: str
    problem_statement: str
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    image: str
    eval_script: str
    log_parser: str
    eval_type: str
    row: dict[str, Any]

    def test_spec_row(self) -> dict[str, Any]:
        """The row as ``swebench.harness.utils.make_test_spec`` expects it."""
        return {**self.row, "FAIL_TO_PASS": list(self.fail_to_pass),
                "PASS_TO_PASS": list(self.pass_to_pass), "eval_type": self.eval_type}


def _test_list(value: Any, where: str, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise EvalkitError(f"{where}: field {field!r} is not a JSON list of test ids") \
                from None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise EvalkitError(f"{where}: field {field!r} must be a list of test ids")
    return tuple(value)


def parser_names() -> set[str]:
    """Names of the official log parsers (needs the ``swebench`` package)."""
    try:
        from swebench.harness.log_parsers import PARSER_REGISTRY
    except ImportError:
        raise EvalkitError("SWE-bench needs the official swebench package: "
                           "pip install 'evalkit[swebench]'") from None
    return set(PARSER_REGISTRY)


def parse_instance(row: Any, where: str) -> Instance:
    """Validate one dataset row; errors name ``where`` (file:line) and the field."""

    if not isinstance(row, dict):
        raise EvalkitError(f"{where}: expected a JSON object")
    for key in REQUIRED:
        if key not in row or row[key] is None:
            raise EvalkitError(f"{where}: missing field {key!r} (SWE-bench v5 rows carry "
                               "image, eval_script and log_parser)")
        if key not in ("FAIL_TO_PASS", "PASS_TO_PASS") and not isinstance(row[key], str):
            raise EvalkitError(f"{where}: field {key!r} must be a string")
    if row["log_parser"] not in parser_names():
        raise EvalkitError(f"{where}: unknown log_parser {row['log_parser']!r}")
    eval_type = row.get("eval_type") or "pass_and_fail"
    return Instance(
        instance_id=row["instance_id"], repo=row["repo"], base_commit=row["base_commit"],
        gold_patch=row["patch"], test_patch=row["test_patch"],
        problem_statement=row["problem_statement"],
        fail_to_pass=_test_list(row["FAIL_TO_PASS"], where, "FAIL_TO_PASS"),
        pass_to_pass=_test_list(row["PASS_TO_PASS"], where, "PASS_TO_PASS"),
        image=row["image"], eval_script=row["eval_script"], log_parser=row["log_parser"],
        eval_type=eval_type, row=row,
    )


def load_jsonl(path: Path) -> list[Instance]:
    """Instances from a JSONL file (``.jsonl`` or ``.jsonl.gz``), in file order."""
    if not path.is_file():
        raise EvalkitError(f"{path}: instances file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    out: list[Instance] = []
    seen: set[str] = set()
    with opener(path, "rt", encoding="utf-8") as f:
        for n, row in parse_lines(f, path):
            where = f"{path}:{n}"
            inst = parse_instance(row, where)
            if inst.instance_id in seen:
                raise EvalkitError(f"{where}: duplicate instance_id {inst.instance_id!r}")
            seen.add(inst.instance_id)
            out.append(inst)
    if not out:
        raise EvalkitError(f"{path}: no instances")
    return out


def load_hf(name: str = HF_DATASET, split: str = "test") -> list[Instance]:
    """Instances from the Hugging Face dataset (needs network access to the Hub)."""
    try:
        from datasets import load_dataset

        ds = load_dataset(name, split=split)
    except Exception as e:  # noqa: BLE001 - any hub/network failure is a user-facing error
        raise EvalkitError(f"cannot load Hugging Face dataset {name!r} ({e}); "
                           "pass --data with a local instances.jsonl instead") from None
    return [parse_instance(dict(row), f"{name}[{i}]") for i, row in enumerate(ds)]


def find_instances_file(folder: Path) -> Path:
    """The instances file inside a data folder."""
    for name in ("instances.jsonl", "instances.jsonl.gz"):
        if (folder / name).is_file():
            return folder / name
    raise EvalkitError(f"{folder}: no instances.jsonl or instances.jsonl.gz")
