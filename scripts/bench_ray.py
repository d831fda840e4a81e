"""Benchmark the Ray executor against the local executor on the same machine.

What is measured, in one run on the same machine:

* **local, 1 worker**: ``--submissions`` copies of the aplusb model solution
  (compile + 17 tests each, ioi2024_sample) judged by :class:`LocalExecutor`
  with one container — the baseline.
* **ray, 1 worker node**: the same units judged by :class:`RayExecutor` on a
  Ray cluster started here: a head node without judge slots (the driver's
  side) and one worker node with one judge slot (``--resources
  '{"evalkit_judge": 1}'``).  Same parallelism as the baseline, so the ratio is
  Ray's overhead: task submission, shipping results back, the worker process.
* **ray, 2 worker nodes**: a second worker node with one slot joins; tasks per
  second with 1 and 2 nodes.  On a 2-core machine two judge slots compete with
  the Ray processes for the cores, so this shows Ray spreading the work more
  than it shows scaling.

Each executor is opened once and warmed up with one pass (container start,
first compile), then timed over ``--repeat`` interleaved rounds; the best
round of each counts.  The cost of opening each executor (connect, probe the
nodes' judge image) is printed separately.  Every round's verdicts are checked
(all AC).  Prints figures and a final JSON line; asserts nothing about timing.

Usage::

    .venv/bin/python scripts/bench_ray.py [--submissions 12] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from evalkit.benchmarks import load_benchmark  # noqa: E402
from evalkit.executor import Executor, LocalExecutor  # noqa: E402
from evalkit.records import Generation  # noqa: E402
from tests.executor.cluster import LocalCluster  # noqa: E402

console = Console()


def units(n: int) -> tuple[Any, list[Any]]:
    bench = load_benchmark("ioi2024_sample")
    problem = next(p for p in bench.problems() if p.id == "aplusb")
    code = (REPO / "benchmarks/ioi2024_sample/tasks/aplusb/solutions/model_solution/aplusb.cpp"
            ).read_text()
    gens = [Generation(problem_id="aplusb", sample=i, response=f"```cpp\n{code}\n```")
            for i in range(n)]
    return bench, [(problem, g) for g in gens]


def one_pass(ex: Executor, bench: Any, work: list[Any], ctx: Any) -> float:
    t = time.perf_counter()
    verdicts = [j.verdict for j in ex.judge(bench, work, ctx, "bench")]
    elapsed = time.perf_counter() - t
    if verdicts != ["AC"] * len(work):
        raise SystemExit(f"wrong verdicts: {verdicts}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from evalkit.executor.ray_judge import RayExecutor

    bench, work = units(args.submissions)
    cluster = LocalCluster(head_slots=0, head_cpus=1)
    results: dict[str, list[float]] = {"local": [], "ray1": [], "ray2": []}
    opened: dict[str, float] = {}
    try:
        cluster.add_node(slots=1, cpus=1)
        local = LocalExecutor(1)
        t = time.perf_counter()
        lctx = local.open(bench)
        opened["local"] = time.perf_counter() - t
        ray1 = RayExecutor(address=cluster.address)
        t = time.perf_counter()
        rctx = ray1.open(bench)
        opened["ray"] = time.perf_counter() - t
        one_pass(local, bench, work, lctx)
        one_pass(ray1, bench, work, rctx)
        for _ in range(args.repeat):
            results["local"].append(one_pass(local, bench, work, lctx))
            results["ray1"].append(one_pass(ray1, bench, work, rctx))
        local.close()
        ray1.close()
        cluster.add_node(slots=1, cpus=1)
        ray2 = RayExecutor(address=cluster.address)
        ctx2 = ray2.open(bench)
        one_pass(ray2, bench, work, ctx2)
        for _ in range(args.repeat):
            results["ray2"].append(one_pass(ray2, bench, work, ctx2))
        ray2.close()
    finally:
        cluster.stop()

    n = len(work)
    best = {k: min(v) for k, v in results.items()}
    fig = {
        "submissions": n,
        "local_1_worker_s": round(best["local"], 2),
        "ray_1_node_s": round(best["ray1"], 2),
        "overhead_ray_vs_local": round(best["ray1"] / best["local"], 3),
        "tasks_per_s_local": round(n / best["local"], 2),
        "tasks_per_s_ray_1_node": round(n / best["ray1"], 2),
        "tasks_per_s_ray_2_nodes": round(n / best["ray2"], 2),
        "open_local_s": round(opened["local"], 2),
        "open_ray_s": round(opened["ray"], 2),
        "loadavg": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    table = Table(title="Ray executor vs local executor (best round)", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for k, v in fig.items():
        table.add_row(k, str(v))
    console.print(table)
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
