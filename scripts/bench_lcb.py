"""Judging throughput for a LiveCodeBench-like load: evalkit's sandbox vs a bare host loop.

The load: ``--samples`` (200) generations of one call-based LeetCode-style problem with
``--tests`` (20) tests each; most samples are correct, every fifth is wrong (so both
verdicts are exercised and checked).  Each test sorts and scans a list of a few hundred
integers, a typical small LeetCode call.

* **evalkit**: each sample is one sandbox job (evalkit.judging.lcb.harness.build_job) on a
  :class:`SandboxPool` of ``--workers`` containers, fed from as many threads: one
  ``docker exec``, one untrusted python3 running all 20 tests, outputs compared on the
  host.  This is exactly what ``evalkit run livecodebench_*`` does per sample.
* **bare**: the same harness script run on the host by ``subprocess.run`` for each sample
  (no container, no uid switch, no limits), from ``--workers`` threads, compared on
  the host by the same code.  The least any judge running one interpreter per sample
  could do.
* **bare, one interpreter per test** (on ``--per-test-samples`` samples): what a judge
  that starts a fresh interpreter for every test pays, for scale.

Verdicts must all match the expected ones (the script exits 1 otherwise).  Each
measurement is repeated ``--repeat`` times, interleaved, and the best is reported; the
load average is printed since the machine may be shared.  A final JSON line holds the
figures for the README.

Usage::

    .venv/bin/python scripts/bench_lcb.py [--samples 200] [--tests 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evalkit.judging.lcb import harness as H
from evalkit.sandbox import job as sj

GOOD = """
class Solution:
    def countSmaller(self, nums: List[int], k: int) -> List[int]:
        ordered = sorted(nums)
        return [bisect_left(ordered, x) for x in nums[:k]]
"""
BAD = GOOD.replace("bisect_left", "bisect_right")  # wrong on duplicates


def make_tests(n: int, rng: random.Random) -> list[tuple[str, str]]:
    from bisect import bisect_left

    out = []
    for _ in range(n):
        nums = [rng.randint(0, 50) for _ in range(300)]
        k = 50
        ordered = sorted(nums)
        out.append((json.dumps(nums) + "\n" + json.dumps(k),
                    json.dumps([bisect_left(ordered, x) for x in nums[:k]])))
    return out


def bare_result(stdout: str, ok: bool) -> sj.JobResult:
    proc = sj.ProcResult(verdict=sj.OK if ok else sj.RE, exit_code=0, signal=None, cpu_time=0,
                         wall_time=0, max_rss_kb=0, stdout=stdout)
    return sj.JobResult(compile=sj.CompileResult(True, proc),
                        tests={"all": sj.TestResult("all", {"harness": proc}, None)}, done=True)


def run_bare(code_path: Path, spec: bytes, expected: list[str]) -> str:
    out = subprocess.run([sys.executable, "-I", str(H.harness_path()), str(code_path)],
                         input=spec, capture_output=True, timeout=120)
    return H.interpret(bare_result(out.stdout.decode(), out.returncode == 0), "call",
                       expected).verdict


def timed(label: str, items: list[Any], fn: Callable[[Any], str], workers: int,
          console: Console) -> tuple[float, list[str]]:
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=len(items))

        def one(x: Any) -> str:
            v = fn(x)
            bar.advance(task)
            return v

        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as ex:
            verdicts = list(ex.map(one, items))
        return time.perf_counter() - t0, verdicts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--tests", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--per-test-samples", type=int, default=10)
    args = ap.parse_args()
    console = Console(stderr=True)
    from evalkit.sandbox.docker import SandboxConfig, SandboxPool

    rng = random.Random(5)
    tests = make_tests(args.tests, rng)
    expected_outputs = [o for _, o in tests]
    limits = H.JudgeLimits()
    spec = H.spec_json("call", "countSmaller", [i for i, _ in tests], limits.timeout)
    samples = [(i, BAD if i % 5 == 4 else GOOD + f"# sample {i}\n") for i in range(args.samples)]
    want = ["WA" if i % 5 == 4 else "AC" for i, _ in samples]

    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-lcb-"))
    (tmp / "spec.json").write_bytes(spec)
    codes = {}
    for i, code in samples:
        codes[i] = tmp / f"s{i}.py"
        codes[i].write_text(code)
    pool = SandboxPool(SandboxConfig(workers=args.workers, memory=limits.memory,
                                     cache_dir=tmp / "cache"))
    figures: dict[str, float] = {}
    mismatches = 0
    try:
        src = H.harness_path()
        harness_file = pool.mirror("bench-lcb-harness", {H.HARNESS: src}) + "/" + H.HARNESS
        spec_file = pool.mirror(H.spec_key(spec), {"spec.json": tmp / "spec.json"}) + "/spec.json"

        def sandboxed(item: tuple[int, str]) -> str:
            job = H.build_job(item[1], harness_file, spec_file, args.tests, limits)
            return H.interpret(pool.run(job), "call", expected_outputs).verdict

        def bare(item: tuple[int, str]) -> str:
            return run_bare(codes[item[0]], spec, expected_outputs)

        def per_test(item: tuple[int, str]) -> str:
            for inp, out in tests:  # stops at the first failure, like the harness
                one = H.spec_json("call", "countSmaller", [inp], limits.timeout)
                verdict = run_bare(codes[item[0]], one, [out])
                if verdict != "AC":
                    return verdict
            return "AC"

        timed("warm-up", samples[: args.workers * 2], sandboxed, args.workers, console)
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, fn, items in (("evalkit", sandboxed, samples), ("bare", bare, samples),
                                    ("bare_per_test", per_test,
                                     samples[: args.per_test_samples])):
                secs, verdicts = timed(name, items, fn, args.workers, console)
                mismatches += sum(v != w for v, w in zip(verdicts, want, strict=False))
                rate = len(items) * args.tests / secs
                best[name] = max(best.get(name, 0.0), rate)
        figures = {k: round(v, 1) for k, v in best.items()}
    finally:
        pool.close()
        shutil.rmtree(tmp, ignore_errors=True)

    table = Table(title=f"LiveCodeBench-like judging: {args.samples} samples x {args.tests} "
                        f"call-based tests, {args.workers} worker(s)", title_justify="left")
    for col in ("judge", "tests/s", "vs bare"):
        table.add_column(col, justify="right" if col != "judge" else "left")
    for name, label in (("evalkit", "evalkit (Docker sandbox, one interpreter per sample)"),
                        ("bare", "bare host loop (one interpreter per sample)"),
                        ("bare_per_test", "bare host loop (one interpreter per test)")):
        table.add_row(label, f"{figures[name]:.0f}", f"{figures[name] / figures['bare']:.2f}x")
    out = Console()
    out.print(table)
    out.print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
              f"verdict mismatches: {mismatches}")
    print(json.dumps({"samples": args.samples, "tests": args.tests, "workers": args.workers,
                      "tests_per_second": figures, "mismatches": mismatches}))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
