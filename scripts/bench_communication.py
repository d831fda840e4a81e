"""Communication throughput: tests of a manager and two user processes over FIFOs.

Each test is what a CMS Communication task with two processes runs: a trusted
manager (C, built once per container) reads the test's input, sends each user
process a number through its FIFO, reads back its double and prints the outcome;
the two user programs run as two uids, each in its own box and namespaces.  The
same jobs are run with this runner and, with ``--against``, with another one
(e.g. the runner before a change), interleaved, best of ``--repeat`` rounds;
prints tests/s of each and the ratio.  It asserts nothing about timing.

Usage::

    .venv/bin/python scripts/bench_communication.py [--tests 300] [--against OLD_RUNNER.py]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from evalkit.sandbox import docker as sandbox_docker
from evalkit.sandbox import job as sj
from evalkit.sandbox.docker import SandboxConfig, SandboxPool

MANAGER = r"""#include <stdio.h>
int main(int argc, char **argv) {
    int x; if (scanf("%d", &x) != 1) return 1;
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        FILE *to = fopen(argv[2 * i + 2], "w");
        if (!to) return 2;
        fprintf(to, "%d\n", x + i); fclose(to);
        FILE *from = fopen(argv[2 * i + 1], "r");
        if (!from) return 2;
        int y; if (fscanf(from, "%d", &y) != 1 || y != 2 * (x + i)) ok = 0;
        fclose(from);
    }
    printf("%s\n", ok ? "1.0" : "0.0");
    return 0;
}
"""
USER = r"""#include <stdio.h>
int main(int argc, char **argv) {
    FILE *in = fopen(argv[2], "r"); int x; if (!in || fscanf(in, "%d", &x) != 1) return 1;
    FILE *out = fopen(argv[1], "w"); fprintf(out, "%d\n", 2 * x); fclose(out); return 0;
}
"""
USER_LIMITS = sj.Limits(cpu=1, wall=3, memory=256 * 1024**2, output=1024**2, processes=1)


def make_job(data: str, names: list[str], compile: bool) -> sj.Job:
    build = sj.TrustedBuild(key="bench-manager-v1", argv=["/usr/bin/gcc", "-O2", "-o", "manager",
                                                          "manager.c"],
                            files={"manager.c": sj.FileText(MANAGER)}, artifacts=["manager"])
    tests = []
    for n in names:
        fifos = [sj.Fifo(f"u{i}_to_m", i) for i in range(2)] + \
                [sj.Fifo(f"m_to_u{i}", i) for i in range(2)]
        users = [sj.Process(name=f"user{i}", slot=i, limits=USER_LIMITS,
                            argv=["{bin}/user", f"{{fifo:u{i}_to_m}}", f"{{fifo:m_to_u{i}}}"])
                 for i in range(2)]
        manager = sj.Process(name="manager", trusted=True, limits=sj.Limits(cpu=10, wall=20),
                             argv=["{trusted}/bench-manager-v1/manager",
                                   "{fifo:u0_to_m}", "{fifo:m_to_u0}",
                                   "{fifo:u1_to_m}", "{fifo:m_to_u1}"],
                             stdin=sj.Stream(path=f"{data}/{n}"),
                             stdout=sj.Stream(capture="m.out", returned=True))
        tests.append(sj.Test(id=n, run=[manager, *users], fifos=fifos))
    comp = sj.Compile(argv=["/usr/bin/gcc", "-O2", "-static", "-o", "user", "user.c"],
                      files={"user.c": sj.FileText(USER)}, artifacts={"user": "user"},
                      limits=sj.Limits(cpu=30, wall=60, processes=64)) if compile else None
    return sj.Job(trusted_builds=[build], compile=comp, tests=tests)


def measure(runner: Path, data_dir: Path, names: list[str], batch: int) -> float:
    """Tests per second on a fresh one-worker pool using ``runner`` (execution only)."""
    sandbox_docker.runner_path = lambda: runner
    with SandboxPool(SandboxConfig(workers=1)) as pool:
        where = pool.mirror(f"bench-comm-{len(names)}", {n: data_dir / n for n in names})
        warm = pool.run(make_job(where, names[:1], compile=True))  # builds, compiles, launcher
        assert warm.error is None and warm.compile is not None and warm.compile.ok, warm
        t0 = time.perf_counter()
        bad = 0
        for k in range(0, len(names), batch):
            res = pool.run(make_job(where, names[k:k + batch], compile=False))
            bad += sum(1 for t in res.tests.values() if (t.procs["manager"].stdout or "")
                       .strip() != "1.0") + (res.error is not None)
        took = time.perf_counter() - t0
    if bad:
        print(f"  {bad} tests failed with {runner}", file=sys.stderr)
    return len(names) / took


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--tests", type=int, default=300)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", type=Path, default=None, help="another runner to compare with")
    args = ap.parse_args()
    ours = sandbox_docker.runner_path().resolve()
    runners = {"this runner": ours}
    if args.against is not None:
        runners["--against"] = args.against.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-comm-"))
    try:
        names = [f"{i:05d}.in" for i in range(args.tests)]
        for i, n in enumerate(names):
            (tmp / n).write_text(f"{i}\n")
        print(f"load average {os.getloadavg()[0]:.2f}; {args.tests} Communication tests "
              f"(manager + 2 users), jobs of {args.batch}, best of {args.repeat}")
        best: dict[str, float] = {}
        for r in range(args.repeat):
            for label, path in runners.items():
                tps = measure(path, tmp, names, args.batch)
                best[label] = max(best.get(label, 0.0), tps)
                print(f"  round {r + 1} {label:12s} {tps:8.1f} tests/s")
        for label, tps in best.items():
            print(f"{label:12s} best {tps:8.1f} tests/s")
        if "--against" in best:
            print(f"ratio this/--against {best['this runner'] / best['--against']:.2f}")
        print(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
