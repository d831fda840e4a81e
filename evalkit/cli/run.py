"""``evalkit run BENCHMARK``: generate, judge and score a benchmark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from evalkit.cli import console
from evalkit.cli import out as out_console
from evalkit.judging.llm import JudgeSettings
from evalkit.model import BACKENDS, ClientSettings, SamplingParams
from evalkit.model.config import list_presets
from evalkit.model.stats import DEFAULT_THRESHOLD
from evalkit.pipeline import RunConfig, parse_shard, start

GEN = "Generation (override the preset and the benchmark's [generation])"
SERVER = "OpenAI-compatible server (--backend openai / serve)"
JUDGE = "Judge model (proof benchmarks: imo_proofbench, imo2025)"
SWE = "SWE-bench"


def run(
    benchmarks: Annotated[list[str], typer.Argument(
        metavar="BENCHMARK",
        help="benchmark name (see `evalkit benchmarks`); several, or a suite .toml file, "
             "run as one suite sharing one engine")],
    model: Annotated[str, typer.Option(
        help="model directory or hub id (vllm/serve), served model name or directory (openai); "
             "recorded in the manifest")] = "",
    backend: Annotated[str, typer.Option(help=f"one of: {', '.join(BACKENDS)}")] = "reference",
    preset: Annotated[Optional[str], typer.Option(
        help=f"model preset: {', '.join(list_presets())} (or a .toml file)")] = None,
    data: Annotated[Optional[Path], typer.Option(help="benchmark data folder")] = None,
    generations: Annotated[Optional[Path], typer.Option(
        help="JSONL of generations for --backend replay")] = None,
    strict_ids: Annotated[bool, typer.Option(
        help="replay: generations of problem ids not in the benchmark are an error "
             "(default: a warning with counts)")] = False,
    samples: Annotated[Optional[int], typer.Option(help="generations per problem")] = None,
    shard: Annotated[Optional[str], typer.Option(
        help="generate only slice i of n (i/n); combine with `evalkit merge`")] = None,
    workers: Annotated[int, typer.Option(help="parallel judges")] = os.cpu_count() or 1,
    out: Annotated[Optional[Path], typer.Option(help="run directory")] = None,
    results: Annotated[Path, typer.Option(help="where run directories go")] = Path("results"),
    temperature: Annotated[Optional[float], typer.Option(rich_help_panel=GEN)] = None,
    top_p: Annotated[Optional[float], typer.Option(rich_help_panel=GEN)] = None,
    top_k: Annotated[Optional[int], typer.Option(rich_help_panel=GEN)] = None,
    max_tokens: Annotated[Optional[int], typer.Option(rich_help_panel=GEN)] = None,
    seed: Annotated[Optional[int], typer.Option(
        help="run seed; each request's seed derives from it", rich_help_panel=GEN)] = None,
    max_model_len: Annotated[Optional[int], typer.Option(rich_help_panel=GEN)] = None,
    tensor_parallel_size: Annotated[Optional[int], typer.Option(rich_help_panel=GEN)] = None,
    data_parallel_size: Annotated[Optional[int], typer.Option(rich_help_panel=GEN)] = None,
    dtype: Annotated[Optional[str], typer.Option(rich_help_panel=GEN)] = None,
    gpu_memory_utilization: Annotated[Optional[float], typer.Option(rich_help_panel=GEN)] = None,
    trust_remote_code: Annotated[Optional[bool], typer.Option(
        "--trust-remote-code/--no-trust-remote-code", rich_help_panel=GEN)] = None,
    thinking: Annotated[Optional[bool], typer.Option(
        "--thinking/--no-thinking", help="chat template enable_thinking",
        rich_help_panel=GEN)] = None,
    base_url: Annotated[str, typer.Option(rich_help_panel=SERVER)] = ClientSettings.base_url,
    served_model: Annotated[str, typer.Option(
        help="model name on the server (default: its first)", rich_help_panel=SERVER)] = "",
    concurrency: Annotated[int, typer.Option(
        help="requests in flight", rich_help_panel=SERVER)] = ClientSettings.concurrency,
    timeout: Annotated[float, typer.Option(
        help="seconds per request", rich_help_panel=SERVER)] = ClientSettings.timeout,
    max_retries: Annotated[int, typer.Option(rich_help_panel=SERVER)] = ClientSettings.max_retries,
    warn_threshold: Annotated[float, typer.Option(
        help="warn when truncation / unclosed reasoning / no answer exceed this rate"
    )] = DEFAULT_THRESHOLD,
    judge_backend: Annotated[Optional[str], typer.Option(
        help="backend of the judge model", rich_help_panel=JUDGE)] = None,
    judge_model: Annotated[str, typer.Option(
        help="judge model id or path", rich_help_panel=JUDGE)] = "",
    judge_preset: Annotated[str, typer.Option(
        help="judge backend preset", rich_help_panel=JUDGE)] = "",
    judge_generations: Annotated[Optional[Path], typer.Option(
        help="JSONL of recorded verdicts for --judge-backend replay "
             '(problem_id "<problem>#<sample>", sample = attempt)', rich_help_panel=JUDGE)] = None,
    judge_temperature: Annotated[float, typer.Option(rich_help_panel=JUDGE)] = 0.0,
    judge_max_tokens: Annotated[int, typer.Option(rich_help_panel=JUDGE)] = 16384,
    judge_attempts: Annotated[int, typer.Option(
        help="times to ask the judge when its score cannot be parsed",
        rich_help_panel=JUDGE)] = 3,
    predictions: Annotated[Optional[Path], typer.Option(
        help="SWE-bench predictions (official JSONL/JSON, OpenHands output.jsonl, "
             "mini-SWE-agent preds.json or trajectories); implies --backend replay",
        rich_help_panel=SWE)] = None,
    eval_timeout: Annotated[Optional[float], typer.Option(
        help="SWE-bench eval timeout per instance in seconds (default 1800)",
        rich_help_panel=SWE)] = None,
    clean_images: Annotated[bool, typer.Option(
        "--clean-images", help="remove each instance image after judging it",
        rich_help_panel=SWE)] = False,
    executor: Annotated[str, typer.Option(help="where judging runs: local | ray")] = "local",
    ray_address: Annotated[Optional[str], typer.Option(
        help="Ray cluster for --executor ray: auto | host:port | ray://host:10001")] = None,
    replicas: Annotated[int, typer.Option(
        help="data-parallel generation: this many engine replicas as Ray actors "
             "(needs --executor ray)")] = 1,
    replica_gpus: Annotated[float, typer.Option(
        help="GPUs per replica (the engine's tensor-parallel size)")] = 0.0,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="show engine logs live (default: <run>/engine.log)")] = False,
    model_name: Annotated[Optional[str], typer.Option(
        help="readable model name for tables and reports (default: the checkpoint "
             "folder's name; the manifest keeps --model)")] = None,
) -> None:
    """Generate, judge and score BENCHMARK; re-running the same command resumes."""
    from evalkit.suite import is_suite_request

    suite = benchmarks if is_suite_request(benchmarks) else None
    benchmark = benchmarks[0]
    if predictions is not None:
        from evalkit.benchmarks import load_benchmark
        from evalkit.swebench.predictions import predictions_to_replay

        ids = [p.id for p in load_benchmark(benchmark, data).problems()]
        generations, pred_model = predictions_to_replay(predictions, ids, results / "predictions")
        backend, model = "replay", model or pred_model
    overrides: dict[str, Any] = {
        "temperature": temperature, "top_p": top_p, "top_k": top_k, "max_tokens": max_tokens,
        "seed": seed, "max_model_len": max_model_len,
        "tensor_parallel_size": tensor_parallel_size, "data_parallel_size": data_parallel_size,
        "dtype": dtype, "gpu_memory_utilization": gpu_memory_utilization,
        "trust_remote_code": trust_remote_code,
        "chat_template_kwargs": None if thinking is None else {"enable_thinking": thinking},
        "model": model if backend in ("vllm", "serve", "openai") and model else None,
    }
    cfg = RunConfig(
        benchmark=benchmark, model=model, backend=backend, data=data,
        generations=generations, samples=samples, workers=workers, out=out,
        results_root=results, preset=preset, overrides=overrides,
        client=ClientSettings(base_url=base_url, concurrency=concurrency, timeout=timeout,
                              max_retries=max_retries),
        served_model=served_model, shard=parse_shard(shard) if shard else None,
        warn_threshold=warn_threshold, strict_ids=strict_ids,
        judge_settings={"timeout": eval_timeout, "clean_images": clean_images},
        judge=None if judge_backend is None else JudgeSettings(
            backend=judge_backend, model=judge_model, preset=judge_preset,
            generations=str(judge_generations.resolve()) if judge_generations else None,
            sampling=SamplingParams(temperature=judge_temperature, max_tokens=judge_max_tokens,
                                    seed=seed or 0),
            attempts=judge_attempts),
        executor=executor, ray_address=ray_address, replicas=replicas,
        replica_gpus=replica_gpus, verbose=verbose, model_name=model_name,
    )
    if suite is not None:
        from evalkit.suite import run_suite, suite_of

        run_suite(suite_of(suite), cfg, console, out_console)
        return
    start(cfg, console, out_console)
