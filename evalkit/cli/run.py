"""``evalkit run BENCHMARK``: generate, judge and score a benchmark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from evalkit.benchmarks.options import parse_sets
from evalkit.cli import console
from evalkit.cli import out as out_console
from evalkit.judging.llm import JudgeSettings
from evalkit.model import BACKENDS, ClientSettings, SamplingParams
from evalkit.model.config import list_presets
from evalkit.model.stats import DEFAULT_THRESHOLD
from evalkit.pipeline import RunConfig, exit_if_nothing_measured, parse_shard, start

GEN = "Generation (override the preset and the benchmark's \\[generation])"
SERVER = "OpenAI-compatible server (--backend openai / serve)"
JUDGE = "Judge model (benchmarks graded by a model, e.g. the proof benchmarks)"
BENCH = "Benchmark options and subsets"
# Extra --flags are a benchmark's own aliases of --set options (see BenchmarkOptions.ALIASES).
CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def run(
    ctx: typer.Context,
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
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", help="benchmark option KEY=VALUE (repeatable; value read as TOML, e.g. "
                      "judge.timeout=900); `evalkit benchmarks --options NAME` lists them",
        rich_help_panel=BENCH)] = None,
    limit: Annotated[Optional[int], typer.Option(
        help="run only the first N problems (in the benchmark's order)",
        rich_help_panel=BENCH)] = None,
    problems: Annotated[Optional[str], typer.Option(
        help="run only these problems: ID[,ID...]", rich_help_panel=BENCH)] = None,
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
        help="outputs made elsewhere, in a format the benchmark reads (SWE-bench: official "
             "JSONL/JSON, OpenHands output.jsonl, mini-SWE-agent preds.json or trajectories); "
             "implies --backend replay", rich_help_panel=BENCH)] = None,
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
    from evalkit.benchmarks import load_benchmark, options_class
    from evalkit.errors import EvalkitError
    from evalkit.suite import is_suite_request

    # A benchmark's own flags (--eval-timeout 900) arrive after its name: the variadic
    # argument keeps unknown options in order, so split them off at the first flag.
    names, extra = _split_flags(benchmarks)
    extra += list(ctx.args)
    if not names:
        raise EvalkitError("evalkit run: name a benchmark (see `evalkit benchmarks`)")
    suite = names if is_suite_request(names) else None
    benchmark = names[0]
    if suite is not None:
        if extra or set_ or predictions is not None:
            raise EvalkitError("benchmark options (--set, a benchmark's own flags, "
                               "--predictions) apply to one benchmark, not to a suite")
        options: dict[str, Any] = {}
    else:
        options = {**parse_aliases(extra, options_class(benchmark), benchmark),
                   **parse_sets(set_ or [])}
    if predictions is not None:
        # Converted next to the run (its directory, or --results), never into the cwd.
        dest = (out if out is not None else results) / "predictions"
        generations, pred_model = load_benchmark(benchmark, data, options).import_predictions(
            predictions, dest)
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
        options=options, limit=limit,
        problems=None if problems is None else [p.strip() for p in problems.split(",")],
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
    exit_if_nothing_measured(start(cfg, console, out_console), console)


run.context_settings = CONTEXT  # type: ignore[attr-defined]


def _split_flags(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Benchmark names, then everything from the first ``-`` token on."""
    for i, tok in enumerate(tokens):
        if tok.startswith("-"):
            return tokens[:i], tokens[i:]
    return list(tokens), []


def parse_aliases(args: list[str], options: Any, benchmark: str) -> dict[str, Any]:
    """The benchmark's own flags (``--eval-timeout 900``) as ``--set`` options; anything
    else left over on the command line is a one-line error."""
    from evalkit.benchmarks.options import option_type, parse_value
    from evalkit.errors import EvalkitError

    out: dict[str, Any] = {}
    rest = list(args)
    while rest:
        tok = rest.pop(0)
        name, eq, text = tok[2:].partition("=") if tok.startswith("--") else ("", "", "")
        key = options.ALIASES.get(name)
        if key is None:
            flags = ", ".join(f"--{a}" for a in options.ALIASES) or "none"
            raise EvalkitError(f"unknown option {tok!r} for `evalkit run {benchmark}` (its own "
                               f"flags: {flags}; benchmark options go through --set KEY=VALUE)")
        if eq:
            out[key] = parse_value(text)
        elif option_type(options, key) is bool:
            out[key] = True
        elif rest:
            out[key] = parse_value(rest.pop(0))
        else:
            raise EvalkitError(f"--{name} needs a value")
    return out
