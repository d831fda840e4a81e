"""Data-parallel generation on Ray: one backend (e.g. one vLLM engine) per Ray actor.

Each actor holds a copy of the backend — built but not started, so the engine
loads inside the actor, on the GPUs Ray gave it (``num_gpus`` = the engine's
tensor-parallel size) — and generates a deterministic shard of the requests:
requests sorted by (problem, sample), request ``i`` to replica ``i mod n``.
Every request carries its own seed (:func:`evalkit.model.request_seed`), so
which replica serves it does not change the output, and ``info()`` is the one
engine's, so the run directory is the same as with one engine.  Generations
stream back as each finishes (Ray streaming generators); the driver writes them.

When to prefer vLLM's own data parallelism (``data_parallel_size``): all GPUs on
one machine and one process is fine.  Ray actors fit when replicas span
machines, or the cluster is already Ray (vLLM itself uses Ray for multi-node).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.executor.ray_cluster import connect
from evalkit.model.base import Backend, GenerationRequest
from evalkit.records import Generation


def shard(requests: Sequence[GenerationRequest], n: int) -> list[list[GenerationRequest]]:
    """Request ``i`` of the (problem, sample) order goes to replica ``i mod n``."""
    ordered = sorted(requests, key=lambda r: (r.problem.id, r.sample))
    return [ordered[k::n] for k in range(n)]


class GenerationReplica:
    """A Ray actor around one backend (one engine)."""

    def __init__(self, backend: Backend):
        self.backend = backend

    def generate(self, requests: list[GenerationRequest]) -> Iterator[dict[str, Any]]:
        for g in self.backend.generate(requests):
            yield g.to_json()

    def close(self) -> None:
        self.backend.close()


class RayDataParallel(Backend):
    """``replicas`` copies of ``backend`` as Ray actors, each generating its shard."""

    def __init__(self, backend: Backend, replicas: int, address: str = "auto",
                 gpus_per_replica: float = 0.0, cpus_per_replica: float = 1.0):
        if replicas < 1:
            raise EvalkitError("--replicas must be at least 1")
        self.inner = backend
        self.name = backend.name
        self.replicas = replicas
        self._ray = connect(address)
        actor = self._ray.remote(GenerationReplica).options(
            num_gpus=gpus_per_replica, num_cpus=cpus_per_replica)
        self.actors = [actor.remote(backend) for _ in range(replicas)]

    def info(self) -> dict[str, Any]:
        # The engine's identity, not the replica count: outputs do not depend on it.
        return self.inner.info()

    def environment(self) -> dict[str, Any]:
        return {**self.inner.environment(), "data_parallel_replicas": self.replicas,
                "executor": "ray"}

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        ray = self._ray
        streams = [a.generate.options(num_returns="streaming").remote(part)
                   for a, part in zip(self.actors, shard(requests, self.replicas), strict=True)
                   if part]
        while streams:
            ready, _ = ray.wait(streams, num_returns=1, timeout=None)
            for stream in ready:
                try:
                    ref = next(stream)
                except StopIteration:
                    streams.remove(stream)
                    continue
                yield Generation.from_json(ray.get(ref))

    def close(self) -> None:
        ray = self._ray
        for a in self.actors:
            try:
                ray.get(a.close.remote(), timeout=120)
            except Exception:  # noqa: BLE001 - best effort: the actor may be gone
                pass
            ray.kill(a)
        self.actors = []
        self.inner.close()
