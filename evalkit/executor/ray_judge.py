"""``--executor ray``: judging units as Ray tasks on nodes that advertise judge slots.

Each unit (one submission's compile and tests) is a Ray task that needs one
``evalkit_judge`` resource, so it runs only on nodes started with
``--resources '{"evalkit_judge": N}'`` (N judge slots, sized to the node's
cores; each slot is one sandbox container).  The driver stays the single
writer of the run directory: results come back with ``ray.wait`` as each task
finishes, at most ``2 × slots`` tasks are in flight (back-pressure), each has a
deadline, and lost work is retried:

* a task whose worker or node dies is re-run elsewhere by Ray (``max_retries``);
* a task that raised, timed out, or came back with a judge error is submitted
  again, up to ``retries`` times, then stored as a judge error — never as a
  verdict, so the next run retries it.

Each problem's test data goes into the object store once (:mod:`.shipping`) and
is cached on each node by content hash.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.errors import EvalkitError
from evalkit.executor.base import Executor, Unit, judge_error
from evalkit.executor.ray_cluster import JUDGE_RESOURCE, connect, judge_nodes
from evalkit.executor.shipping import pack
from evalkit.records import Judgement, Problem

# Ray re-runs a task whose worker process or node died this many times.
SYSTEM_RETRIES = 3


@dataclass
class _Flight:
    unit: Unit
    submitted: float
    attempt: int


class RayExecutor(Executor):
    """Judge on a Ray cluster; see the module docstring for the guarantees."""

    name = "ray"

    def __init__(self, address: str = "auto", retries: int = 2,
                 deadline: float | None = None, in_flight_per_slot: int = 2):
        self.address = address
        self.retries = retries
        self.deadline = deadline
        self.in_flight_per_slot = in_flight_per_slot
        self.slots = 0
        self.nodes: list[dict[str, Any]] = []
        self._ray: Any = None
        self._connected_here = False
        self._sandbox: Any = None
        self._judge_nodes: list[dict[str, Any]] = []
        self._data: dict[str, tuple[str, Any]] = {}  # problem id -> (key, ObjectRef)
        self.retried = 0  # units submitted again after a failure
        self.puts = 0  # problems whose data went into the object store

    def open(self, bench: Benchmark) -> JudgeContext:
        self._connect()
        self._sandbox = bench.sandbox_config(1)
        ctx = JudgeContext()
        if self._sandbox is not None:
            ctx.image_id = self._check_nodes(self._sandbox.image)
        return ctx

    def _connect(self) -> None:
        from evalkit.executor.ray_cluster import import_ray

        self._connected_here = not import_ray().is_initialized()
        self._ray = connect(self.address)
        self._judge_nodes = judge_nodes(self._ray)
        self.slots = int(sum(n["Resources"][JUDGE_RESOURCE] for n in self._judge_nodes))
        if self.slots < 1:
            raise EvalkitError(
                f"Ray cluster at {self.address}: no node advertises judge slots; start judge "
                f"nodes with `ray start ... --resources '{{\"{JUDGE_RESOURCE}\": N}}'`")

    def _check_nodes(self, image: str) -> str:
        """Every judge node must judge with the same image and runner: same verdicts."""
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        from evalkit.executor import ray_node

        ray = self._ray
        probe = ray.remote(ray_node.probe)
        refs = {n["NodeManagerAddress"] + " " + n["NodeID"][:8]: probe.options(
            num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False),
        ).remote(image) for n in self._judge_nodes}
        gone = (ray.exceptions.TaskUnschedulableError, ray.exceptions.NodeDiedError,
                ray.exceptions.WorkerCrashedError)
        facts: dict[str, dict[str, Any]] = {}
        for name, ref in refs.items():
            try:
                facts[name] = ray.get(ref, timeout=300)
            except gone:
                # Listed alive but died since (Ray notices node loss late): not a judge node.
                continue
        if not facts:
            raise EvalkitError("no judge node answered; check `ray status` on the cluster")
        self.nodes = [{"node": k, **v} for k, v in facts.items()]
        bad = [f"{k}: {v['error']}" for k, v in facts.items() if "error" in v]
        if bad:
            raise EvalkitError(f"judge node {bad[0]} (build the image on every node with "
                               "`evalkit sandbox build`, or docker save/load it from the head)")
        ids = {v["image_id"] for v in facts.values()}
        runners = {v["runner_sha256"] for v in facts.values()}
        if len(ids) > 1 or len(runners) > 1:
            detail = ", ".join(f"{k}: {v['image_id'][:19]} runner {v['runner_sha256'][:8]}"
                               for k, v in facts.items())
            raise EvalkitError(f"judge nodes differ in judge image or runner ({detail}); "
                               "ship one image to all (docker save | docker load)")
        from evalkit.sandbox.docker import runner_path

        if runners != {hashlib.sha256(runner_path().read_bytes()).hexdigest()}:
            raise EvalkitError("judge nodes run a different evalkit runner than this driver; "
                               "install the same evalkit version on every node")
        return ids.pop()

    def _data_of(self, bench: Benchmark, problem: Problem) -> tuple[str, Any]:
        if problem.id not in self._data:
            payload = pack(bench.problem_files(problem.id))
            self._data[problem.id] = (payload.key, self._ray.put(payload))
            self.puts += 1
        return self._data[problem.id]

    def _deadline(self) -> float:
        if self.deadline is not None:
            return self.deadline
        job = self._sandbox.job_deadline if self._sandbox is not None else 3600.0
        # Measured from submission: a task may wait behind one other per slot.
        return 2 * job + 120

    def judge(self, bench: Benchmark, units: Sequence[Unit], ctx: JudgeContext,
              judge_key: str) -> Iterator[Judgement]:
        from evalkit.executor import ray_node

        ray = self._ray
        remote = ray.remote(ray_node.judge_unit).options(
            num_cpus=0, resources={JUDGE_RESOURCE: 1}, max_retries=SYSTEM_RETRIES,
            retry_exceptions=False)
        limit = max(1, self.in_flight_per_slot * self.slots)
        deadline = self._deadline()
        flights: dict[Any, _Flight] = {}
        queue: list[tuple[Unit, int]] = [(u, 0) for u in reversed(units)]

        def submit(unit: Unit, attempt: int) -> None:
            problem, g = unit
            key, ref = self._data_of(bench, problem)
            obj = remote.remote(bench.spec, problem, g, judge_key, self._sandbox, key, [ref])
            flights[obj] = _Flight(unit, time.monotonic(), attempt)

        def again(f: _Flight, why: str) -> Judgement | None:
            """Re-queue a failed unit, or give up with a judge error after ``retries``."""
            if f.attempt < self.retries:
                self.retried += 1
                queue.append((f.unit, f.attempt + 1))
                return None
            return judge_error(f.unit[0], f.unit[1], judge_key, why)

        try:
            while queue or flights:
                while queue and len(flights) < limit:
                    unit, attempt = queue.pop()
                    submit(unit, attempt)
                ready, _ = ray.wait(list(flights), num_returns=1, timeout=1.0)
                if ready:
                    ready, _ = ray.wait(list(flights), num_returns=len(flights), timeout=0)
                for obj in ready:
                    f = flights.pop(obj)
                    try:
                        j = Judgement.from_json(ray.get(obj))
                    except Exception as e:  # noqa: BLE001 - task or node failure: infra
                        out = again(f, f"ray: {type(e).__name__}: {str(e).splitlines()[0]}"
                                    if str(e) else f"ray: {type(e).__name__}")
                    else:
                        # Keep the adapter's own judge-error record when giving up.
                        out = j if not j.judge_error or again(f, j.judge_error) else None
                    if out is not None:
                        yield out
                now = time.monotonic()
                for obj, f in list(flights.items()):
                    if now - f.submitted > deadline:
                        flights.pop(obj)
                        ray.cancel(obj, force=True)
                        out = again(f, f"ray: no result within the {deadline:.0f}s deadline")
                        if out is not None:
                            yield out
        finally:
            for obj in flights:
                ray.cancel(obj, force=True)

    def info(self) -> dict[str, Any]:
        return {"executor": self.name, "address": self.address, "slots": self.slots,
                "nodes": len(self.nodes)}

    def close(self) -> None:
        self._data.clear()
        if self._ray is not None and self._connected_here:
            self._ray.shutdown()
        self._ray = None
