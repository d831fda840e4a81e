"""Append-only JSON Lines logs that survive being killed at any moment.

Each record is written as one line and flushed at once, so a ``kill -9``
loses at most the line being written.  On opening, a torn last line (no
trailing newline) is cut off, so the next append starts on a clean line and
no record is ever half-read or duplicated.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError


def _repair(path: Path) -> None:
    """Cut a torn final line left by a crash mid-write."""
    if not path.exists():
        return
    with open(path, "rb+") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size == 0:
            return
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return
        # Walk back to the last newline.
        pos = size
        chunk = 4096
        while pos > 0:
            start = max(0, pos - chunk)
            f.seek(start)
            data = f.read(pos - start)
            idx = data.rfind(b"\n")
            if idx >= 0:
                f.truncate(start + idx + 1)
                return
            pos = start
        f.truncate(0)


def parse_lines(lines: Iterable[str], name: Path | str) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` per non-blank JSON line of an input file.

    Bad JSON is a one-line error naming ``name:line``.
    """
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalkitError(f"{where}: not valid JSON ({e.msg})") from None


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file; a bad complete line is an error naming file and line."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.endswith("\n"):
                return  # torn last line: not a record
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise EvalkitError(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(rec, dict):
                raise EvalkitError(f"{path}:{n}: expected a JSON object")
            yield rec


class JsonlLog:
    """A thread-safe append-only log."""

    def __init__(self, path: Path):
        self.path = path
        _repair(path)
        self._lock = threading.Lock()
        self._f = open(path, "a", encoding="utf-8")

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            self._f.write(line)
            self._f.flush()

    def close(self) -> None:
        with self._lock:
            if not self._f.closed:
                self._f.flush()
                os.fsync(self._f.fileno())
                self._f.close()

    def __enter__(self) -> JsonlLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
