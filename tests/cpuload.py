"""CPU-bound load on this host for "a verdict does not depend on the load" tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cpu_load(factor: int = 4, seconds: int = 600) -> Iterator[int]:
    """``factor`` x cores busy-looping processes while the block runs; yields their number.

    Each process ends by itself after ``seconds`` even if this process is killed, and all
    are killed (by pid) when the block ends.
    """
    n = factor * (os.cpu_count() or 1)
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
    try:
        time.sleep(0.5)  # let the scheduler spread them
        assert all(h.poll() is None for h in hogs), "a load process ended early"
        yield n
    finally:
        for h in hogs:
            h.kill()
        for h in hogs:
            h.wait(timeout=30)
