"""One run: load problems -> generate -> extract/judge -> aggregate.

Each stage reads the run directory and appends what is missing, so any stage
can run alone (``evalkit judge RUN`` re-judges without generating) and a killed
run resumes where it stopped.  See docs/architecture.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

import evalkit
from evalkit._resources import repo_root
from evalkit.benchmarks import Benchmark, load_benchmark
from evalkit.benchmarks.base import JudgeContext
from evalkit.errors import EvalkitError
from evalkit.executor import Executor, LocalExecutor, make_executor, replicate
from evalkit.judging.llm import JudgeModel, JudgeSettings
from evalkit.model import (
    Backend,
    ClientSettings,
    GenerationRequest,
    SamplingParams,
    make_backend,
    request_seed,
)
from evalkit.model.config import resolve
from evalkit.model.replay import ReplayBackend
from evalkit.model.stats import DEFAULT_THRESHOLD, generation_stats
from evalkit.records import Generation, Problem
from evalkit.rundir import RunDir

# Manifest fields that must match when a run is resumed.
IDENTITY = ("benchmark", "data_hash", "model", "backend", "sampling", "samples", "shard")


@dataclass
class RunConfig:
    benchmark: str
    model: str = "reference"
    backend: str = "reference"
    data: Path | None = None
    generations: Path | None = None
    samples: int | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    out: Path | None = None
    results_root: Path = Path("results")
    sampling: SamplingParams | None = None  # base sampling (None: defaults)
    # Generation: model preset, then the spec's [generation], then these (None = unset).
    preset: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    client: ClientSettings = field(default_factory=ClientSettings)
    served_model: str = ""
    shard: tuple[int, int] | None = None  # (i, n): the i-th of n deterministic slices
    warn_threshold: float = DEFAULT_THRESHOLD
    judge: JudgeSettings | None = None  # the judge model, for benchmarks graded by one
    judge_settings: dict[str, Any] = field(default_factory=dict)  # adapter run options
    executor: str = "local"  # where judging runs: local | ray (evalkit.executor)
    ray_address: str | None = None
    replicas: int = 1  # data-parallel generation: engine replicas as Ray actors
    replica_gpus: float = 0.0  # GPUs per replica (the engine's tensor-parallel size)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_sha() -> str | None:
    root = repo_root()
    if root is None:
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "evalkit",
                                "sandboxes"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "model"


def progress(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                    console=console, transient=False)


def require_prompts(bench: Benchmark, problems: Sequence[Problem]) -> None:
    """Refuse to generate for problems without a prompt (statements not bundled)."""
    missing = [p.id for p in problems if not p.messages]
    reasons = [p.meta["prompt_error"] for p in problems
               if not p.messages and p.meta.get("prompt_error")]
    if reasons:
        raise EvalkitError(f"{bench.name}: cannot build the prompt for {len(reasons)} "
                           f"problem(s): {reasons[0]}")
    if missing:
        raise EvalkitError(f"{bench.name}: no problem statement for {len(missing)} problem(s) "
                           f"(e.g. {missing[0]}); {bench.spec.data_help}")


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> (i, n) with 0 <= i < n."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise EvalkitError(f"--shard {text!r}: expected i/n, e.g. 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise EvalkitError(f"--shard {text!r}: need 0 <= i < n")
    return i, n


def shard_pairs(problems: Sequence[Problem], samples: dict[str, int],
                shard: tuple[int, int] | None) -> list[tuple[Problem, int]]:
    """The (problem, sample) pairs this run generates: every n-th from i, in a fixed order."""
    pairs = [(p, i) for p in problems for i in range(samples[p.id])]
    if shard is None:
        return pairs
    k, n = shard
    return pairs[k::n]


def plan_samples(cfg: RunConfig, backend: Backend, problems: Sequence[Problem]) -> dict[str, int]:
    """How many samples each problem gets."""
    if cfg.samples is not None:
        if cfg.samples < 1:
            raise EvalkitError("--samples must be at least 1")
        return {p.id: cfg.samples for p in problems}
    if isinstance(backend, ReplayBackend):
        out = {}
        for p in problems:
            have = backend.samples_for(p.id)
            if not have:
                raise EvalkitError(f"{backend.path}: no generation for problem {p.id!r}")
            out[p.id] = max(have) + 1
        return out
    return {p.id: 1 for p in problems}


def start(cfg: RunConfig, console: Console, out: Console | None = None) -> dict[str, Any]:
    """Run the whole pipeline for ``cfg``; return the summary."""
    bench = load_benchmark(cfg.benchmark, cfg.data)
    bench.configure(cfg.judge_settings)
    problems = bench.problems()
    spec_gen = bench.spec.settings.get("generation")
    if spec_gen is not None and not isinstance(spec_gen, dict):
        raise EvalkitError(f"{bench.spec.spec_path}: [generation] must be a table")
    base = cfg.sampling.to_json() if cfg.sampling else {}
    params, engine = resolve(cfg.preset, spec_gen, {**base, **cfg.overrides},
                             spec_where=f"{bench.spec.spec_path} [generation]")
    model = cfg.model or engine.model or cfg.backend
    backend = make_backend(cfg.backend, generations=cfg.generations, engine=engine,
                           client=cfg.client, served_model=cfg.served_model)
    judge_model = make_judge_model(bench, cfg.judge)
    backend = replicate(backend, cfg.replicas, cfg.executor, cfg.ray_address, cfg.replica_gpus)
    samples = plan_samples(cfg, backend, problems)
    if backend.uses_prompts:
        require_prompts(bench, problems)
    identity = {
        "benchmark": bench.name,
        "data_hash": bench.data_hash(),
        "model": model,
        "backend": backend.info(),
        "sampling": params.to_json(),
        "samples": samples,
        "shard": list(cfg.shard) if cfg.shard else None,
    }
    shard_tag = [f"shard{cfg.shard[0]}of{cfg.shard[1]}"] if cfg.shard else []
    run_id = "--".join([bench.name, slug(model), backend.name, *shard_tag,
                        hashlib.sha256(json.dumps(identity, sort_keys=True).encode())
                        .hexdigest()[:8]])
    rd = RunDir(cfg.out or cfg.results_root / run_id)
    rd.lock()
    try:
        if rd.exists():
            old = rd.read_manifest()
            for k in IDENTITY:
                if old.get(k) != identity[k]:
                    raise EvalkitError(
                        f"{rd.manifest_path}: this run was made with a different {k!r}; "
                        "use another --out to start a new run")
            console.print(f"[bold]resuming[/] {rd.path}")
        else:
            rd.write_manifest({
                **identity,
                "run_id": rd.path.name,
                "data_dir": str(bench.data_dir) if bench.data_dir else None,
                "evalkit_version": evalkit.__version__,
                "git_sha": git_sha(),
                "python": sys.version.split()[0],
                "platform": platform.platform(),
                "command": sys.argv,
                "started_at": now(),
                "preset": cfg.preset,
            })
            console.print(f"[bold]run[/] {rd.path}")
        rd.update_manifest(judge_settings=cfg.judge_settings)  # `evalkit judge` reuses them
        pairs = shard_pairs(problems, samples, cfg.shard)
        generate(rd, pairs, backend, params, console)
        rd.update_manifest(generated_at=now(), environment=backend.environment())
        if judge_model is not None:
            rd.update_manifest(judge_model=judge_model.settings.to_json())
        summary = judge(rd, bench, problems, cfg.workers, console, out=out,
                        judge_model=judge_model, warn_threshold=cfg.warn_threshold,
                        executor=make_executor(cfg.executor, cfg.workers, cfg.ray_address))
        return summary
    finally:
        backend.close()
        if judge_model is not None:
            judge_model.close()
        rd.unlock()


def make_judge_model(bench: Benchmark, settings: JudgeSettings | None) -> JudgeModel | None:
    """The judge model for a benchmark graded by one; an error if it needs one and has none."""
    if not bench.needs_judge_model:
        return None
    if settings is None:
        raise EvalkitError(f"{bench.name} is graded by a judge model: pass --judge-backend "
                           "(and --judge-model, or --judge-generations for replay)")
    return JudgeModel(settings)


def generate(rd: RunDir, pairs: Sequence[tuple[Problem, int]], backend: Backend,
             params: SamplingParams, console: Console) -> None:
    """Generate every (problem, sample) of ``pairs`` not yet in generations.jsonl.

    The request seed depends only on (run seed, problem, sample), so a resumed
    or sharded run asks the engine for exactly the requests a single run would.
    """
    have = rd.generations()
    requests = [
        GenerationRequest(problem=p, sample=i, messages=p.messages, params=params,
                          seed=request_seed(params.seed, p.id, i))
        for p, i in pairs if (p.id, i) not in have
    ]
    if not requests:
        return
    with rd.generation_log() as log, progress(console) as bar:
        task = bar.add_task(f"generating ({backend.name})", total=len(requests))
        for g in backend.generate(requests):
            log.append(g.to_json())
            bar.advance(task)


def judge(rd: RunDir, bench: Benchmark, problems: Sequence[Problem], workers: int,
          console: Console, force: bool = False, out: Console | None = None,
          judge_model: JudgeModel | None = None,
          warn_threshold: float = DEFAULT_THRESHOLD,
          executor: Executor | None = None) -> dict[str, Any]:
    """Judge generations without a judgement under the current judge, then aggregate.

    ``executor`` says where judging runs (default: ``workers`` threads here); it
    never enters the judge fingerprint, so a run judged on one executor resumes
    on another.
    """
    executor = executor or LocalExecutor(workers)
    if judge_model is not None and not isinstance(executor, LocalExecutor):
        # The judge model is an engine in this process; remote judges cannot reach it.
        raise EvalkitError(f"{bench.name} is graded by a judge model: use --executor local")
    ctx = executor.open(bench)
    ctx.run_dir, ctx.judge_model = rd.path, judge_model
    try:
        fingerprint = bench.judge_fingerprint(ctx)
        judge_key = hashlib.sha256(
            json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:16]
        sandbox_cfg = bench.sandbox_config(workers)
        rd.update_manifest(judge={**fingerprint, "judge_key": judge_key,
                                  "image": sandbox_cfg.image if sandbox_cfg else None,
                                  "workers": workers, "executor": executor.info()})
        by_id = {p.id: p for p in problems}
        gens = rd.generations()
        done = {} if force else rd.judgements(judge_key)
        todo = [g for k, g in sorted(gens.items())
                if g.problem_id in by_id and (k not in done or done[k].judge_error)]
        if todo:
            _judge_all(rd, bench, by_id, todo, ctx, judge_key, executor, console)
        rd.update_manifest(judged_at=now())
    finally:
        executor.close()
    return summarize(rd, bench, problems, judge_key, console, out, warn_threshold)


def summarize(rd: RunDir, bench: Benchmark, problems: Sequence[Problem], judge_key: str,
              console: Console, out: Console | None = None,
              warn_threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Aggregate the judgements under ``judge_key`` into summary.json and show it."""
    by_id = {p.id: p for p in problems}
    gens = rd.generations()
    judgements = rd.judgements(judge_key)
    summary = bench.summarize(problems, judgements)
    summary["run_id"] = rd.path.name
    summary["judge_key"] = judge_key
    summary["generations"] = len(gens)
    summary["judged"] = len(judgements)
    summary["generation"] = generation_stats(
        (g for g in gens.values() if g.problem_id in by_id), warn_threshold)
    rd.write_summary(summary)
    bench.finish(rd.path, summary)
    (out or console).print(bench.render(summary))
    warn_generation(summary["generation"], bench.name, console)
    return summary


def warn_generation(stats: dict[str, Any], benchmark: str, console: Console) -> None:
    """Say loudly when truncation, unclosed reasoning or missing answers pass the threshold."""
    from rich.panel import Panel

    if stats["warnings"]:
        console.print(Panel("\n".join(stats["warnings"]) + "\nscores are likely understated: "
                            "raise max_tokens or check the chat template / reasoning parser",
                            title=f"[bold red]generation warning: {benchmark}[/]",
                            border_style="red"))


def _judge_all(rd: RunDir, bench: Benchmark, by_id: dict[str, Problem], todo: list[Generation],
               ctx: JudgeContext, judge_key: str, executor: Executor, console: Console) -> None:
    # This process is the only writer of the run directory, whichever executor runs.
    units = [(by_id[g.problem_id], g) for g in todo]
    with rd.judgement_log() as log, progress(console) as bar:
        task = bar.add_task(f"judging ({executor.name})", total=len(units))
        for j in executor.judge(bench, units, ctx, judge_key):
            log.append(j.to_json())
            bar.advance(task)


def rejudge(run_dir: Path, workers: int, console: Console, force: bool = False,
            data: Path | None = None, out: Console | None = None,
            executor: Executor | None = None) -> dict[str, Any]:
    """``evalkit judge RUN``: judge a finished or interrupted run again."""
    rd = RunDir(run_dir)
    if not rd.exists():
        raise EvalkitError(f"{run_dir}: not a run directory (no manifest.json)")
    rd.lock()
    try:
        m = rd.read_manifest()
        data_dir = data or (Path(m["data_dir"]) if m.get("data_dir") else None)
        bench = load_benchmark(m["benchmark"], data_dir)
        bench.configure(m.get("judge_settings") or {})
        if bench.data_hash() != m.get("data_hash"):
            raise EvalkitError(f"{rd.manifest_path}: the benchmark data changed since this run "
                               f"(data_hash differs); pass --data with the original data")
        stored = m.get("judge_model")
        judge_model = make_judge_model(
            bench, JudgeSettings.from_json(stored) if stored else None)
        started = time.monotonic()
        try:
            summary = judge(rd, bench, bench.problems(), workers, console, force=force, out=out,
                            judge_model=judge_model, executor=executor)
        finally:
            if judge_model is not None:
                judge_model.close()
        console.print(f"judged in {time.monotonic() - started:.1f}s")
        return summary
    finally:
        rd.unlock()
