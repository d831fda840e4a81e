"""A pytest session that cannot exit fails instead of hanging CI.

Once the tests are over, the interpreter still waits for non-daemon threads and
multiprocessing children (an in-process vLLM engine left running is one: its
EngineCore is such a child).  If that wait outlasts ``EVALKIT_TEST_EXIT_GRACE``
seconds (default 120), this prints what is still running and every thread's stack,
and exits with status 3, so the defect is named instead of timing out the CI job.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
from pathlib import Path


def children() -> list[str]:
    """Command lines of this process's live children (from /proc)."""
    me, out = os.getpid(), []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == me:
            out.append(f"{d.name}: {cmd[:200]}")
    return out


def arm(grace: float | None = None) -> threading.Timer:
    """Start the watchdog (a daemon thread: it never delays an exit that works)."""
    if grace is None:
        grace = float(os.environ.get("EVALKIT_TEST_EXIT_GRACE", "120"))

    def stuck() -> None:
        sys.stderr.write(f"\npytest did not exit {grace:g} s after the session ended; "
                         f"still running: {children() or 'no child processes'}\n")
        faulthandler.dump_traceback(all_threads=True)
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(grace, stuck)
    timer.daemon = True
    timer.start()
    return timer


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    arm()
