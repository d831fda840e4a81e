"""Error rates of `evalkit gate` on simulated run pairs (prints figures; no pass/fail).

False alarms: two runs of the same model with different seeds (target <= alpha).
Power: the candidate's solve probability is lower by --drop on every problem.
Both use the gate's own decision rule (evalkit.gating.decide).

    python scripts/bench_gate.py [--trials 400] [--problems 60] [--drop 0.10]
"""

from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.table import Table

from evalkit.stats.simulate import gate_failure_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--problems", type=int, default=60)
    ap.add_argument("--drop", type=float, default=0.10, help="real drop in solve probability")
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    table = Table(title=f"gate error rates ({args.trials} simulated pairs each, "
                        f"{args.problems} problems, alpha {args.alpha})")
    for col in ("samples per problem", "test", "false alarms (same model)",
                f"power (drop {args.drop:.0%})", "seconds"):
        table.add_column(col, justify="right")
    for k in (1, 4, 16):
        start = time.perf_counter()
        same = gate_failure_rate(args.trials, args.problems, k, 0.0, args.alpha,
                                 resamples=args.resamples, seed=k)
        drop = gate_failure_rate(args.trials, args.problems, k, args.drop, args.alpha,
                                 resamples=args.resamples, seed=1000 + k)
        table.add_row(str(k), "McNemar exact" if k == 1 else "bootstrap + sign",
                      f"{same.rate:.3f}", f"{drop.rate:.3f}",
                      f"{time.perf_counter() - start:.1f}")
    Console().print(table)


if __name__ == "__main__":
    main()
