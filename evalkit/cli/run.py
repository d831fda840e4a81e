"""``evalkit run BENCHMARK``: generate, judge and score a benchmark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.cli import console
from evalkit.cli import out as out_console
from evalkit.model import BACKENDS, SamplingParams
from evalkit.pipeline import RunConfig, start


def run(
    benchmark: Annotated[str, typer.Argument(help="benchmark name (see `evalkit benchmarks`)")],
    model: Annotated[str, typer.Option(help="model id or path (recorded in the manifest)")] = "",
    backend: Annotated[str, typer.Option(help=f"one of: {', '.join(BACKENDS)}")] = "reference",
    data: Annotated[Optional[Path], typer.Option(help="benchmark data folder")] = None,
    generations: Annotated[Optional[Path], typer.Option(
        help="JSONL of generations for --backend replay")] = None,
    samples: Annotated[Optional[int], typer.Option(help="generations per problem")] = None,
    workers: Annotated[int, typer.Option(help="parallel judges")] = os.cpu_count() or 1,
    out: Annotated[Optional[Path], typer.Option(help="run directory")] = None,
    results: Annotated[Path, typer.Option(help="where run directories go")] = Path("results"),
    temperature: Annotated[float, typer.Option()] = 0.0,
    top_p: Annotated[float, typer.Option()] = 1.0,
    max_tokens: Annotated[int, typer.Option()] = 32768,
    seed: Annotated[int, typer.Option(help="run seed; each request's seed derives from it")] = 0,
    executor: Annotated[str, typer.Option(help="where judging runs: local | ray")] = "local",
    ray_address: Annotated[Optional[str], typer.Option(
        help="Ray cluster for --executor ray: auto | host:port | ray://host:10001")] = None,
    replicas: Annotated[int, typer.Option(
        help="data-parallel generation: this many engine replicas as Ray actors "
             "(needs --executor ray)")] = 1,
    replica_gpus: Annotated[float, typer.Option(
        help="GPUs per replica (the engine's tensor-parallel size)")] = 0.0,
) -> None:
    """Generate, judge and score BENCHMARK; re-running the same command resumes."""
    cfg = RunConfig(
        benchmark=benchmark, model=model or backend, backend=backend, data=data,
        generations=generations, samples=samples, workers=workers, out=out,
        results_root=results,
        sampling=SamplingParams(temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                                seed=seed),
        executor=executor, ray_address=ray_address, replicas=replicas,
        replica_gpus=replica_gpus,
    )
    start(cfg, console, out_console)
