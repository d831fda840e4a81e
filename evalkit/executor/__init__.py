"""Where judging (and data-parallel generation) runs: this machine or a Ray cluster.

``local`` is a thread pool with one sandbox container per worker; ``ray``
sends each judging unit to a node of a Ray cluster that advertises judge slots
(see :mod:`evalkit.executor.ray_judge`).  Ray is an optional extra, imported
only when ``--executor ray`` is chosen.
"""

from __future__ import annotations

from evalkit.errors import EvalkitError
from evalkit.executor.base import Executor
from evalkit.executor.local import LocalExecutor

__all__ = ["EXECUTORS", "Executor", "LocalExecutor", "make_executor"]

EXECUTORS = ("local", "ray")


def make_executor(name: str, workers: int, ray_address: str | None = None) -> Executor:
    """The executor called ``name`` (``local`` or ``ray``)."""
    if name == "local":
        if ray_address:
            raise EvalkitError("--ray-address needs --executor ray")
        return LocalExecutor(workers)
    if name == "ray":
        from evalkit.executor.ray_judge import RayExecutor

        return RayExecutor(address=ray_address or "auto")
    raise EvalkitError(f"unknown executor {name!r} (available: {', '.join(EXECUTORS)})")
