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


def decode_line(line: bytes | str, where: str) -> str:
    """A line of an input file as text; bytes that are not UTF-8 are a one-line error.

    Not skipped: a file that is not what it claims to be is fixed and the run
    re-run (it resumes), rather than judged with rows silently missing.
    """
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise EvalkitError(f"{where}: not valid UTF-8 (byte {e.start + 1} of the line)") from None


def parse_lines(lines: Iterable[str | bytes], name: Path | str) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` per non-blank JSON line of an input file.

    Bad JSON or bytes that are not UTF-8 are a one-line error naming ``name:line``
    (pass the file opened in binary mode so that decoding happens here, per line).
    """
    for n, raw in enumerate(lines, start=1):
        where = f"{name}:{n}"
        line = decode_line(raw, where)
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalkitError(f"{where}: not valid JSON ({e.msg})") from None
        except RecursionError:
            raise EvalkitError(f"{where}: not valid JSON (nested too deeply)") from None


def dumps_line(record: Any) -> str:
    """One JSON line; text that cannot be UTF-8 (lone surrogates, e.g. ``"\\ud800"``
    printed by a program) is written as ``\\u`` escapes, which read back unchanged."""
    line = json.dumps(record, ensure_ascii=False, sort_keys=True)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True, sort_keys=True)
    return line + "\n"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file; a bad complete line is an error naming file and line."""
    if not path.exists():
        return
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            if not raw.endswith(b"\n"):
                return  # torn last line: not a record
            line = decode_line(raw, f"{path}:{n}")
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as e:
                msg = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
                raise EvalkitError(f"{path}:{n}: not valid JSON ({msg})") from None
            if not isinstance(rec, dict):
                raise EvalkitError(f"{path}:{n}: expected a JSON object")
            yield rec


class JsonlLog:
    """A thread-safe append-only log."""

    def __init__(self, path: Path):
        self.path = path
        try:
            _repair(path)
            self._f = open(path, "a", encoding="utf-8")
        except OSError as e:  # e.g. a read-only run directory: nothing is lost
            raise EvalkitError(f"{path}: cannot write ({e.strerror})") from None
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        line = dumps_line(record)
        with self._lock:
            try:
                self._f.write(line)
                self._f.flush()
            except OSError as e:  # a torn line is cut on the next open; nothing else is lost
                raise EvalkitError(f"{self.path}: cannot write ({e.strerror})") from None

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
