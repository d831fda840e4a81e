"""The run directory: the single source of truth of a run.

    results/<run-id>/
      manifest.json       what was run: benchmark, data hash, model, sampling,
                          backend, evalkit version and git sha, judge image, limits, times
      generations.jsonl   one Generation per line, appended as each finishes
      judgements.jsonl    one Judgement per line, appended as each finishes
      summary.json        the aggregate, rewritten atomically at the end

Every stage reads what is there and adds what is missing, so a killed run
resumes where it stopped and any stage can be re-run alone.  An exclusive
lock keeps two processes from writing the same run at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.jsonl import JsonlLog, read_jsonl
from evalkit.records import Generation, Judgement

MANIFEST = "manifest.json"
GENERATIONS = "generations.jsonl"
JUDGEMENTS = "judgements.jsonl"
SUMMARY = "summary.json"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that readers see the old or the new file, never half of one."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from untrusted text: \u escapes
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as e:  # e.g. a read-only run directory: the old file stays
        raise EvalkitError(f"{path}: cannot write ({e.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise EvalkitError(f"{path}: cannot write ({e.strerror})") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalkitError(f"{path}: missing") from None
    except json.JSONDecodeError as e:
        raise EvalkitError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from None


class RunDir:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock_fd: int | None = None

    # -- files -------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    @property
    def generations_path(self) -> Path:
        return self.path / GENERATIONS

    @property
    def judgements_path(self) -> Path:
        return self.path / JUDGEMENTS

    @property
    def summary_path(self) -> Path:
        return self.path / SUMMARY

    def exists(self) -> bool:
        return self.manifest_path.exists()

    # -- locking -----------------------------------------------------------
    def lock(self) -> None:
        """Take the run's exclusive lock (released by the OS if we die)."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:  # read-only or not ours: a one-line error, nothing lost
            raise EvalkitError(f"{self.path}: cannot write the run directory "
                               f"({e.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise EvalkitError(f"{self.path}: another evalkit process is using this run") from None
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- manifest ----------------------------------------------------------
    def read_manifest(self) -> dict[str, Any]:
        data = read_json(self.manifest_path)
        if not isinstance(data, dict):
            raise EvalkitError(f"{self.manifest_path}: expected a JSON object")
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json_atomic(self.manifest_path, manifest)

    def update_manifest(self, **fields: Any) -> dict[str, Any]:
        m = self.read_manifest()
        m.update(fields)
        self.write_manifest(m)
        return m

    # -- records -----------------------------------------------------------
    def generations(self) -> dict[tuple[str, int], Generation]:
        out: dict[tuple[str, int], Generation] = {}
        for rec in read_jsonl(self.generations_path):
            try:
                g = Generation.from_json(rec)
            except TypeError as e:
                raise EvalkitError(f"{self.generations_path}: bad record ({e})") from None
            out.setdefault(g.key, g)
        return out

    def all_generations(self) -> list[Generation]:
        """Every generation record in file order (all steps of episodes)."""
        out = []
        for rec in read_jsonl(self.generations_path):
            try:
                out.append(Generation.from_json(rec))
            except TypeError as e:
                raise EvalkitError(f"{self.generations_path}: bad record ({e})") from None
        return out

    def judgements(self, judge_key: str | None = None) -> dict[tuple[str, int], Judgement]:
        """Judgements, the latest per item; only ``judge_key``'s when given."""
        out: dict[tuple[str, int], Judgement] = {}
        for rec in read_jsonl(self.judgements_path):
            try:
                j = Judgement.from_json(rec)
            except TypeError as e:
                raise EvalkitError(f"{self.judgements_path}: bad record ({e})") from None
            if judge_key is None or j.judge_key == judge_key:
                out[j.key] = j
        return out

    def generation_log(self) -> JsonlLog:
        return JsonlLog(self.generations_path)

    def judgement_log(self) -> JsonlLog:
        return JsonlLog(self.judgements_path)

    def write_summary(self, summary: dict[str, Any]) -> None:
        write_json_atomic(self.summary_path, summary)
