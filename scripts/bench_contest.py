"""Overhead of IOI contest mode on the tiny test model (CPU vLLM), in one process.

The protocol's own overhead is the wall time of a contest run against doing the same
work without it: the same number of single-shot generations, in the same batches, and
the same judgings, done separately.  One in-process vLLM engine serves every run (so
engine start-up is never counted), and each repeat does, in turn:

1. **contest**: ``ioi2024_sample`` (3 tasks), ``--set protocol=contest``, R rounds x K
   candidates; a contest judges inside its generation stage (local checks of
   candidates, full judgings of the submissions), so its time is both stages';
2. **baseline**: (a) single-shot generation of the same batches: R runs of K samples
   per task (the rounds are sequential by nature: round r+1 needs round r's feedback),
   generation stage only; then (b) the contest's judgings done separately: the judge
   opened afresh (a sandbox pool, as the contest opens one), then every local check and
   every full judging the contest journaled (``episodes.jsonl``), in the journal's
   order, called directly on the benchmark with the contest's own generations;
3. for reference, single-shot generation of all R*K samples per task in one batch.

Prints each part's wall time and the ratio contest / baseline (target <= 1.10), and the
generation-only ratio.  Runs alternate, best of ``--repeats`` each.

``--answers solutions`` (default) makes the judgings real: the tiny model still generates
every answer (its cost is real), then the answer's text is replaced by one of the task's
bundled non-full-score solutions (incorrect, partially correct, runtime error), chosen by
the request's seed, so the contest compiles, checks and submits, and never stops early.
``--answers model`` keeps the tiny model's text (no program: nothing is judged).

Usage: python scripts/bench_contest.py [--rounds 3] [--candidates 4] [--max-tokens 128]
       [--answers solutions|model] [--repeats 2]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "model"))
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def timed_run(cfg, backend, judge: bool = True) -> tuple[float, float, int, int]:
    """(generation-stage s, judge-stage s, generations, completion tokens) of ``cfg`` on
    the shared ``backend``; a contest judges inside its generation stage.  ``judge``
    False: the generation stage only."""
    from rich.console import Console

    from evalkit.pipeline import generate_run, judge_run, prepare
    from evalkit.run import RunStore

    console = Console(file=io.StringIO())
    t0 = time.perf_counter()
    prepared = prepare(cfg, console, backend=backend)
    try:
        generate_run(prepared, console)
        t1 = time.perf_counter()
        if judge:
            judge_run(prepared, cfg, console)
        t2 = time.perf_counter()
    finally:
        prepared.rd.unlock()
    gens = RunStore(prepared.rd.path).all_generations()
    return t1 - t0, t2 - t1, len(gens), sum(g.completion_tokens or 0 for g in gens)


def judge_separately(contest_dir: Path, cfg, candidates: int) -> tuple[float, int, int]:
    """(seconds, local checks, full judgings): the judgings ``contest_dir``'s contest made,
    redone outside the protocol, in its journal's order, on a freshly opened judge."""
    from rich.console import Console

    from evalkit.jsonl import read_jsonl
    from evalkit.pipeline import LocalExecutor, open_judge, prepare
    from evalkit.run import RunStore

    store = RunStore(contest_dir)
    gens = {(g.problem_id, g.sample, g.step): g for g in store.all_generations()}
    calls = [r for r in read_jsonl(contest_dir / "episodes.jsonl")
             if r["kind"] == "judge" or (r["kind"] == "act" and ".check" in r["label"])]
    t0 = time.perf_counter()
    prepared = prepare(cfg, Console(file=io.StringIO()))  # a run directory for the judge
    bench = prepared.bench
    problems = {p.id: p for p in prepared.problems}
    executor = LocalExecutor(1)
    checks = judgings = 0
    try:
        ctx, key = open_judge(prepared.rd, bench, executor, 1, None)
        for r in calls:
            pid, sample = r["problem_id"], r["sample"]
            if r["kind"] == "act":
                rnd, i = (int(x) for x in re.fullmatch(r"round(\d+)\.check(\d+)",
                                                        r["label"]).groups())  # type: ignore[union-attr]
                g = gens[(pid, sample, rnd * candidates + i)]
                bench.check_locally(problems[pid], g, ctx, examples=True)
                checks += 1
            else:
                bench.judge(problems[pid], gens[(pid, sample, r["step"])], ctx, key)
                judgings += 1
    finally:
        executor.close()
        prepared.rd.unlock()
    return time.perf_counter() - t0, checks, judgings


def with_solutions(backend):
    """``backend``, its answers replaced by bundled solutions (see the module docstring)."""
    from dataclasses import replace

    from evalkit.model.base import Backend

    tasks = REPO / "benchmarks" / "ioi2024_sample" / "tasks"
    programs = {t.name: [p.read_text() for kind in ("incorrect", "partially_correct",
                                                    "runtime_error")
                         for p in sorted((t / "solutions" / kind).glob("*.cpp"))]
                for t in sorted(tasks.iterdir()) if t.is_dir()}

    def substitute(g):
        options = programs.get(g.problem_id) or [""]
        code = options[(g.seed or 0) % len(options)]
        return replace(g, response=f"```cpp\n{code}\n```")

    class Substituted(Backend):
        name = backend.name
        continuous = backend.continuous

        def info(self):
            return backend.info()

        def generate(self, requests):
            return map(substitute, backend.generate(requests))

        def generate_fed(self, feed):
            return map(substitute, backend.generate_fed(feed))

        def close(self):
            backend.close()

    return Substituted()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--answers", choices=("solutions", "model"), default="solutions")
    a = ap.parse_args()

    from tiny_model import build_tiny_model

    from evalkit.benchmarks import load_benchmark
    from evalkit.pipeline import RunConfig, build_backend, resolve_settings

    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-contest-"))
    model = build_tiny_model(tmp / "tiny")
    base = {"benchmark": "ioi2024_sample", "model": str(model), "backend": "vllm",
            "preset": "tiny-chatml", "workers": 1}
    over = {"max_tokens": a.max_tokens, "model": str(model)}
    contest = {"protocol": "contest", "contest.rounds": a.rounds,
               "contest.candidates": a.candidates}
    n = a.rounds * a.candidates
    probe = RunConfig(**base, overrides=over, out=tmp / "probe")
    _, engine = resolve_settings(probe, load_benchmark("ioi2024_sample"))
    backend = build_backend(probe, engine)
    if a.answers == "solutions":
        backend = with_solutions(backend)
    rows: dict[str, list[float]] = {"contest": [], "gen": [], "judge": [], "one": []}
    counts: dict[str, int] = {}
    try:
        timed_run(RunConfig(**base, overrides=over, samples=a.candidates, out=tmp / "warm"),
                  backend)
        for rep in range(a.repeats):
            out = tmp / f"c{rep}"
            g, j, ng, _ = timed_run(RunConfig(**base, overrides=over, options=contest, out=out),
                                    backend)
            rows["contest"].append(g + j)
            counts["contest generations"] = ng
            parts = [timed_run(RunConfig(**base, samples=a.candidates,
                                         overrides={**over, "seed": 1000 + r},
                                         out=tmp / f"r{rep}-{r}"), backend, judge=False)
                     for r in range(a.rounds)]  # another seed per round: other samples
            rows["gen"].append(sum(p[0] for p in parts))
            counts["baseline generations"] = sum(p[2] for p in parts)
            t, checks, judgings = judge_separately(
                out, RunConfig(**base, overrides=over, samples=1, out=tmp / f"j{rep}"),
                a.candidates)
            rows["judge"].append(t)
            counts.update({"local checks": checks, "full judgings": judgings})
            one = timed_run(RunConfig(**base, overrides=over, samples=n, out=tmp / f"s{rep}"),
                            backend, judge=False)
            rows["one"].append(one[0])
    finally:
        backend.close()
    best = {k: min(v) for k, v in rows.items()}
    load = os.getloadavg()
    print(f"ioi2024_sample, 3 tasks, {a.rounds} rounds x {a.candidates} candidates, "
          f"<= {a.max_tokens} tokens (tiny Llama, CPU vLLM), answers: {a.answers}, "
          f"best of {a.repeats}; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    baseline = best["gen"] + best["judge"]
    for name, value in (("contest run (generation + its judgings)", best["contest"]),
                        (f"single-shot generation, {a.rounds} runs (round batches)",
                         best["gen"]),
                        ("the contest's judgings, done separately", best["judge"]),
                        ("baseline: the two above", baseline),
                        (f"single-shot generation, one batch of {n} per task", best["one"])):
        print(f"  {name:58} {value:8.2f} s")
    print(f"ratio contest / baseline: {best['contest'] / baseline:.2f}x (target <= 1.10x)")
    print(f"ratio contest / (one-batch generation + the same judgings): "
          f"{best['contest'] / (best['one'] + best['judge']):.2f}x")


if __name__ == "__main__":
    main()
