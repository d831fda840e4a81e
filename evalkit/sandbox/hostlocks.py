"""Locks shared by every evalkit process on this host (flock: released when a process dies).

Two evalkit processes on one machine (two checkpoints judged at once, a CI matrix, the
judge slots of a Ray node) share its CPUs and its data cache.  Without a host-wide
view, each would pin its first container to CPU 0, so two submissions would be timed
on the same core while the other cores idle; and each would rebuild a data folder the
other is reading.  ``flock`` locks are held by an open file, so a killed process never
leaves one behind, and two opens of a file conflict even within one process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` against every thread and process on this host."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def cpu_lock_dir() -> Path:
    """Where CPU claims live: one lock file per CPU, for every user of the host."""
    root = Path(os.environ.get("EVALKIT_LOCK_DIR") or tempfile.gettempdir()) / "evalkit-cpus"
    if not root.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(root, 0o1777)  # shared like /tmp: anyone may claim, nobody may delete
    return root


class CpuClaim:
    """CPUs this process holds for its judge containers until :meth:`release` (or exit)."""

    def __init__(self, cpus: list[int], fds: list[int]):
        self.cpus = cpus
        self._fds = fds

    def release(self) -> None:
        fds, self._fds, self.cpus = self._fds, [], []
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def claim_cpus(n: int, first: int = 0) -> CpuClaim | None:
    """Claim ``n`` CPUs that no other judge container on this host is pinned to.

    CPUs are tried in order from ``first`` (among those this process may use).  All or
    nothing: when fewer than ``n`` are free, nothing is claimed and None is returned, so
    that a pool's containers are either all pinned, one per core, or all left to the
    scheduler (a pinned container beside unpinned ones would share its core unfairly).
    """
    usable = sorted(os.sched_getaffinity(0))
    if n < 1 or n > len(usable):
        return None
    start = first % len(usable)
    root = cpu_lock_dir()
    cpus: list[int] = []
    fds: list[int] = []
    for cpu in usable[start:] + usable[:start]:
        try:
            fd = os.open(root / f"cpu{cpu}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another container holds it
            os.close(fd)
            continue
        cpus.append(cpu)
        fds.append(fd)
        if len(cpus) == n:
            return CpuClaim(cpus, fds)
    CpuClaim(cpus, fds).release()
    return None
