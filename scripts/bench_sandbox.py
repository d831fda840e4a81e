"""Benchmark the Docker judge sandbox against running the same binary bare.

What is measured, all in one run on the same machine, so the ratios compare
like with like (absolute figures depend on the machine, ratios much less):

* **bare**: a small C++ program (reads two ints, prints their sum; built with
  ``g++ -O2 -static`` by the host's g++) is run once per test with
  :func:`subprocess.run`, stdin from the test's input file and stdout captured,
  one after the other.  This is the least any judge could do per test.
* **evalkit, 1 worker**: the same tests judged by a :class:`SandboxPool` with
  one container.  A submission is judged as one job (compile, then its tests),
  so the tests are split into jobs of ``--batch`` tests.  Each test runs the
  program as an untrusted uid under CPU, wall, memory, output and process
  limits, with stdin from the read-only data mount and stdout captured and
  returned, exactly as a real judge job does.  Two figures:

  - *including compile*: every job compiles the program first, so the compile
    cost is amortised over the batch (what a submission really costs);
  - *execution only*: jobs without the compile step, reusing the binary the
    runner keeps in ``/tmp/bin`` from an earlier compile job in the same
    container.  Compared with *bare*, this is the sandbox's per-test overhead
    (including the job's round trip to the container's long-lived runner,
    amortised over the batch).

  A warm-up compile job in every container (cold caches; it also starts the
  runner and builds its launcher) is run first and left out of every figure.
  Pools are made afresh in each round and live one at a time, so that each
  gets a core per container (hostlocks.claim_cpus), as a pool alone on the
  machine does.
* **evalkit, 2 workers**: the same jobs on a pool of two containers, fed from
  two threads so both are busy, for the throughput ratio 2 vs 1 worker.

Every output is checked against the expected sum; mismatches must be 0.  The
measurements are repeated ``--repeat`` times, interleaved (bare, 1 worker,
2 workers, then again), and the best round of each is reported, so that load
from other processes on the machine disturbs the comparison as little as
possible; the load average is printed too.  The script prints figures and a
final JSON line (for the README); it asserts nothing about timing.
Containers and temporary directories are removed at the end.

Usage::

    .venv/bin/python scripts/bench_sandbox.py [--tests 1000] [--batch 100]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.sandbox import docker as sandbox_docker
from evalkit.sandbox import job as sj
from evalkit.sandbox.docker import DEFAULT_IMAGE, SandboxConfig, SandboxPool, Worker

MIB = 1024**2
SOURCE = r"""#include <cstdio>
int main() {
    long long a, b;
    if (std::scanf("%lld %lld", &a, &b) != 2) return 1;
    std::printf("%lld\n", a + b);
    return 0;
}
"""
GXX_FLAGS = ["-O2", "-static", "-o", "sum", "sum.cpp"]
RUN_LIMITS = sj.Limits(cpu=1, wall=3, memory=256 * MIB, output=MIB, processes=1)
COMPILE_LIMITS = sj.Limits(cpu=30, wall=60, memory=512 * MIB, output=64 * MIB, processes=64)
TARGET_OVERHEAD = 1.25  # evalkit / bare, seconds per test, execution only
TARGET_SCALING = 1.7  # throughput with 2 workers / 1 worker


@dataclass(frozen=True)
class Case:
    name: str  # file name of the input, also the test id
    path: Path  # on the host
    expected: str  # the program's exact expected stdout


@dataclass(frozen=True)
class Run:
    """One timed pass over all the tests, and what came back."""

    seconds: float
    tests: int
    mismatches: int
    user_wall: list[float]  # wall time of each user process, as the runner reports it
    errors: list[str]

    @property
    def per_test(self) -> float:
        return self.seconds / self.tests

    @property
    def throughput(self) -> float:
        return self.tests / self.seconds


# --------------------------------------------------------------------------
# Inputs and the bare baseline


def make_cases(root: Path, n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    root.mkdir(parents=True)
    cases = []
    for i in range(n):
        a, b = rng.randint(-10**9, 10**9), rng.randint(-10**9, 10**9)
        path = root / f"{i:05d}.in"
        path.write_text(f"{a} {b}\n")
        cases.append(Case(path.name, path, f"{a + b}\n"))
    return cases


def compile_on_host(workdir: Path) -> tuple[Path, float]:
    gxx = shutil.which("g++")
    if gxx is None:
        sys.exit("g++ is needed on the host for the bare baseline")
    (workdir / "sum.cpp").write_text(SOURCE)
    start = time.perf_counter()
    subprocess.run([gxx, *GXX_FLAGS], cwd=workdir, check=True)
    return workdir / "sum", time.perf_counter() - start


def run_bare(binary: Path, cases: Sequence[Case]) -> Run:
    mismatches = 0
    start = time.perf_counter()
    for case in cases:
        with case.path.open("rb") as stdin:
            proc = subprocess.run([str(binary)], stdin=stdin, stdout=subprocess.PIPE,
                                  check=False)
        if proc.returncode != 0 or proc.stdout.decode() != case.expected:
            mismatches += 1
    return Run(time.perf_counter() - start, len(cases), mismatches, [], [])


# --------------------------------------------------------------------------
# Sandbox jobs


def compile_step() -> sj.Compile:
    return sj.Compile(argv=["/usr/bin/g++", *GXX_FLAGS], files={"sum.cpp": sj.FileText(SOURCE)},
                      artifacts={"sum": "sum"}, limits=COMPILE_LIMITS)


def make_job(cases: Sequence[Case], data_dir: str, compile: bool) -> sj.Job:
    tests = [
        sj.Test(id=case.name, run=[sj.Process(
            name="user", argv=["{bin}/sum"], limits=RUN_LIMITS,
            stdin=sj.Stream(path=f"{data_dir}/{case.name}"),
            stdout=sj.Stream(capture="out.txt", returned=True))])
        for case in cases
    ]
    return sj.Job(tests=tests, compile=compile_step() if compile else None)


def batches(cases: Sequence[Case], size: int) -> list[list[Case]]:
    return [list(cases[i:i + size]) for i in range(0, len(cases), size)]


def score(result: sj.JobResult, cases: Sequence[Case]) -> tuple[int, list[float], list[str]]:
    """Mismatching tests, user wall times and errors of one job."""
    errors = [result.error] if result.error else []
    if result.compile is not None and not result.compile.ok:
        errors.append(f"compile failed: {result.compile.message[:500]}")
    mismatches = 0
    walls = []
    for case in cases:
        test = result.tests.get(case.name)
        user = test.procs.get("user") if test else None
        if user is None or not user.ok or user.stdout != case.expected:
            mismatches += 1
            if user is not None and len(errors) < 3:
                errors.append(f"{case.name}: {user.verdict} {user.error or ''} "
                              f"stdout={user.stdout!r}")
        if user is not None:
            walls.append(user.wall_time)
    return mismatches, walls, errors


def run_jobs(pool: SandboxPool, groups: Sequence[Sequence[Case]], data_dir: str,
             compile: bool, threads: int) -> Run:
    """Run one job per group from ``threads`` threads; time the whole lot."""
    jobs = [make_job(group, data_dir, compile) for group in groups]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as ex:
        results = list(ex.map(pool.run, jobs))
    seconds = time.perf_counter() - start
    mismatches, walls, errors = 0, [], []
    for result, group in zip(results, groups, strict=True):
        m, w, e = score(result, group)
        mismatches += m
        walls += w
        errors += e
    return Run(seconds, sum(len(g) for g in groups), mismatches, walls, errors)


def on_every_worker(pool: SandboxPool, fn: Callable[[Worker], None]) -> None:
    """Call ``fn`` once on each worker of the pool (holding all of them)."""
    with contextlib.ExitStack() as stack:
        for _ in range(pool.config.workers):
            fn(stack.enter_context(pool.worker()))


def timed(fn: Callable[[], sj.JobResult]) -> tuple[float, sj.JobResult]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def warm_up(pool: SandboxPool) -> float:
    """Compile once in every container, so /tmp/bin/sum exists everywhere."""
    def compile_on(w: Worker) -> None:
        result = w.run(sj.Job(compile=compile_step()))
        if result.error or result.compile is None or not result.compile.ok:
            sys.exit(f"warm-up compile failed: {result.error or result.compile}")
    start = time.perf_counter()
    on_every_worker(pool, compile_on)
    return time.perf_counter() - start


def verdict_without_compile(pool: SandboxPool, case: Case, data_dir: str) -> str:
    """What an execution-only job gets in a container that never compiled."""
    result = pool.run(make_job([case], data_dir, compile=False), retries=0)
    test = result.tests.get(case.name)
    return test.procs["user"].verdict if test else f"no result ({result.error})"


def make_pool(workers: int, image: str, cache: Path) -> SandboxPool:
    return SandboxPool(SandboxConfig(image=image, workers=workers, memory=256 * MIB,
                                     cache_dir=cache))


# --------------------------------------------------------------------------
# Report


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": model,
            "kernel": platform.release(), "python": platform.python_version(),
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def print_table(rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    line = "-" * (width + 24)
    print(line)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print(line)


def report(run: Run, label: str) -> None:
    status = "ok" if run.mismatches == 0 and not run.errors else "MISMATCH"
    print(f"  {label:<34} {run.seconds:7.2f} s  {ms(run.per_test):>9}/test  "
          f"{run.mismatches} mismatches [{status}]")
    for err in run.errors[:3]:
        print(f"    error: {err}")


def best(runs: Sequence[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--tests", type=int, default=1000, help="number of tests (default 1000)")
    ap.add_argument("--batch", type=int, default=100, help="tests per job (default 100)")
    ap.add_argument("--image", default=DEFAULT_IMAGE, help=f"judge image (default {DEFAULT_IMAGE})")
    ap.add_argument("--repeat", type=int, default=3,
                    help="interleaved rounds; the best of each is reported (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="seed for the random inputs")
    ap.add_argument("--processes", type=int, default=1,
                    help="processes a test may start (default 1, as IOI; ICPC allows 16: "
                         "then CPU and memory are counted over all of them)")
    ap.add_argument("--runner", type=Path, default=None,
                    help="bind-mount this runner instead of the bundled one "
                         "(to measure a runner change before making it)")
    args = ap.parse_args(argv)
    if args.tests < 1 or args.batch < 1 or args.repeat < 1:
        ap.error("--tests, --batch and --repeat must be positive")
    if args.processes != 1:
        global RUN_LIMITS
        RUN_LIMITS = dataclasses.replace(RUN_LIMITS, processes=args.processes)
    if args.runner is not None:
        runner = args.runner.resolve()
        sandbox_docker.runner_path = lambda: runner  # Worker.start looks it up per container

    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-"))
    pools: list[SandboxPool] = []
    try:
        info = machine()
        print(f"machine: nproc={info['nproc']} cpu={info['cpu']!r} kernel={info['kernel']} "
              f"load average (1 min)={info['loadavg_1m']}")
        print(f"{args.tests} tests, jobs of {args.batch} tests, image {args.image}, "
              f"best of {args.repeat} rounds")
        cases = make_cases(tmp / "tests", args.tests, args.seed)
        binary, host_compile = compile_on_host(tmp)
        groups = batches(cases, args.batch)

        files = {c.name: c.path for c in cases}

        def open_pool(workers: int, cache: str) -> tuple[SandboxPool, str, float]:
            # Pools live one at a time: each claims a core per container (as a user's
            # pool alone on the machine would), which two pools at once could not.
            pool = make_pool(workers, args.image, tmp / cache)
            pools.append(pool)
            return pool, pool.mirror("bench-sum", files), warm_up(pool)

        def close_pool(pool: SandboxPool) -> None:
            pool.close()
            pools.remove(pool)

        pool1, _, warm1 = open_pool(1, "cache1")
        # Execution-only jobs rely on /tmp/bin/sum surviving from an earlier
        # compile job in the same container: show it is absent before, and
        # (through zero mismatches below) that it is reused after.
        fresh_pool = make_pool(1, args.image, tmp / "cache0")
        pools.append(fresh_pool)
        fresh = verdict_without_compile(fresh_pool, cases[0], fresh_pool.mirror("bench-sum", files))
        close_pool(fresh_pool)
        compile_job, compile_res = timed(lambda: pool1.run(sj.Job(compile=compile_step())))
        assert compile_res.compile is not None
        empty_job = statistics.median(timed(lambda: pool1.run(sj.Job()))[0] for _ in range(5))
        print(f"execution-only job in a container that never compiled: {fresh} "
              "(expected XX: no binary)")
        close_pool(pool1)

        runs: dict[str, list[Run]] = {k: [] for k in ("bare", "1e", "1c", "2e", "2c")}
        warm2 = 0.0
        for r in range(args.repeat):
            print(f"round {r + 1}/{args.repeat}")
            run = run_bare(binary, cases)
            runs["bare"].append(run)
            report(run, "bare (host subprocess)")
            for workers in (1, 2):
                pool, data, warm = open_pool(workers, f"cache{workers}")
                if workers == 2:
                    warm2 = warm
                for compile in (False, True):
                    key = f"{workers}{'c' if compile else 'e'}"
                    run = run_jobs(pool, groups, data, compile=compile, threads=workers)
                    runs[key].append(run)
                    report(run, f"evalkit {workers} worker{'s' if workers > 1 else ''}, "
                                f"{'with compile' if compile else 'execution only'}")
                close_pool(pool)

        bare, one_exec, one_full = best(runs["bare"]), best(runs["1e"]), best(runs["1c"])
        two_exec, two_full = best(runs["2e"]), best(runs["2c"])
        user_wall = statistics.mean(one_exec.user_wall) if one_exec.user_wall else 0.0
        in_runner = one_exec.per_test - len(groups) * empty_job / one_exec.tests
        overhead = one_exec.per_test / bare.per_test
        scaling_full = two_full.throughput / one_full.throughput
        scaling_exec = two_exec.throughput / one_exec.throughput
        mismatches = sum(r.mismatches + len(r.errors) for rs in runs.values() for r in rs)
        compile_proc = compile_res.compile.result.wall_time

        print()
        print_table([
            ("bare, per test", ms(bare.per_test)),
            ("evalkit 1 worker, per test, execution only", ms(one_exec.per_test)),
            (f"overhead evalkit/bare (target <= {TARGET_OVERHEAD}x)", f"{overhead:.2f}x"),
            ("evalkit 1 worker, per test incl. compile / batch", ms(one_full.per_test)),
            ("throughput 1 worker, incl. compile", f"{one_full.throughput:.1f} tests/s"),
            ("throughput 2 workers, incl. compile", f"{two_full.throughput:.1f} tests/s"),
            (f"ratio 2/1 workers, incl. compile (target >= {TARGET_SCALING}x)",
             f"{scaling_full:.2f}x"),
            ("throughput 1 worker, execution only", f"{one_exec.throughput:.1f} tests/s"),
            ("throughput 2 workers, execution only", f"{two_exec.throughput:.1f} tests/s"),
            ("ratio 2/1 workers, execution only", f"{scaling_exec:.2f}x"),
            ("compile: host g++ / sandbox job / g++ in sandbox",
             f"{host_compile:.2f} s / {compile_job:.2f} s / {compile_proc:.2f} s"),
            ("warm-up compile, 1 / 2 workers (excluded)", f"{warm1:.2f} s / {warm2:.2f} s"),
            ("empty job (round trip to the runner), median", ms(empty_job)),
            ("  ... per test at this batch size", ms(empty_job / args.batch)),
            ("runner time per test (execution only)", ms(in_runner)),
            ("  ... of which user process, fork to reap", ms(user_wall)),
            ("output mismatches + job errors (must be 0)", str(mismatches)),
            ("machine", f"nproc={info['nproc']} {info['cpu']}, "
                        f"load avg at start {info['loadavg_1m']}"),
        ])
        figures = {
            "tests": args.tests,
            "batch": args.batch,
            "repeat": args.repeat,
            "bare_s_per_test": round(bare.per_test, 6),
            "evalkit_s_per_test_exec": round(one_exec.per_test, 6),
            "overhead_ratio": round(overhead, 3),
            "evalkit_s_per_test_incl_compile": round(one_full.per_test, 6),
            "throughput_1w": round(one_full.throughput, 2),
            "throughput_2w": round(two_full.throughput, 2),
            "scaling_2w_over_1w": round(scaling_full, 3),
            "throughput_1w_exec": round(one_exec.throughput, 2),
            "throughput_2w_exec": round(two_exec.throughput, 2),
            "scaling_2w_over_1w_exec": round(scaling_exec, 3),
            "compile_host_s": round(host_compile, 3),
            "compile_job_s": round(compile_job, 3),
            "empty_job_s": round(empty_job, 4),
            "runner_s_per_test": round(in_runner, 6),
            "user_wall_s": round(user_wall, 6),
            "mismatches": mismatches,
            **info,
        }
        print(json.dumps(figures))
        return 0 if mismatches == 0 else 1
    finally:
        for pool in pools:
            pool.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
