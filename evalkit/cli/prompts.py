"""``evalkit prompts BENCHMARK``: the exact prompts, one JSON line per problem."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.benchmarks import load_benchmark
from evalkit.pipeline import require_prompts


def prompts(
    benchmark: Annotated[str, typer.Argument(help="benchmark name")],
    data: Annotated[Optional[Path], typer.Option(help="benchmark data folder")] = None,
) -> None:
    """Print {"problem_id", "messages"} per problem, for generating elsewhere."""
    bench = load_benchmark(benchmark, data)
    problems = bench.problems()
    require_prompts(bench, problems)
    for p in problems:
        sys.stdout.write(json.dumps({"problem_id": p.id, "messages": p.messages},
                                    ensure_ascii=False) + "\n")
