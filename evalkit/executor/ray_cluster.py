"""Connecting to a Ray cluster (Ray is an optional extra, imported here only)."""

from __future__ import annotations

import os
import socket
from types import ModuleType
from typing import Any

from evalkit.errors import EvalkitError

# The custom resource judge nodes advertise, one unit per judge slot:
#   ray start ... --resources '{"evalkit_judge": 4}'
JUDGE_RESOURCE = "evalkit_judge"


def import_ray() -> ModuleType:
    """The ``ray`` module, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise EvalkitError("--executor ray needs Ray: pip install 'evalkit[ray]'") from None
    return ray


def _reachable(address: str, timeout: float = 10.0) -> None:
    """Fail fast on an address nothing listens at: ``ray.init`` would retry for minutes."""
    if address == "auto":
        return
    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise EvalkitError(f"--ray-address {address}: expected auto, host:port or "
                           "ray://host:port")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as e:
        raise EvalkitError(f"--ray-address {address}: nothing answers there ({e}); start a "
                           "cluster with `ray start --head`") from None


def connect(address: str) -> ModuleType:
    """Connect this process to the cluster at ``address`` (``auto``, ``host:port``, ``ray://``)."""
    ray = import_ray()
    if ray.is_initialized():
        return ray
    _reachable(address)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray.init(address=address, logging_level="WARNING", log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise EvalkitError(
            f"--ray-address {address}: cannot connect to a Ray cluster ({e}); start one with "
            "`ray start --head` (see README, 'Running on a Ray cluster')") from None
    return ray


def judge_nodes(ray: Any) -> list[dict[str, Any]]:
    """Alive nodes that advertise judge slots."""
    return [n for n in ray.nodes()
            if n.get("Alive") and n.get("Resources", {}).get(JUDGE_RESOURCE, 0) > 0]
