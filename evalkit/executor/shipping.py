"""Shipping one problem's test data to judge nodes once, not once per submission.

The driver reads a problem's files once, keys them by content hash and puts them
in the Ray object store once (:func:`pack`); a node writes them into a
node-local cache under that key the first time any task there needs them
(:func:`materialize`), so later tasks on the node, in any worker process, find
them on disk and never fetch the object again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evalkit.errors import EvalkitError
from evalkit.sandbox.hostlocks import file_lock


@dataclass(frozen=True)
class ProblemData:
    """A problem's files (paths relative to the benchmark's data folder) and their key."""

    key: str
    files: dict[str, bytes]


def content_key(files: dict[str, bytes]) -> str:
    """A hash of names and contents: equal data, equal key, on every node."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return h.hexdigest()[:32]


def pack(files: dict[str, Path]) -> ProblemData:
    """Read ``files`` (relative name -> path) into a keyed payload."""
    data = {}
    for rel, path in files.items():
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise EvalkitError(f"{path}: problem file name {rel!r} must stay inside the data "
                               "folder")
        data[rel] = Path(path).read_bytes()
    return ProblemData(content_key(data), data)


def node_cache_dir() -> Path:
    """This node's cache of shipped problem data (``$EVALKIT_CACHE/ray-data``)."""
    root = os.environ.get("EVALKIT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "evalkit")
    return Path(root) / "ray-data"


def materialize(key: str, fetch: Callable[[], ProblemData], root: Path | None = None) -> Path:
    """The node-local folder holding the data keyed ``key``; ``fetch`` runs only on a miss."""
    root = root or node_cache_dir()
    target = root / key
    if (target / ".complete").exists():
        return target
    with file_lock(root / f".{key}.lock"):
        if (target / ".complete").exists():
            return target
        data = fetch()
        if data.key != key or content_key(data.files) != key:
            raise EvalkitError(f"shipped problem data does not match its key {key}")
        tmp = root / f".{key}.{uuid.uuid4().hex}"
        for rel, blob in data.files.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(blob)
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / ".complete").touch()
        for dirpath, _dirs, _files in os.walk(tmp):
            os.chmod(dirpath, 0o700)
        if target.exists():  # a copy cut short by a crash
            shutil.rmtree(target)
        os.rename(tmp, target)
    return target
