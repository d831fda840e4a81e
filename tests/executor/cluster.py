"""A real Ray cluster on this machine for tests and benchmarks: a head and worker nodes.

Each node is a ``ray start --block`` process in its own process group, so a
test can kill one node (as a machine loss would) and tear all down without
touching any other Ray on the machine.  Nodes advertise judge slots with the
``evalkit_judge`` resource, exactly as a real cluster's nodes would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RAY = Path(sys.executable).with_name("ray")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalCluster:
    """``ray start --head`` plus ``add_node()`` workers, all in a private temp dir."""

    def __init__(self, head_slots: int = 1, head_cpus: int = 1,
                 env: dict[str, str] | None = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="evalkit-ray-"))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.nodes: list[subprocess.Popen[bytes]] = []
        # Ray workers must import this checkout's evalkit, as every node of a
        # real cluster needs evalkit installed.
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "RAY_USAGE_STATS_ENABLED": "0",
                    **(env or {})}
        self._start(["--head", "--port", str(self.port), "--temp-dir", str(self.tmp),
                     "--include-dashboard", "false", "--dashboard-agent-listen-port",
                     str(free_port())], head_slots, head_cpus)
        self.wait_for(1)

    def _start(self, args: list[str], slots: int, cpus: int) -> subprocess.Popen[bytes]:
        index = len(self.nodes)
        log = open(self.tmp / f"node{index}.log", "wb")
        # Each node has its own cache (shipped data, judge data store), as
        # separate machines would.
        env = {**self.env, "EVALKIT_CACHE": str(self.cache(index))}
        resources = json.dumps({"evalkit_judge": slots}) if slots else "{}"
        proc = subprocess.Popen(
            [str(RAY), "start", *args, "--num-cpus", str(cpus), "--resources", resources,
             "--object-store-memory", str(80 * 1024**2), "--disable-usage-stats", "--block"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.nodes.append(proc)
        return proc

    def cache(self, index: int) -> Path:
        """Node ``index``'s evalkit cache folder."""
        return self.tmp / f"node{index}" / "cache"

    def add_node(self, slots: int = 1, cpus: int = 1) -> subprocess.Popen[bytes]:
        """Start one more worker node and wait until the cluster sees it."""
        proc = self._start(["--address", self.address, "--dashboard-agent-listen-port",
                            str(free_port())], slots, cpus)
        self.wait_for(len(self.nodes))
        return proc

    def wait_for(self, n: int, timeout: float = 120) -> None:
        """Wait until the cluster has ``n`` alive nodes (polled from one short-lived driver)."""
        poll = (
            "import ray, sys, time\n"
            f"ray.init(address={self.address!r}, logging_level='ERROR')\n"
            f"end = time.monotonic() + {timeout}\n"
            "while time.monotonic() < end:\n"
            f"    if sum(1 for x in ray.nodes() if x['Alive']) == {n}: sys.exit(0)\n"
            "    time.sleep(0.5)\n"
            "sys.exit(1)\n")
        end = time.monotonic() + timeout
        while time.monotonic() < end:  # the head may not accept drivers yet
            if subprocess.run([sys.executable, "-c", poll], env=self.env, capture_output=True,
                              timeout=timeout + 60).returncode == 0:
                return
            time.sleep(1)
        raise RuntimeError(f"Ray cluster did not reach {n} nodes; see {self.tmp}")

    def kill_node(self, proc: subprocess.Popen[bytes]) -> None:
        """Kill a node and everything it started (raylet, workers) at once: a lost machine."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        # Disconnect this process first: a Ray driver whose cluster dies under it
        # exits the whole process (here: pytest) once it notices.
        ray = sys.modules.get("ray")
        if ray is not None and ray.is_initialized():
            ray.shutdown()
        for proc in reversed(self.nodes):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.nodes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            # Whatever the node left in its group (workers, gcs) goes too.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.remove_stale_containers()

    @staticmethod
    def remove_stale_containers() -> None:
        from evalkit.sandbox.docker import cleanup_stale, connect

        cleanup_stale(connect())
