"""Overhead of IOI contest mode on the tiny test model (CPU vLLM), in one process.

One in-process vLLM engine serves every run (so engine start-up is never counted):

1. contest: ``ioi2024_sample`` (3 tasks), ``--set protocol=contest``, R rounds x K
   candidates (the rounds are sequential: round r+1 needs round r's feedback);
2. single-shot, one run: the same number of generations (R*K samples per task, one
   batch), then their judgings in the judge stage;
3. single-shot, R runs of K samples per task: the rounds' batch sizes, without the
   episode machinery.

Prints generation-stage and judge-stage wall times (a contest judges inside its
generation stage), generations and completion tokens of each, and the ratios contest /
(2) (generation + judging; target <= 1.10), contest / (3), and of the generation stages
alone.  The tiny model writes no program: the contest judges nothing, while a
single-shot judge stage still prepares each task (checker/manager builds), so the total
ratio flatters the contest; the generation ratios show the cost of sequential rounds.
Runs alternate, best of ``--repeats`` each.

``--answers solutions`` makes both sides judge real programs: the tiny model still
generates every answer (its cost is real), then the answer's text is replaced by one of
the task's bundled non-full-score solutions (incorrect, partially correct, runtime
error), chosen by the request's seed, so the contest compiles, checks and submits, and
never stops early; the single-shot side judges the same kind of programs.

Usage: python scripts/bench_contest.py [--rounds 3] [--candidates 4] [--max-tokens 128]
       [--answers model|solutions]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "model"))
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def timed_run(cfg, backend) -> tuple[float, float, int, int]:
    """(generation-stage s, judge-stage s, generations, completion tokens) of ``cfg`` on
    the shared ``backend``; a contest judges inside its generation stage."""
    from rich.console import Console

    from evalkit.pipeline import generate_run, judge_run, prepare
    from evalkit.run import RunStore

    console = Console(file=io.StringIO())
    t0 = time.perf_counter()
    prepared = prepare(cfg, console, backend=backend)
    try:
        generate_run(prepared, console)
        t1 = time.perf_counter()
        judge_run(prepared, cfg, console)
        t2 = time.perf_counter()
    finally:
        prepared.rd.unlock()
    gens = RunStore(prepared.rd.path).all_generations()
    return t1 - t0, t2 - t1, len(gens), sum(g.completion_tokens or 0 for g in gens)


def with_solutions(backend):
    """``backend``, its answers replaced by bundled solutions (see the module docstring)."""
    from dataclasses import replace

    from evalkit.model.base import Backend

    tasks = REPO / "benchmarks" / "ioi2024_sample" / "tasks"
    programs = {t.name: [p.read_text() for kind in ("incorrect", "partially_correct",
                                                    "runtime_error")
                         for p in sorted((t / "solutions" / kind).glob("*.cpp"))]
                for t in sorted(tasks.iterdir()) if t.is_dir()}

    class Substituted(Backend):
        name = backend.name

        def info(self):
            return backend.info()

        def generate(self, requests):
            for g in backend.generate(requests):
                options = programs.get(g.problem_id) or [""]
                code = options[(g.seed or 0) % len(options)]
                yield replace(g, response=f"```cpp\n{code}\n```")

        def close(self):
            backend.close()

    return Substituted()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--answers", choices=("model", "solutions"), default="model")
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
    try:
        timed_run(RunConfig(**base, overrides=over, samples=a.candidates, out=tmp / "warm"),
                  backend)
        rows: dict[str, list[tuple[float, float, int, int]]] = {"contest": [], "single": [],
                                                                 "rounds": []}
        for rep in range(a.repeats):
            rows["contest"].append(timed_run(RunConfig(**base, overrides=over, options=contest,
                                                       out=tmp / f"c{rep}"), backend))
            rows["single"].append(timed_run(RunConfig(**base, overrides=over, samples=n,
                                                      out=tmp / f"s{rep}"), backend))
            parts = [timed_run(RunConfig(**base, samples=a.candidates,
                                         overrides={**over, "seed": 1000 + r},
                                         out=tmp / f"r{rep}-{r}"), backend)
                     for r in range(a.rounds)]  # another seed per round: other samples
            rows["rounds"].append(tuple(sum(x[i] for x in parts)  # type: ignore[misc]
                                        for i in range(4)))
    finally:
        backend.close()
    best = {k: min(v, key=lambda x: x[0] + x[1]) for k, v in rows.items()}
    load = os.getloadavg()
    print(f"ioi2024_sample, 3 tasks, {a.rounds} rounds x {a.candidates} candidates, "
          f"<= {a.max_tokens} tokens (tiny Llama, CPU vLLM), answers: {a.answers}, "
          f"best of {a.repeats}; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    names = {"contest": "contest run", "single": "single-shot, one run",
             "rounds": f"single-shot, {a.rounds} runs (round batches)"}
    print(f"  {'':38} {'generate s':>10} {'judge s':>8} {'total s':>8} {'gens':>5} {'tokens':>7}")
    for k, (g, j, ng, tok) in best.items():
        print(f"  {names[k]:38} {g:10.2f} {j:8.2f} {g + j:8.2f} {ng:5d} {tok:7d}")
    c, s1, sr = (sum(best[k][:2]) for k in ("contest", "single", "rounds"))
    print(f"ratio contest / single-shot one run (generation + judging): {c / s1:.2f}x "
          "(target <= 1.10x)")
    print(f"ratio contest / single-shot in round batches: {c / sr:.2f}x")
    print(f"ratio of generation stages alone (contest / one run): "
          f"{best['contest'][0] / best['single'][0]:.2f}x")


if __name__ == "__main__":
    main()
