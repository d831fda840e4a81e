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
from evalkit.model.base import Backend

__all__ = ["EXECUTORS", "Executor", "LocalExecutor", "make_executor", "replicate"]

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


def replicate(backend: Backend, replicas: int, executor: str, ray_address: str | None,
              gpus_per_replica: float = 0.0) -> Backend:
    """``backend`` itself, or ``replicas`` data-parallel copies of it on Ray actors."""
    if replicas == 1:
        return backend
    if replicas < 1:
        raise EvalkitError("--replicas must be at least 1")
    if executor != "ray":
        raise EvalkitError("--replicas N (data-parallel generation) needs --executor ray")
    from evalkit.executor.ray_generate import RayDataParallel

    return RayDataParallel(backend, replicas, ray_address or "auto",
                           gpus_per_replica=gpus_per_replica)
