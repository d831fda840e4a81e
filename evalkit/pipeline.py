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
from dataclasses import dataclass, field, replace
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
from evalkit.episodes.protocol import Protocol
from evalkit.episodes.registry import SINGLE, load_protocol
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
from evalkit.model.config import EngineSettings, resolve
from evalkit.model.naming import model_label
from evalkit.model.quiet import ENGINE_LOG, engine_output
from evalkit.model.replay import ReplayBackend
from evalkit.model.stats import DEFAULT_THRESHOLD, generation_stats
from evalkit.records import Generation, Problem
from evalkit.run import Manifest, RunStore, Subset
from evalkit.run.manifest import IDENTITY

# Backends that run a local engine whose output goes to the run's engine.log.
ENGINE_BACKENDS = frozenset({"vllm", "serve"})

__all__ = ["IDENTITY", "RunConfig", "rejudge", "select_problems", "start"]


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
    # Benchmark options (--set key=value, dotted keys): override the spec's settings.
    options: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None  # --limit N: the first N problems (after --problems)
    problems: list[str] | None = None  # --problems ID,ID: only these
    executor: str = "local"  # where judging runs: local | ray (evalkit.executor)
    ray_address: str | None = None
    replicas: int = 1  # data-parallel generation: engine replicas as Ray actors
    replica_gpus: float = 0.0  # GPUs per replica (the engine's tensor-parallel size)
    verbose: bool = False  # engine logs live on the terminal, not in <run>/engine.log
    model_name: str | None = None  # readable name in tables and reports (default: derived)
    strict_ids: bool = False  # replay: problem ids not in the benchmark are an error


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
    # No stdout/stderr redirection: what engines print must reach their log file
    # (see model/quiet.py), not the console through rich's proxy.
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                    console=console, transient=False, redirect_stdout=False,
                    redirect_stderr=False)


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


@dataclass
class PreparedRun:
    """One benchmark's run, ready to generate: its run directory is created and locked."""

    bench: Benchmark
    problems: list[Problem]
    params: SamplingParams
    backend: Backend
    judge_model: JudgeModel | None
    rd: RunStore
    pairs: list[tuple[Problem, int]]
    protocol: Protocol | None = None  # None: single-shot
    workers: int = 1
    owns_backend: bool = True  # False: the caller's engine (shared), never closed here


def check_replay_ids(backend: Backend, problems: Sequence[Problem], strict: bool,
                     console: Console) -> None:
    """Say how many generations name problems the benchmark does not have (never judged);
    with ``strict`` that is a one-line error."""
    if not isinstance(backend, ReplayBackend):
        return
    known = {p.id for p in problems}
    unknown: dict[str, int] = {}
    for pid, _sample in backend.records:
        if pid not in known:
            unknown[pid] = unknown.get(pid, 0) + 1
    if not unknown:
        return
    shown = ", ".join(repr(p) for p in sorted(unknown)[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    text = (f"{backend.path}: {sum(unknown.values())} generation(s) of {len(unknown)} "
            f"problem id(s) not in the benchmark ({shown}{more})")
    if strict:
        raise EvalkitError(text + "; remove them or run without --strict-ids")
    console.print(f"[yellow]warning[/] {text}: ignored", highlight=False)


def select_problems(problems: Sequence[Problem], limit: int | None,
                    ids: Sequence[str] | None, where: str) -> tuple[list[Problem], Subset | None]:
    """The problems a run covers: ``ids`` (in the benchmark's order), then the first
    ``limit``; the subset record, or None for the whole benchmark."""
    chosen = list(problems)
    requested: tuple[str, ...] = ()
    if ids is not None:
        requested = tuple(dict.fromkeys(i for i in ids if i))
        if not requested:
            raise EvalkitError("--problems: no problem id given")
        known = {p.id for p in problems}
        unknown = [i for i in requested if i not in known]
        if unknown:
            sample = ", ".join(p.id for p in problems[:8])
            raise EvalkitError(f"--problems: {where} has no problem {unknown[0]!r} "
                               f"(its problems: {sample}{', …' if len(problems) > 8 else ''})")
        chosen = [p for p in chosen if p.id in set(requested)]
    if limit is not None:
        if limit < 1:
            raise EvalkitError("--limit must be at least 1")
        chosen = chosen[:limit]
    if len(chosen) == len(problems):
        return chosen, None
    return chosen, Subset(problems=tuple(p.id for p in chosen), of=len(problems),
                          limit=limit, requested=requested)


def subset_of(problems: Sequence[Problem], subset: Subset | None) -> list[Problem]:
    """The problems of a stored run (all, or its subset's, in the benchmark's order)."""
    if subset is None:
        return list(problems)
    wanted = set(subset.problems)
    return [p for p in problems if p.id in wanted]


def resolve_settings(cfg: RunConfig, bench: Benchmark) -> tuple[SamplingParams, EngineSettings]:
    """Sampling and engine settings: preset < the spec's [generation] < the command line."""
    spec_gen = bench.options.generation
    base = cfg.sampling.to_json() if cfg.sampling else {}
    return resolve(cfg.preset, spec_gen, {**base, **cfg.overrides},
                   spec_where=f"{bench.spec.spec_path} [generation]")


def build_backend(cfg: RunConfig, engine: EngineSettings) -> Backend:
    """The generation backend of ``cfg`` (engines start on first request)."""
    backend = make_backend(cfg.backend, generations=cfg.generations, engine=engine,
                           client=cfg.client, served_model=cfg.served_model)
    return replicate(backend, cfg.replicas, cfg.executor, cfg.ray_address, cfg.replica_gpus)


def prepare(cfg: RunConfig, console: Console, backend: Backend | None = None,
            judge_backend: Backend | None = None) -> PreparedRun:
    """Load the benchmark, open (or resume) its run directory and lock it.

    ``backend``: an engine shared with other runs (a suite); its engine settings
    must be those this benchmark resolves to.  Without one, a backend is built.
    ``judge_backend``: an engine to judge with instead of building one from
    ``cfg.judge`` (whose settings still describe it in the manifest).  Backends
    passed in belong to the caller: the run never closes them.
    """
    bench = load_benchmark(cfg.benchmark, cfg.data, cfg.options)
    protocol = benchmark_protocol(bench)
    problems, subset = select_problems(bench.problems(), cfg.limit, cfg.problems, bench.name)
    params, engine = resolve_settings(cfg, bench)
    built = backend is None
    if backend is None:
        backend = build_backend(cfg, engine)
    else:
        shared = backend.info().get("engine")
        if shared is not None and shared != engine.to_json():
            raise EvalkitError(f"{bench.name}: its engine settings differ from the shared "
                               "engine's (a [generation] engine setting in its spec); run it "
                               "on its own")
    model = cfg.model or engine.model or cfg.backend
    judge_model = make_judge_model(bench, cfg.judge, judge_backend)
    check_replay_ids(backend, problems, cfg.strict_ids, console)
    samples = plan_samples(cfg, backend, problems)
    if backend.uses_prompts:
        require_prompts(bench, problems)
    manifest = Manifest(
        benchmark=bench.name, data_hash=bench.data_hash(), model=model,
        backend=backend.info(), sampling=params.to_json(), samples=samples,
        shard=list(cfg.shard) if cfg.shard else None, subset=subset,
        data_dir=str(bench.data_dir) if bench.data_dir else None,
        model_name=model_label(model, cfg.model_name),
        evalkit_version=evalkit.__version__, git_sha=git_sha(),
        python=sys.version.split()[0], platform=platform.platform(), command=sys.argv,
        started_at=now(), preset=cfg.preset, options=dict(bench.spec.overrides),
        benchmark_options=bench.options.to_json(),
        protocol=protocol.identity() if protocol is not None else None)
    identity = manifest.identity()
    tags = [f"shard{cfg.shard[0]}of{cfg.shard[1]}"] if cfg.shard else []
    if subset is not None:
        tags.append(f"subset{len(subset.problems)}")
    if protocol is not None:
        tags.append(protocol.name)
    run_id = "--".join([bench.name, slug(model_label(model, cfg.model_name)), backend.name,
                        *tags, hashlib.sha256(json.dumps(identity, sort_keys=True).encode())
                        .hexdigest()[:8]])
    store = RunStore(cfg.out or cfg.results_root / run_id)
    store.lock()
    try:
        if store.exists():
            old = store.manifest().identity()
            for k in IDENTITY:
                if old.get(k) != identity.get(k):
                    raise EvalkitError(
                        f"{store.dir.manifest_path}: this run was made with a different {k!r}; "
                        "use another --out to start a new run")
            # `evalkit judge` reuses the options of the latest run command.
            store.update(options=manifest.options,
                         benchmark_options=manifest.benchmark_options)
            console.print(f"[bold]resuming[/] {store.path}")
        else:
            store.write_manifest(manifest.with_(run_id=store.path.name))
            console.print(f"[bold]run[/] {store.path}")
        store.write_prompts(problems)
    except BaseException:
        store.unlock()
        if judge_model is not None:
            judge_model.close()
        raise
    return PreparedRun(bench, list(problems), params, backend, judge_model, store,
                       shard_pairs(problems, samples, cfg.shard), protocol, cfg.workers,
                       owns_backend=built)


def benchmark_protocol(bench: Benchmark) -> Protocol | None:
    """The protocol the benchmark's ``protocol`` option names (None: single-shot)."""
    name = bench.options.protocol
    return None if name == SINGLE else load_protocol(name, bench)


def generate_run(run: PreparedRun, console: Console) -> None:
    """The generation stage of a prepared run (what is not in generations.jsonl yet).

    Single-shot: one request per (problem, sample).  A protocol: its episodes, with
    the judge open, since a protocol may judge its steps (docs/architecture.md,
    "Episodes").
    """
    if run.protocol is None:
        generate(run.rd, run.pairs, run.backend, run.params, console)
    else:
        from evalkit.episodes.driver import run_episodes

        executor = LocalExecutor(run.workers)
        try:
            ctx, judge_key = open_judge(run.rd, run.bench, executor, run.workers,
                                        run.judge_model)
            run_episodes(run.rd, run.bench, run.pairs, run.protocol, run.backend, run.params,
                         ctx, judge_key, run.workers, console)
        finally:
            executor.close()
    run.rd.update(generated_at=now(), environment=run.backend.environment(),
                  judge_model=run.judge_model.settings.to_json() if run.judge_model else None)


def judge_run(run: PreparedRun, cfg: RunConfig, console: Console,
              out: Console | None = None) -> dict[str, Any]:
    """The judge and aggregate stages of a prepared, generated run.

    Episodes that judged themselves leave nothing to judge: the stage only aggregates,
    under the judge key the episodes ran with, without starting a second sandbox pool.
    """
    key = run.rd.manifest().judge_key
    if run.protocol is not None and key is not None \
            and not pending_judging(run.rd, run.problems, key):
        run.rd.update(judged_at=now(), judge_environment=run.bench.judge_environment())
        return summarize(run.rd, run.bench, run.problems, key, console, out,
                         cfg.warn_threshold)
    return judge(run.rd, run.bench, run.problems, cfg.workers, console, out=out,
                 judge_model=run.judge_model, warn_threshold=cfg.warn_threshold,
                 executor=make_executor(cfg.executor, cfg.workers, cfg.ray_address))


def uses_engine(backend: Backend, judge_model: JudgeModel | None = None) -> bool:
    """Whether a local engine (vLLM in process or its server) runs for this backend or judge."""
    names = {backend.name}
    if judge_model is not None:
        names.add(judge_model.settings.backend)
    return bool(names & ENGINE_BACKENDS)


def attach_engine_log(backend: Backend, log: Path | None, verbose: bool) -> None:
    """Point a managed server's output at the run's engine log (or live, with --verbose)."""
    if hasattr(backend, "engine_log"):  # the serve backend
        backend.engine_log = log
        setattr(backend, "live_log", verbose)  # noqa: B010 - not on every Backend


def consoles(console: Console, out: Console | None) -> list[Console]:
    """The consoles evalkit writes to (kept on the terminal while engine output is logged)."""
    return [console] + ([out] if out is not None and out is not console else [])


def start(cfg: RunConfig, console: Console, out: Console | None = None, *,
          backend: Backend | None = None, judge_backend: Backend | None = None
          ) -> dict[str, Any]:
    """Run the whole pipeline for ``cfg``; return the summary.

    ``backend`` / ``judge_backend``: engines the caller already runs (see :func:`prepare`);
    they are used and left running.
    """
    run = prepare(cfg, console, backend, judge_backend)
    try:
        quiet = not cfg.verbose and uses_engine(run.backend, run.judge_model)
        with engine_output(run.rd.path / ENGINE_LOG, consoles(console, out),
                           verbose=not quiet) as log:
            try:
                attach_engine_log(run.backend, log, cfg.verbose)
                if log is not None:
                    console.print(f"engine log: {log}")
                generate_run(run, console)
                return judge_run(run, cfg, console, out)
            finally:
                if run.owns_backend:
                    run.backend.close()
                if run.judge_model is not None:
                    run.judge_model.close()
    finally:
        run.rd.unlock()


def make_judge_model(bench: Benchmark, settings: JudgeSettings | None,
                     backend: Backend | None = None) -> JudgeModel | None:
    """The judge model for a benchmark graded by one; an error if it needs one and has none.

    ``backend``: a running engine to judge with (the caller's; never closed by the run)."""
    if not bench.needs_judge_model:
        return None
    if settings is None:
        raise EvalkitError(f"{bench.name} is graded by a judge model: pass --judge-backend "
                           "(and --judge-model, or --judge-generations for replay)")
    return JudgeModel(settings, backend)


def generate(rd: RunStore, pairs: Sequence[tuple[Problem, int]], backend: Backend,
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


def judge(rd: RunStore, bench: Benchmark, problems: Sequence[Problem], workers: int,
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
    try:
        ctx, judge_key = open_judge(rd, bench, executor, workers, judge_model)
        by_id = {p.id: p for p in problems}
        gens = rd.generations()
        done = {} if force else rd.judgements(judge_key)
        check_judged_episodes(rd, bench, by_id, done, judge_key, force)
        todo = [g for k, g in sorted(gens.items())
                if g.problem_id in by_id and (k not in done or done[k].judge_error)]
        if todo:
            _judge_all(rd, bench, by_id, todo, ctx, judge_key, executor, console)
        rd.update(judged_at=now(), judge_environment=bench.judge_environment())
    finally:
        executor.close()
    return summarize(rd, bench, problems, judge_key, console, out, warn_threshold)


def open_judge(rd: RunStore, bench: Benchmark, executor: Executor, workers: int,
               judge_model: JudgeModel | None) -> tuple[JudgeContext, str]:
    """Open ``executor``'s judge context for ``bench``, compute the judge key and record
    the judge in the manifest.  Shared by the judge stage and by episodes, which judge
    their steps while they generate."""
    ctx = executor.open(bench)
    ctx.run_dir, ctx.judge_model = rd.path, judge_model
    fingerprint = bench.judge_fingerprint(ctx)
    judge_key = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:16]
    sandbox_cfg = bench.sandbox_config(workers)
    rd.update(judge={**fingerprint, "judge_key": judge_key,
                     "image": sandbox_cfg.image if sandbox_cfg else None,
                     "workers": workers, "executor": executor.info()})
    return ctx, judge_key


def check_judged_episodes(rd: RunStore, bench: Benchmark, by_id: dict[str, Problem],
                          done: dict[tuple[str, int], Any], judge_key: str,
                          force: bool = False) -> None:
    """Refuse to re-judge episodes whose steps were chosen from verdicts of another judge.

    An episode its protocol judged itself, and every episode of a protocol with
    ``rejudge == "refuse"`` (its later steps depended on earlier verdicts: which
    candidate was submitted, when it stopped), cannot be re-judged alone: a new verdict
    would describe a run that never happened.
    """
    journal = rd.journal()
    if not journal.exists():
        return
    identity = rd.manifest().protocol or {}
    name = str(identity.get("name", "?"))
    refuse = bool(identity) and load_protocol(name, bench).rejudge == "refuse"
    finals = {k: f for k, f in journal.finals().items() if not f.error and k[0] in by_id}
    stale = [k for k, f in finals.items()
             if (f.judged and k not in done)
             or (refuse and (force or f.judge_key not in (None, judge_key)))]
    if stale:
        raise EvalkitError(f"{rd.path}: {len(stale)} episode(s) of protocol {name!r} were "
                           f"judged during the run under another judge than now ({judge_key}, "
                           f"e.g. {stale[0][0]}#{stale[0][1]}); their later steps depended on "
                           "those verdicts, so they cannot be re-judged alone: run again into "
                           "a new --out")


def pending_judging(rd: RunStore, problems: Sequence[Problem], judge_key: str) -> bool:
    """Whether any generation of ``problems`` still needs a verdict under ``judge_key``."""
    ids = {p.id for p in problems}
    done = rd.judgements(judge_key)
    return any(k[0] in ids and (k not in done or done[k].judge_error)
               for k in rd.generations())


def summarize(rd: RunStore, bench: Benchmark, problems: Sequence[Problem], judge_key: str,
              console: Console, out: Console | None = None,
              warn_threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Aggregate the judgements under ``judge_key`` into summary.json and show it."""
    by_id = {p.id: p for p in problems}
    journal = rd.journal()
    # Episode runs: every step counts for generation statistics (truncations...).
    gens = rd.all_generations() if journal.exists() else list(rd.generations().values())
    judgements = rd.judgements(judge_key)
    summary = bench.summarize(problems, judgements)
    summary["run_id"] = rd.path.name
    summary["judge_key"] = judge_key
    summary["generations"] = len(gens)
    summary["judged"] = len(judgements)
    # Problems with a verdict (not a judge error): 0 of N means the run measured nothing.
    summary["verdicts"] = sum(1 for j in judgements.values()
                              if j.problem_id in by_id and not j.judge_error)
    summary["problems_run"] = len(by_id)
    backend = str((rd.manifest().backend or {}).get("backend", ""))
    summary["generation"] = generation_stats(
        bench.generated((g for g in gens if g.problem_id in by_id), backend), warn_threshold)
    protocol = rd.manifest().protocol
    if protocol is not None:
        summary["protocol"] = protocol_summary(rd, bench, protocol, by_id, console)
    if rd.manifest().subset is not None:
        summary["subset"] = rd.manifest().subset.to_json()  # type: ignore[union-attr]
    rd.write_summary(summary)
    bench.finish(rd.path, summary)
    (out or console).print(bench.render(summary))
    warn_generation(summary["generation"], bench.name, console)
    return summary


def protocol_summary(rd: RunStore, bench: Benchmark, identity: dict[str, Any],
                     by_id: dict[str, Problem], console: Console) -> dict[str, Any]:
    """``summary.protocol``: the protocol, its parameters, episode counts and metrics."""
    finals = {k: f for k, f in rd.journal().finals().items() if k[0] in by_id}
    errors = {k: f for k, f in finals.items() if f.error}
    ok = {k: f for k, f in finals.items() if not f.error}
    proto = load_protocol(str(identity["name"]), bench)
    if errors:
        (k, f), = list(errors.items())[:1]
        first = (f.error or "").splitlines()[0] if f.error else ""
        console.print(f"[yellow]warning[/] {len(errors)} episode(s) ended in an error (not "
                      f"counted; the next run retries them), e.g. {k[0]}#{k[1]}: {first}",
                      highlight=False)
    return {"name": identity["name"],
            "params": {k: v for k, v in identity.items() if k != "name"},
            "episodes": len(ok), "errors": len(errors), "metrics": proto.summarize(ok)}


def exit_if_nothing_measured(summary: dict[str, Any], console: Console) -> None:
    """Exit 1 when a run had problems but not one verdict (every one an infrastructure
    or judge error, or an episode error): the run measured nothing, so it must not look
    like a success to a script or CI.  The records stay; re-running retries them."""
    import typer

    if summary.get("problems_run") and summary.get("verdicts") == 0:
        console.print(f"[bold red]error[/] {summary.get('benchmark', 'run')}: no problem got a "
                      f"verdict (all {summary['problems_run']} ended in an infrastructure, judge "
                      "or episode error; see above); re-running retries them", highlight=False)
        raise typer.Exit(1)


def warn_generation(stats: dict[str, Any], benchmark: str, console: Console) -> None:
    """Say loudly when truncation, unclosed reasoning or missing answers pass the threshold."""
    from rich.panel import Panel

    if stats["warnings"]:
        console.print(Panel("\n".join(stats["warnings"]) + "\nscores are likely understated: "
                            "raise max_tokens or check the chat template / reasoning parser",
                            title=f"[bold red]generation warning: {benchmark}[/]",
                            border_style="red"))


def _judge_all(rd: RunStore, bench: Benchmark, by_id: dict[str, Problem], todo: list[Generation],
               ctx: JudgeContext, judge_key: str, executor: Executor, console: Console) -> None:
    # This process is the only writer of the run directory, whichever executor runs.
    units = [(by_id[g.problem_id], g) for g in todo]
    with rd.judgement_log() as log, progress(console) as bar:
        task = bar.add_task(f"judging ({executor.name})", total=len(units))
        steps = {g.key: g.step for g in todo}
        for j in executor.judge(bench, units, ctx, judge_key):
            if j.step != steps.get(j.key, j.step):  # an episode's final step
                j = replace(j, step=steps[j.key])
            log.append(j.to_json())
            bar.advance(task)


def rejudge(run_dir: Path, workers: int, console: Console, force: bool = False,
            data: Path | None = None, out: Console | None = None,
            executor: Executor | None = None) -> dict[str, Any]:
    """``evalkit judge RUN``: judge a finished or interrupted run again."""
    rd = RunStore(run_dir)
    if not rd.exists():
        raise EvalkitError(f"{run_dir}: not a run directory (no manifest.json)")
    rd.lock()
    try:
        m = rd.manifest()
        data_dir = data or (Path(m.data_dir) if m.data_dir else None)
        bench = load_benchmark(m.benchmark, data_dir, m.options)
        if bench.data_hash() != m.data_hash:
            raise EvalkitError(f"{rd.dir.manifest_path}: the benchmark data changed since this "
                               "run (data_hash differs); pass --data with the original data")
        judge_model = make_judge_model(
            bench, JudgeSettings.from_json(m.judge_model) if m.judge_model else None)
        # Prompts are left as stored: judging does not read them, and a format-1 run's
        # generation-time prompts are unknown (reports rebuild them from the benchmark).
        problems = subset_of(bench.problems(), m.subset)
        started = time.monotonic()
        quiet = judge_model is not None and judge_model.settings.backend in ENGINE_BACKENDS
        with engine_output(rd.path / ENGINE_LOG, consoles(console, out),
                           verbose=not quiet) as log:
            if log is not None:
                console.print(f"engine log: {log}")
            try:
                summary = judge(rd, bench, problems, workers, console, force=force,
                                out=out, judge_model=judge_model, executor=executor)
            finally:
                if judge_model is not None:
                    judge_model.close()
        console.print(f"judged in {time.monotonic() - started:.1f}s")
        return summary
    finally:
        rd.unlock()
