"""What runs on a judge node of a Ray cluster (imported by Ray worker processes).

Each Ray worker process keeps one sandbox container (a one-worker
:class:`SandboxPool`) and the adapters it built, and reuses them for every task
it runs, so a task costs one ``docker exec``, not a container start.  Ray runs
tasks of the same function in a small set of long-lived worker processes per
node, one per judge slot in use.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import socket
from pathlib import Path
from typing import Any

from evalkit.benchmarks import BenchmarkSpec
from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.executor.shipping import ProblemData, materialize
from evalkit.records import Generation, Problem
from evalkit.sandbox.docker import DataStore, SandboxConfig, SandboxPool, default_cache_dir

_pool: SandboxPool | None = None
_pool_config: SandboxConfig | None = None
_benches: dict[tuple[str, str, str], Benchmark] = {}


def node_pool(config: SandboxConfig) -> SandboxPool:
    """This worker process's container, (re)started with ``config`` on first use."""
    global _pool, _pool_config
    # The driver's cache path means nothing here: data lives in this node's cache
    # (DataStore locks it across the node's processes).  Each process has one
    # container, pinned to a core no other slot on the node holds (hostlocks).
    cfg = dataclasses.replace(config, workers=1, cache_dir=default_cache_dir())
    if _pool is None or _pool_config != cfg:
        if _pool is not None:
            _pool.close()
        _pool = SandboxPool(cfg)
        _pool_config = cfg
        atexit.register(_pool.close)
    return _pool


def _bench(spec: BenchmarkSpec, problem_id: str, key: str, root: Path) -> Benchmark:
    from evalkit.benchmarks import _adapter

    k = (spec.name, problem_id, key)
    if k not in _benches:
        _benches[k] = _adapter(spec.adapter).for_problem(spec, problem_id, root)
    return _benches[k]


def judge_unit(spec: BenchmarkSpec, problem: Problem, generation: Generation, judge_key: str,
               sandbox: SandboxConfig | None, key: str, data: list[Any]) -> dict[str, Any]:
    """Judge one generation on this node; the Judgement as JSON for the driver to write.

    ``data`` is ``[ObjectRef]`` of the problem's :class:`ProblemData`, wrapped in a
    list so Ray does not fetch it for every task: it is fetched only when this
    node's cache lacks ``key``.
    """
    import ray

    def fetch() -> ProblemData:
        got: ProblemData = ray.get(data[0])
        return got

    root = materialize(key, fetch)
    bench = _bench(spec, problem.id, key, root)
    ctx = JudgeContext()
    if sandbox is not None:
        pool = node_pool(sandbox)
        ctx.pool, ctx.image_id = pool, pool.image_id
    return bench.judge(problem, generation, ctx, judge_key).to_json()


def probe(image: str) -> dict[str, Any]:
    """What this node would judge with: its judge image id and runner hash (or the error)."""
    from evalkit.sandbox.docker import connect, require_image, runner_path

    facts: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid(),
                             "runner_sha256": hashlib.sha256(runner_path().read_bytes())
                             .hexdigest()}
    try:
        facts["image_id"] = require_image(connect(60), image)
        DataStore(default_cache_dir())  # the node can create its data store
    except Exception as e:  # noqa: BLE001 - reported to the driver as one line
        facts["error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
    return facts
