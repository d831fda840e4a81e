"""A hard time limit on each comparison, usable from threads and worker processes.

Sympy can run for hours on innocent-looking input (``9^{9^{9^9}}``), and the
signal-based timeouts other graders use only work in the main thread of the
main process (Math-Verify issues #50/#55, MARIO_EVAL issue #2).  Here the work
runs in a reusable worker *subprocess* (``python -m evalkit.math._worker``)
talking JSON lines over pipes; a caller waits with ``select`` and, when the
deadline passes, kills that worker and starts a fresh one on the next call.
Plain ``subprocess`` (not ``multiprocessing``) is used so it also works inside
daemonic ``multiprocessing`` pool workers, which may not fork children of
their own; one worker per concurrent caller, so threads never share a pipe.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

STARTUP_SECONDS = 120.0  # importing sympy on a loaded machine; not part of the budget
WALL_FACTOR = 3.0  # wall-clock cap as a multiple of the CPU budget
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class _Worker:
    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "evalkit.math._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        if self._read(STARTUP_SECONDS) != {"ready": True}:
            self.kill()
            raise RuntimeError("evalkit.math worker did not start")

    def _read(self, timeout: float) -> dict | None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0.0))
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            return None
        reply: dict = json.loads(line)
        return reply

    def _cpu(self) -> float | None:
        """CPU seconds the worker has used (Linux /proc), or None if unknown."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def call(self, request: dict, timeout: float) -> dict | None:
        """The worker's reply, or None if it missed the deadline or died.

        The budget is ``timeout`` seconds of the worker's CPU time, so a loaded
        machine does not turn slow-but-fine comparisons into failures; wall
        time is capped at ``WALL_FACTOR * timeout`` whatever the load.
        """
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            return None
        start_wall, start_cpu = time.monotonic(), self._cpu()
        while True:
            wall = time.monotonic() - start_wall
            now_cpu = self._cpu()
            cpu = wall if start_cpu is None or now_cpu is None else now_cpu - start_cpu
            left = min(timeout - cpu, WALL_FACTOR * timeout - wall)
            if left <= 0:
                return None
            assert self.proc.stdout is not None
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.05 + wall / 10))
            if ready:
                return self._read(0)

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass


class WorkerPool:
    """Idle workers shared by all threads of one process (re-created after fork)."""

    def __init__(self, max_idle: int = 8) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._pid = os.getpid()
        self._max_idle = max_idle

    def _checkout(self) -> _Worker:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's workers are not ours
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                worker = self._idle.pop()
                if worker.proc.poll() is None:
                    return worker
                worker.kill()  # died while idle (OOM killer, signal): reap it
        return _Worker()

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < self._max_idle:
                self._idle.append(worker)
                return
        worker.kill()

    def run(self, request: dict, timeout: float) -> dict | None:
        """Run ``request`` in a worker; None on timeout (the worker is killed)."""
        worker = self._checkout()

        reply = worker.call(request, timeout)
        if reply is None:
            worker.kill()
            return None
        self._checkin(worker)
        return reply

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            mine = self._pid == os.getpid()
        if mine:
            for worker in idle:
                worker.kill()


POOL = WorkerPool()
atexit.register(POOL.close)
