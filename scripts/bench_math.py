"""Score evalkit.math and Math-Verify side by side on a labelled JSONL file.

Each line has ``gold``, ``pred`` (a bare answer or a whole response),
``equivalent`` (the label) and ``label_status``; only rows whose label is
trusted (``agree``/``disagree``, see tests/math/data/PROVENANCE.md) are scored.
Prints accuracy, false positives (a wrong answer credited), false negatives and
the median/p99 time per comparison for each grader.

    PYTHONPATH=$PWD python scripts/bench_math.py [FILE ...] [--no-math-verify] [--show-errors]

A row's optional ``question`` is passed to evalkit (it only decides whether a bare
gold is a percentage); Math-Verify has no such input.  The machine load
(``os.getloadavg``) is printed before and after, since times are only
comparable within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from evalkit.math import grade

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "math" / "data" / "dev.jsonl"
SCORED = {"agree", "disagree"}


def load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if r.get("label_status") in SCORED]


def _math_mode(text: str) -> str:
    # NeMo-Skills math_grader: a side without a LaTeX environment is wrapped in $…$
    return text if any(m in text for m in ("$", "\\(", "\\[", "boxed")) else f"${text}$"


def math_verify_grader() -> Callable[[dict], bool]:
    """Math-Verify 0.9.0 as NeMo-Skills calls it ($-wrapping, first box wins).

    Its own 5 s signal timeouts are kept (this runs in the main thread): without
    them one dev row runs for minutes.
    """
    import logging

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)
    from math_verify import (  # dev dependency only
        ExprExtractionConfig,
        LatexExtractionConfig,
        parse,
        verify,
    )

    config = [LatexExtractionConfig(boxed_match_priority=0), ExprExtractionConfig()]

    def run(row: dict) -> bool:
        try:
            g = parse(_math_mode(row["gold"]), config)
            p = parse(_math_mode(row["pred"]), config)
            return bool(verify(g, p))
        except Exception:  # noqa: BLE001 - count a Math-Verify crash as "not equal"
            return False

    return run


def evalkit_grader(row: dict) -> bool:
    return grade(row["gold"], row["pred"], question=row.get("question"))


def score(name: str, fn: Callable[[dict], bool], rows: list[dict]) -> dict:
    times, wrong, slow = [], [], []
    tp = tn = fp = fn_ = 0
    for row in track(rows, description=name):
        start = time.perf_counter()
        got = fn(row)
        times.append(time.perf_counter() - start)
        if times[-1] > 1.0:
            slow.append((times[-1], row["id"]))
        want = bool(row["equivalent"])
        if got and want:
            tp += 1
        elif not got and not want:
            tn += 1
        elif got:
            fp += 1
            wrong.append(("FP", row))
        else:
            fn_ += 1
            wrong.append(("FN", row))
    times.sort()
    return {
        "name": name,
        "n": len(rows),
        "acc": (tp + tn) / len(rows),
        "fp": fp,
        "fn": fn_,
        "neg": tn + fp,
        "median": statistics.median(times),
        "p99": times[min(len(times) - 1, int(0.99 * len(times)))],
        "wrong": wrong,
        "slow": slow,
    }


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--no-math-verify", action="store_true")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    console = Console(width=120)
    graders: list[tuple[str, Callable[[dict], bool]]] = [("evalkit.math", evalkit_grader)]
    if not args.no_math_verify:
        graders.append(("math-verify 0.9.0", math_verify_grader()))
    grade("1", "1.0")  # start the worker outside the timings
    for path in args.files:
        rows = load(path)
        console.print(f"before: {_load()}")
        results = [score(name, fn, rows) for name, fn in graders]
        console.print(f"after: {_load()}")
        table = Table(title=f"{path.name}: {len(rows)} rows with trusted labels")
        table.add_column("grader", no_wrap=True)
        for col in ("accuracy", "false pos.", "FP rate", "false neg.", "median ms", "p99 ms"):
            table.add_column(col, justify="right", no_wrap=True)
        for r in results:
            table.add_row(
                r["name"],
                f"{r['acc']:.1%}",
                str(r["fp"]),
                f"{r['fp'] / len(rows):.1%}",
                str(r["fn"]),
                f"{r['median'] * 1000:.1f}",
                f"{r['p99'] * 1000:.0f}",
            )
        console.print(table)
        if args.show_errors:
            for result in results:
                for kind, row in result["wrong"]:
                    console.print(
                        f"[bold]{result['name']} {kind}[/] {row['id']}: "
                        f"{row['gold'][:120]!r} | {row['pred'][-200:]!r}"
                    )
            for seconds, row_id in results[0]["slow"]:
                console.print(f"[bold]slow[/] {row_id}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
