"""Engine output into a log file: the terminal keeps evalkit's progress and results.

vLLM prints ~60 INFO/WARNING lines while it starts (from the main process and
from its EngineCore and worker subprocesses), Triton and torch print warnings
from Python and from C++, and the engine's shutdown messages come after the
result table.  :func:`engine_output` sends all of it to one file: it points the
process's file descriptors 1 and 2 at the log (so subprocesses started inside,
and C++ code, write there too) and moves evalkit's own consoles, and the
``evalkit`` logger, onto duplicates of the original terminal descriptors.
With ``verbose`` nothing moves and engine output shows live.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ENGINE_LOG = "engine.log"


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


@contextmanager
def engine_output(log_path: Path, consoles: Sequence[Any], verbose: bool = False,
                  ) -> Iterator[Path | None]:
    """Within the block, fds 1/2 write to ``log_path``; ``consoles`` still reach the terminal.

    ``consoles`` are rich Consoles (their ``file`` is swapped and restored).  Yields
    the log path, or None when ``verbose`` (engine output left on the terminal).
    """
    if verbose:
        yield None
        return
    _flush()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminals: dict[int, IO[str]] = {
        fd: os.fdopen(os.dup(saved[fd]), "w", buffering=1, encoding="utf-8",
                      errors="replace") for fd in (1, 2)}
    old_files = [(c, c._file) for c in consoles]
    for c in consoles:
        c.file = terminals[2 if getattr(c, "stderr", False) else 1]
    logger = logging.getLogger("evalkit")
    handler = logging.StreamHandler(terminals[2])
    handler.setFormatter(logging.Formatter("%(message)s"))
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        yield log_path
    finally:
        _flush()
        for fd in (1, 2):
            os.dup2(saved[fd], fd)
            os.close(saved[fd])
        os.close(log_fd)
        logger.removeHandler(handler)
        logger.propagate = old_propagate
        for c, f in old_files:
            c._file = f
        for t in terminals.values():
            t.close()
