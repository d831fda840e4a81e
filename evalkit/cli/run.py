"""``evalkit run BENCHMARK``: generate, judge and score a benchmark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.cli import console
from evalkit.cli import out as out_console
from evalkit.judging.llm import JudgeSettings
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
    judge_backend: Annotated[Optional[str], typer.Option(
        help="backend of the judge model, for proof benchmarks (imo_proofbench, imo2025)")] = None,
    judge_model: Annotated[str, typer.Option(help="judge model id or path")] = "",
    judge_preset: Annotated[str, typer.Option(help="judge backend preset")] = "",
    judge_generations: Annotated[Optional[Path], typer.Option(
        help="JSONL of recorded verdicts for --judge-backend replay "
             '(problem_id "<problem>#<sample>", sample = attempt)')] = None,
    judge_temperature: Annotated[float, typer.Option()] = 0.0,
    judge_max_tokens: Annotated[int, typer.Option()] = 16384,
    judge_attempts: Annotated[int, typer.Option(
        help="times to ask the judge when its score cannot be parsed")] = 3,
    predictions: Annotated[Optional[Path], typer.Option(
        help="SWE-bench predictions (official JSONL/JSON, OpenHands output.jsonl, "
             "mini-SWE-agent preds.json or trajectories); implies --backend replay")] = None,
    timeout: Annotated[Optional[float], typer.Option(
        help="judge timeout per instance in seconds (benchmark default if unset)")] = None,
    clean_images: Annotated[bool, typer.Option(
        "--clean-images", help="remove each instance image after judging it")] = False,
) -> None:
    """Generate, judge and score BENCHMARK; re-running the same command resumes."""
    if predictions is not None:
        from evalkit.benchmarks import load_benchmark
        from evalkit.swebench.predictions import predictions_to_replay

        ids = [p.id for p in load_benchmark(benchmark, data).problems()]
        generations, pred_model = predictions_to_replay(predictions, ids, results / "predictions")
        backend, model = "replay", model or pred_model
    cfg = RunConfig(
        benchmark=benchmark, model=model or backend, backend=backend, data=data,
        generations=generations, samples=samples, workers=workers, out=out,
        results_root=results, judge_settings={"timeout": timeout, "clean_images": clean_images},
        sampling=SamplingParams(temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                                seed=seed),
        judge=None if judge_backend is None else JudgeSettings(
            backend=judge_backend, model=judge_model, preset=judge_preset,
            generations=str(judge_generations.resolve()) if judge_generations else None,
            sampling=SamplingParams(temperature=judge_temperature, max_tokens=judge_max_tokens,
                                    seed=seed),
            attempts=judge_attempts),
    )
    start(cfg, console, out_console)
