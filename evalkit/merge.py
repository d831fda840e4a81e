"""Combining the shard run directories of one run (``evalkit run --shard i/n``) into one.

Shards must come from the same run: same benchmark, data, model, backend
settings, sampling and samples, with shard numbers 0..n-1 each exactly once;
anything else is refused with a one-line error naming the directory and field.
Generations and judgements are copied (never regenerated), so the merged run
equals a single unsharded run.  When every shard was judged under the same
judge, the summary is written at once; otherwise ``evalkit judge OUT`` judges
what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.pipeline import IDENTITY, now, subset_of, summarize
from evalkit.run import Manifest, RunStore


def _shard_of(rd: RunStore, m: Manifest) -> tuple[int, int]:
    shard = m.shard
    if not (isinstance(shard, list) and len(shard) == 2):
        raise EvalkitError(f"{rd.dir.manifest_path}: not a shard (run it with --shard i/n)")
    return int(shard[0]), int(shard[1])


def check_shards(dirs: Sequence[Path]) -> list[tuple[RunStore, Manifest]]:
    """Load the shards' manifests and refuse any that do not belong together."""
    if not dirs:
        raise EvalkitError("evalkit merge needs at least one shard directory")
    runs = []
    for d in dirs:
        rd = RunStore(d)
        if not rd.exists():
            raise EvalkitError(f"{d}: not a run directory (no manifest.json)")
        runs.append((rd, rd.manifest()))
    first_rd, first = runs[0]
    n = _shard_of(first_rd, first)[1]
    seen: dict[int, Path] = {}
    first_id = first.identity()
    for rd, m in runs:
        ident = m.identity()
        for key in IDENTITY:
            if key != "shard" and ident.get(key) != first_id.get(key):
                raise EvalkitError(f"{rd.dir.manifest_path}: {key!r} differs from "
                                   f"{first_rd.dir.manifest_path}; these are not shards of one "
                                   "run")
        i, k = _shard_of(rd, m)
        if k != n:
            raise EvalkitError(f"{rd.dir.manifest_path}: shard {i}/{k}, expected n = {n}")
        if i in seen:
            raise EvalkitError(f"{rd.path}: shard {i}/{n} given twice (also {seen[i]})")
        seen[i] = rd.path
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        raise EvalkitError(f"missing shard(s) {', '.join(f'{i}/{n}' for i in missing)}")
    return runs


def merge_runs(dirs: Sequence[Path], out: Path, console: Console,
               table: Console | None = None) -> dict[str, Any] | None:
    """Merge shard runs into ``out``; return the summary if every sample is judged."""
    runs = check_shards(dirs)
    dest = RunStore(out)
    if dest.exists() or dest.dir.generations_path.exists():
        raise EvalkitError(f"{out}: already a run directory; choose a new --out")
    first = runs[0][1]
    dest.lock()
    try:
        keys: dict[tuple[str, int], Path] = {}
        judge_keys = {m.judge_key for _, m in runs}
        with dest.generation_log() as gl, dest.judgement_log() as jl:
            for rd, _ in runs:
                for key, g in sorted(rd.generations().items()):
                    if key in keys:
                        raise EvalkitError(f"{rd.dir.generations_path}: {key[0]}#{key[1]} is "
                                           f"also in {keys[key]}")
                    keys[key] = rd.dir.generations_path
                    gl.append(g.to_json())
                for j in rd.judgements().values():
                    jl.append(j.to_json())
        judge_key = judge_keys.pop() if len(judge_keys) == 1 else None
        dest.write_manifest(first.with_(
            shard=None, run_id=dest.path.name, merged_at=now(),
            merged_from=[str(rd.path.resolve()) for rd, _ in runs],
            judge=first.judge if judge_key else None, judged_at=None))
        bench = load_benchmark(first.benchmark, Path(first.data_dir) if first.data_dir else None,
                               first.options)
        if bench.data_hash() != first.data_hash:
            raise EvalkitError(f"{runs[0][0].dir.manifest_path}: the benchmark data changed "
                               "since these shards ran; merge written, judge with --data")
        problems = subset_of(bench.problems(), first.subset)
        for rd, _ in runs:  # the prompts the shards generated from (format 1: none)
            dest.add_prompts(rd.prompts().values())
        judged = dest.judgements(judge_key) if judge_key else {}
        if not judge_key or any(k not in judged or judged[k].judge_error for k in keys):
            console.print(f"merged {len(keys)} generations into {out}; some are not judged "
                          f"under one judge: run `evalkit judge {out}`")
            return None
        console.print(f"merged {len(runs)} shards, {len(keys)} generations into {out}")
        return summarize(dest, bench, problems, judge_key, console, table)
    finally:
        dest.unlock()
