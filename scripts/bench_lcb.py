"""Judging throughput for a LiveCodeBench-like load: evalkit's sandbox vs a bare host loop.

The load: ``--samples`` (200) generations of one call-based LeetCode-style problem with
``--tests`` (20) tests each; most samples are correct, every fifth is wrong (so both
verdicts are exercised and checked).  Each test sorts and scans a list of a few hundred
integers, a typical small LeetCode call.

* **evalkit**: each sample is one sandbox job (evalkit.judging.lcb.harness.build_job) on a
  :class:`SandboxPool` of ``--workers`` containers, fed from as many threads: one request
  to the container's runner, one untrusted process (forked from the container's warm
  zygote for the harness) running all 20 tests, outputs compared on the host.  This is
  exactly what ``evalkit run livecodebench_*`` does per sample.
* **bare**: the same harness script run on the host by ``subprocess.run`` for each sample
  (no container, no uid switch, no limits), from ``--workers`` threads, compared on
  the host by the same code.  The least any judge running one interpreter per sample
  could do.
* **bare, one interpreter per test** (on ``--per-test-samples`` samples): what a judge
  that starts a fresh interpreter for every test pays, for scale.

With ``--lcb-runner DIR`` (a LiveCodeBench checkout; ``--lcb-python`` an interpreter with
its needs, numpy and tqdm) a second figure: **many small problems, one sample each**
(``--small-problems`` (200) rows of ``--small-tests`` (3) tests, stdin and call-based
alternating, as LiveCodeBench rows average few tests), judged by evalkit sandboxed
(:func:`evalkit.judging.lcb.sample.judge_sample`, the spec mirrored per problem as a run
does) and by lcb_runner's own ``codegen_metrics`` bare on the host (its
``num_process_evaluate`` = ``--workers``), on the same rows in the same run, timed around
the grading call only; the ratio is printed.

Verdicts must all match the expected ones (the script exits 1 otherwise).  Each
measurement is repeated ``--repeat`` times, interleaved, and the best is reported; the
load average is printed since the machine may be shared.  A final JSON line holds the
figures for the README.

Usage::

    .venv/bin/python scripts/bench_lcb.py [--samples 200] [--tests 20] [--workers 2]
        [--lcb-runner /tmp/lcb --lcb-python /tmp/venv/bin/python]
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


SMALL_STDIN = "n = int(input())\nprint(sum(map(int, input().split())) * {k})\n"
SMALL_CALL = ("class Solution:\n    def scaled(self, nums: List[int]) -> int:\n"
              "        return sum(nums) * {k}\n")
# Runs lcb_runner's codegen_metrics on rows read from argv[1]; prints seconds and results.
LCB_DRIVER = """
import json, sys, time
from lcb_runner.evaluation import codegen_metrics
rows = json.load(open(sys.argv[1]))
samples = [{"input_output": r["input_output"]} for r in rows]
t0 = time.perf_counter()
_, results, _ = codegen_metrics(samples, [[r["code"]] for r in rows], k_list=[1],
                                num_process_evaluate=int(sys.argv[2]), timeout=6)
secs = time.perf_counter() - t0
ok = [all(x is True for x in results[i][0]) for i in range(len(rows))]
print(json.dumps({"seconds": secs, "passed": ok}))
"""


def small_rows(n_problems: int, n_tests: int, rng: random.Random) -> list[dict[str, Any]]:
    """Distinct small problems, one sample each (every fifth wrong)."""
    rows = []
    for p in range(n_problems):
        k = p + 2
        call = p % 2 == 1
        tests = []
        for _ in range(n_tests):
            nums = [rng.randint(-99, 99) for _ in range(rng.randint(1, 8))]
            if call:
                tests.append((json.dumps(nums), json.dumps(sum(nums) * k)))
            else:
                tests.append((f"{len(nums)}\n{' '.join(map(str, nums))}\n",
                              f"{sum(nums) * k}\n"))
        wrong = p % 5 == 4
        code = (SMALL_CALL if call else SMALL_STDIN).format(k=k + 1 if wrong else k)
        io = {"inputs": [i for i, _ in tests], "outputs": [o for _, o in tests],
              "fn_name": "scaled" if call else None}
        rows.append({"input_output": json.dumps(io), "code": code, "mode": "call" if call
                     else "stdin", "tests": tests, "want": "WA" if wrong else "AC"})
    return rows


def many_small(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    """evalkit sandboxed vs lcb_runner's codegen_metrics bare, same rows, same run."""
    from evalkit.judging.lcb import sample as S
    from evalkit.sandbox.docker import SandboxConfig, SandboxPool

    rows = small_rows(args.small_problems, args.small_tests, random.Random(7))
    limits = H.JudgeLimits()
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-lcb-small-"))
    (tmp / "rows.json").write_text(json.dumps(rows))
    pool = SandboxPool(SandboxConfig(workers=args.workers, memory=limits.memory,
                                     cache_dir=tmp / "cache"))
    mismatches = 0
    best = {"evalkit": float("inf"), "lcb_runner": float("inf")}
    try:
        harness_file = S.mirror_harness(pool)

        def judge(r: dict[str, Any]) -> str:
            fn = "scaled" if r["mode"] == "call" else None
            inputs = [i for i, _ in r["tests"]]
            return S.judge_sample(pool, r["code"], r["mode"], fn, lambda: inputs,
                                  [o for _, o in r["tests"]], limits, harness_file).verdict

        def lcb() -> tuple[float, list[bool]]:
            env = {**os.environ, "PYTHONPATH": str(args.lcb_runner)}
            out = subprocess.run([args.lcb_python, "-c", LCB_DRIVER, str(tmp / "rows.json"),
                                  str(args.workers)], capture_output=True, text=True,
                                 env=env, stdin=subprocess.DEVNULL, timeout=3600)
            if out.returncode != 0:
                raise RuntimeError(f"lcb_runner failed: {out.stderr[-2000:]}")
            doc = json.loads(out.stdout.strip().splitlines()[-1])
            return float(doc["seconds"]), list(doc["passed"])

        timed("warm-up", rows[: args.workers * 2], judge, args.workers, console)
        for _ in range(args.repeat):
            secs, verdicts = timed("evalkit (small)", rows, judge, args.workers, console)
            for k, (v, r) in enumerate(zip(verdicts, rows, strict=True)):
                if v != r["want"]:
                    mismatches += 1
                    console.print(f"mismatch: evalkit problem {k}: {v}, expected {r['want']}")
            best["evalkit"] = min(best["evalkit"], secs)
            secs, passed = lcb()
            mismatches += sum(p != (r["want"] == "AC") for p, r in zip(passed, rows,
                                                                       strict=True))
            best["lcb_runner"] = min(best["lcb_runner"], secs)
    finally:
        pool.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"problems": len(rows), "tests": args.small_tests,
            "samples_per_second": {k: round(len(rows) / v, 1) for k, v in best.items()},
            "evalkit_vs_lcb_runner": round(best["lcb_runner"] / best["evalkit"], 2),
            "mismatches": mismatches}


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
    return sj.JobResult(tests={"all": sj.TestResult("all", {"harness": proc}, None)}, done=True)


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
    ap.add_argument("--lcb-runner", type=Path, help="a LiveCodeBench checkout (second figure)")
    ap.add_argument("--lcb-python", default=sys.executable,
                    help="python with lcb_runner's needs (numpy, tqdm)")
    ap.add_argument("--small-problems", type=int, default=200)
    ap.add_argument("--small-tests", type=int, default=3)
    ap.add_argument("--only-small", action="store_true", help="skip the first figure")
    args = ap.parse_args()
    console = Console(stderr=True)
    out = Console()
    if args.lcb_runner is not None:
        small = many_small(args, console)
        rate = small["samples_per_second"]
        out.print(f"many small problems ({small['problems']} x {small['tests']} tests, one "
                  f"sample each, {args.workers} worker(s)): evalkit sandboxed "
                  f"{rate['evalkit']:.1f} samples/s, lcb_runner codegen_metrics bare "
                  f"{rate['lcb_runner']:.1f} samples/s: evalkit "
                  f"{small['evalkit_vs_lcb_runner']:.2f}x lcb_runner; load average "
                  f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; verdict mismatches: "
                  f"{small['mismatches']}")
        print(json.dumps({"many_small": small}))
        if small["mismatches"]:
            return 1
        if args.only_small:
            return 0
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
                for k, (v, w) in enumerate(zip(verdicts, want, strict=False)):
                    if v != w:
                        mismatches += 1
                        console.print(f"mismatch: {name} sample {k}: {v}, expected {w}")
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
    for name, label in (("evalkit", "evalkit (Docker sandbox, one warm fork per sample)"),
                        ("bare", "bare host loop (one interpreter per sample)"),
                        ("bare_per_test", "bare host loop (one interpreter per test)")):
        table.add_row(label, f"{figures[name]:.0f}", f"{figures[name] / figures['bare']:.2f}x")
    out.print(table)
    out.print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
              f"verdict mismatches: {mismatches}")
    print(json.dumps({"samples": args.samples, "tests": args.tests, "workers": args.workers,
                      "tests_per_second": figures, "mismatches": mismatches}))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
