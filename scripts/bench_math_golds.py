"""Figures for the math benchmarks' gold checks: grading speed and the cross-check pruning.

Prints, for the bundled benchmarks: time to grade every gold against itself
(boxed, as a response), and for IMO-AnswerBench the number of gold pairs the
pruned cross-check compares against all pairs, with the time per comparison.
Run: ``PYTHONPATH=. python scripts/bench_math_golds.py``.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "benchmarks"))

from test_math_benchmarks import _suspect_pairs, boxed, golds

from evalkit.math import equivalent, grade


def main() -> None:
    table = Table(title="gold checks", title_justify="left")
    for col in ("benchmark", "golds", "self-grade ok", "seconds", "ms / gold"):
        table.add_column(col, justify="left" if col == "benchmark" else "right")
    for name in ("aime2025", "hmmt_feb2025", "imo_answerbench"):
        answers = golds(name)
        t = time.perf_counter()
        ok = sum(1 for a in answers.values() if grade(a, boxed(a)))
        dt = time.perf_counter() - t
        table.add_row(name, str(len(answers)), str(ok), f"{dt:.2f}",
                      f"{1000 * dt / len(answers):.1f}")
    Console().print(table)

    answers = golds("imo_answerbench")
    t = time.perf_counter()
    pairs = _suspect_pairs(answers)
    prune = time.perf_counter() - t
    t = time.perf_counter()
    confused = sum(1 for p, q in pairs if equivalent(answers[p], answers[q])
                   or equivalent(answers[q], answers[p]))
    compare = time.perf_counter() - t
    total = len(list(itertools.combinations(answers, 2)))
    per_pair = compare / max(1, 2 * len(pairs))
    print(f"AnswerBench cross-check: {len(pairs)} of {total} pairs compared "
          f"({total / max(1, len(pairs)):.0f}x fewer), {confused} confused")
    print(f"  pruning {prune:.1f}s, comparisons {compare:.1f}s "
          f"({1000 * per_pair:.1f} ms per equivalent() call); all pairs both ways would take "
          f"~{2 * total * per_pair:.0f}s")


if __name__ == "__main__":
    main()
