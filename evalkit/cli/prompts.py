"""``evalkit prompts BENCHMARK``: the exact prompts, one JSON line per problem."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.benchmarks import load_benchmark
from evalkit.benchmarks.options import parse_sets
from evalkit.pipeline import require_prompts, select_problems


def prompts(
    benchmark: Annotated[str, typer.Argument(help="benchmark name")],
    data: Annotated[Optional[Path], typer.Option(help="benchmark data folder")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", help="benchmark option KEY=VALUE, as for `evalkit run` (repeatable)")] = None,
    limit: Annotated[Optional[int], typer.Option(help="only the first N problems")] = None,
    problems: Annotated[Optional[str], typer.Option(help="only these problems: ID[,ID...]")]
    = None,
) -> None:
    """Print {"problem_id", "messages"} per problem, for generating elsewhere."""
    bench = load_benchmark(benchmark, data, parse_sets(set_ or []))
    chosen, _ = select_problems(bench.problems(), limit,
                                None if problems is None else problems.split(","), bench.name)
    require_prompts(bench, chosen)
    for p in chosen:
        sys.stdout.write(json.dumps({"problem_id": p.id, "messages": p.messages},
                                    ensure_ascii=False) + "\n")
