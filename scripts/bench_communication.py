"""Communication throughput: tests of a manager and two user processes over FIFOs.

Each test is what a CMS Communication task with two processes runs: a trusted
manager (C, built once per container) reads the test's input, sends each user
process a number through its FIFO, reads back its double and prints the outcome;
the two user programs run as two uids, each in its own box and namespaces.  The
same jobs are run with this runner and, with ``--against``, with another one
(e.g. the runner before a change), interleaved, best of ``--repeat`` rounds;
prints tests/s of each and the ratio.  It asserts nothing about timing.
``--std-io``: the users read stdin and write stdout, both FIFOs opened for them
(tps.py's std_io, the official IOI packages) instead of opening the FIFO paths
given on argv (fifo_io).  ``--load N``: N x cores busy-looping processes run
throughout (each ends by itself after 20 minutes even if this one is killed).

Usage::

    .venv/bin/python scripts/bench_communication.py [--tests 300] [--against OLD_RUNNER.py]
        [--std-io] [--load 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
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
USER_STD = r"""#include <stdio.h>
int main(void) { int x; if (scanf("%d", &x) != 1) return 1; printf("%d\n", 2 * x); return 0; }
"""
USER_LIMITS = sj.Limits(cpu=1, wall=3, memory=256 * 1024**2, output=1024**2, processes=1)


def make_job(data: str, names: list[str], compile: bool, std_io: bool = False) -> sj.Job:
    build = sj.TrustedBuild(key="bench-manager-v1", argv=["/usr/bin/gcc", "-O2", "-o", "manager",
                                                          "manager.c"],
                            files={"manager.c": sj.FileText(MANAGER)}, artifacts=["manager"])
    tests = []
    for n in names:
        fifos = [sj.Fifo(f"u{i}_to_m", i) for i in range(2)] + \
                [sj.Fifo(f"m_to_u{i}", i) for i in range(2)]
        if std_io:
            users = [sj.Process(name=f"user{i}", slot=i, limits=USER_LIMITS, argv=["{bin}/user"],
                                stdin=sj.Stream(fifo=f"m_to_u{i}"),
                                stdout=sj.Stream(fifo=f"u{i}_to_m")) for i in range(2)]
        else:
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
                      files={"user.c": sj.FileText(USER_STD if std_io else USER)},
                      artifacts={"user": "user"},
                      limits=sj.Limits(cpu=30, wall=60, processes=64)) if compile else None
    return sj.Job(trusted_builds=[build], compile=comp, tests=tests)


def measure(runner: Path, data_dir: Path, names: list[str], batch: int,
            std_io: bool = False) -> float:
    """Tests per second on a fresh one-worker pool using ``runner`` (execution only)."""
    sandbox_docker.runner_path = lambda: runner
    with SandboxPool(SandboxConfig(workers=1)) as pool:
        where = pool.mirror(f"bench-comm-{len(names)}", {n: data_dir / n for n in names})
        # builds, compiles, starts the launcher
        warm = pool.run(make_job(where, names[:1], compile=True, std_io=std_io))
        assert warm.error is None and warm.compile is not None and warm.compile.ok, warm
        t0 = time.perf_counter()
        bad = 0
        for k in range(0, len(names), batch):
            res = pool.run(make_job(where, names[k:k + batch], compile=False, std_io=std_io))
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
    ap.add_argument("--std-io", action="store_true", help="users on stdin/stdout FIFOs (std_io)")
    ap.add_argument("--load", type=int, default=0, help="busy-looping processes per core")
    args = ap.parse_args()
    ours = sandbox_docker.runner_path().resolve()
    runners = {"this runner": ours}
    if args.against is not None:
        runners["--against"] = args.against.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-comm-"))
    busy = "import time\nend = time.monotonic() + 1200\nwhile time.monotonic() < end: pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", busy])
            for _ in range(args.load * (os.cpu_count() or 1))]
    try:
        names = [f"{i:05d}.in" for i in range(args.tests)]
        for i, n in enumerate(names):
            (tmp / n).write_text(f"{i}\n")
        print(f"load average {os.getloadavg()[0]:.2f}; {args.tests} Communication tests "
              f"(manager + 2 users, {'std_io' if args.std_io else 'fifo_io'}), jobs of "
              f"{args.batch}, best of {args.repeat}; {len(hogs)} busy processes")
        best: dict[str, float] = {}
        for r in range(args.repeat):
            for label, path in runners.items():
                tps = measure(path, tmp, names, args.batch, args.std_io)
                best[label] = max(best.get(label, 0.0), tps)
                print(f"  round {r + 1} {label:12s} {tps:8.1f} tests/s")
        for label, tps in best.items():
            print(f"{label:12s} best {tps:8.1f} tests/s")
        if "--against" in best:
            print(f"ratio this/--against {best['this runner'] / best['--against']:.2f}")
        print(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        for h in hogs:
            h.kill()
            h.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
