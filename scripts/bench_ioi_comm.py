"""Communication judging throughput, quiet and under load (README, "IOI").

Judges the bundled Communication tasks' model solutions (message: 2 processes,
28 tests; sphinx: 1 process, 86 tests) and a solution blocked on input (sphinx,
a few tests) through one worker, first on the host as it is, then while the host
runs ``--load`` x its cores of busy-looping processes (always stopped, each
bounded by ``timeout``).  Prints tests per second, the ratio loaded/quiet, the
test runs re-judging added, and whether every verdict was the same.

    python scripts/bench_ioi_comm.py [--load 4] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from evalkit.judging.cms import tasktypes
from evalkit.judging.cms.package import load_task
from evalkit.sandbox.docker import SandboxConfig, SandboxPool

TASKS = Path(__file__).resolve().parents[1] / "benchmarks" / "ioi2024_sample" / "tasks"
CASES = [("message", "model_solution/message.cpp", None),
         ("sphinx", "model_solution/sphinx.cpp", None),
         ("sphinx", "time_limit/reads_stdin.cpp", ["0-01", "1-01", "chain-full-01"])]


def judge(pool: SandboxPool) -> tuple[dict[tuple[str, str, str], str], int, int, float]:
    """Verdicts, test runs, runs added by re-judging, seconds."""
    verdicts: dict[tuple[str, str, str], str] = {}
    runs = extra = 0
    t0 = time.monotonic()
    for name, sol, tests in CASES:
        task = load_task(TASKS / name)
        data_dir = pool.mirror(f"bench-comm-{name}", task.files())
        source = (TASKS / name / "solutions" / sol).read_text()
        ev, added = tasktypes.evaluate(task, source, data_dir, tasktypes.JudgeLimits(),
                                       pool.run, tests)
        names = tests or sorted(task.tests)
        runs += len(names) + added
        extra += added
        for c, t in ev.tests.items():
            verdicts[(name, sol, c)] = f"{t.verdict}:{t.outcome:.6f}"
        if ev.judge_error:
            verdicts[(name, sol, "*")] = "JE"
    return verdicts, runs, extra, time.monotonic() - t0


def hogs(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen(["timeout", "900", "sh", "-c", "while :; do :; done"])
            for _ in range(n)]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--load", type=int, default=4, help="busy processes per core")
    args = ap.parse_args(argv)
    n = args.load * (os.cpu_count() or 1)
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        pool = SandboxPool(SandboxConfig(workers=1, memory=2 * 1024**3, cache_dir=Path(cache)))
        try:
            judge(pool)  # warm: trusted builds, data mirrored
            quiet, runs_q, extra_q, secs_q = judge(pool)
            procs = hogs(n)
            try:
                time.sleep(1.0)
                loaded, runs_l, extra_l, secs_l = judge(pool)
            finally:
                for p in procs:
                    p.kill()
                for p in procs:
                    p.wait()
        finally:
            pool.close()
    tq, tl = (runs_q - extra_q) / secs_q, (runs_l - extra_l) / secs_l
    print(f"quiet:  {runs_q - extra_q} tests in {secs_q:.1f} s = {tq:.2f} tests/s "
          f"(+{extra_q} re-judged runs)")
    print(f"{args.load}x cores busy ({n} processes): {runs_l - extra_l} tests in "
          f"{secs_l:.1f} s = {tl:.2f} tests/s (+{extra_l} re-judged runs)")
    print(f"ratio loaded/quiet throughput: {tl / tq:.2f}")
    same = quiet == loaded
    print(f"verdicts identical: {same}")
    if not same:
        for k in sorted(set(quiet) | set(loaded)):
            if quiet.get(k) != loaded.get(k):
                print(f"  {k}: quiet {quiet.get(k)} loaded {loaded.get(k)}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
