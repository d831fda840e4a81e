"""What ``evalkit runs`` lists: each run directory under a results folder, with its status.

Status, from the run directory alone (nothing is re-judged):
- ``complete``: every planned sample is generated and judged, summary.json is there;
- ``partial``: generation or judging stopped before the end (resume with the same command);
- ``errors``: all there, but some samples are generation errors or judge errors (a re-run
  retries judge errors).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.jsonl import read_jsonl
from evalkit.model.naming import model_label
from evalkit.rundir import GENERATIONS, JUDGEMENTS, MANIFEST, SUMMARY

COMPLETE, PARTIAL, ERRORS = "complete", "partial", "errors"


@dataclass(frozen=True)
class RunRow:
    """One run directory, as listed."""

    path: Path
    benchmark: str
    model: str
    backend: str
    protocol: str
    status: str
    headline: str
    detail: str  # why it is partial / has errors ("" when complete)


def find_run_dirs(root: Path, depth: int = 2) -> Iterator[Path]:
    """Run directories in ``root`` and, for suites, one level below (sorted)."""
    if not root.is_dir():
        raise EvalkitError(f"{root}: no such results folder")
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        if (child / MANIFEST).is_file():
            yield child
        elif depth > 1:
            yield from find_run_dirs(child, depth - 1)


def _json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def protocol(manifest: dict[str, Any]) -> str:
    """Samples per problem and the sampling settings that change scores."""
    samples = manifest.get("samples")
    ks = sorted(set(samples.values())) if isinstance(samples, dict) and samples else []
    k = "?" if not ks else str(ks[0]) if len(ks) == 1 else f"{ks[0]}-{ks[-1]}"
    s = manifest.get("sampling") or {}
    parts = [f"k={k}"]
    if "temperature" in s:
        parts.append(f"T={s['temperature']:g}")
    if "max_tokens" in s:
        parts.append(f"max={s['max_tokens']}")
    if manifest.get("shard"):
        parts.append("shard {}/{}".format(*manifest["shard"]))
    proto = manifest.get("protocol")
    if isinstance(proto, dict) and proto.get("name"):
        parts.insert(0, str(proto["name"]))
    return " ".join(parts)


def format_headline(summary: dict[str, Any]) -> str:
    """The summary's headline as a short text."""
    h = summary.get("headline") or {}
    value, top = h.get("value"), h.get("max")
    if not isinstance(value, int | float):
        return "-"
    if h.get("aggregate") == "mean":
        return f"{h.get('name', '')} {100 * value:.1f}%".strip()
    tail = f"/{top:g}" if isinstance(top, int | float) else ""
    return f"{h.get('name', '')} {value:g}{tail}".strip()


def describe(path: Path) -> RunRow:
    """Read one run directory into a row (a damaged file makes it ``partial``)."""
    manifest = _json(path / MANIFEST) or {}
    summary = _json(path / SUMMARY)
    backend = manifest.get("backend")
    backend_name = backend.get("backend", "?") if isinstance(backend, dict) else str(backend)
    samples = manifest.get("samples")
    planned = sum(samples.values()) if isinstance(samples, dict) else None
    shard = manifest.get("shard")
    gens = {(r.get("problem_id"), r.get("sample")): r for r in read_jsonl(path / GENERATIONS)}
    judge_key = (summary or {}).get("judge_key") or (manifest.get("judge") or {}).get("judge_key")
    judged = {(r.get("problem_id"), r.get("sample")): r for r in read_jsonl(path / JUDGEMENTS)
              if judge_key is None or r.get("judge_key") == judge_key}
    gen_errors = sum(1 for r in gens.values() if r.get("error"))
    judge_errors = sum(1 for r in judged.values() if r.get("judge_error"))
    if planned is not None and shard:
        planned = len(range(shard[0], planned, shard[1]))
    status, detail = COMPLETE, ""
    if summary is None or (planned is not None and len(gens) < planned) \
            or len(judged) < len(gens):
        status = PARTIAL
        detail = f"{len(gens)}/{planned if planned is not None else '?'} generated, " \
                 f"{len(judged)} judged"
    elif gen_errors or judge_errors:
        status = ERRORS
        detail = f"{gen_errors} generation error(s), {judge_errors} judge error(s)"
    model = str(manifest.get("model_name") or model_label(str(manifest.get("model", "?"))))
    return RunRow(path, str(manifest.get("benchmark", "?")), model, backend_name,
                  protocol(manifest), status,
                  format_headline(summary) if summary else "-", detail)


def list_runs(root: Path) -> list[RunRow]:
    """Every run directory under ``root`` (suites included), as rows."""
    return [describe(p) for p in find_run_dirs(root)]
