"""``evalkit gate --baseline RUN --candidate RUN``: fail CI on a significant regression."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.cli import console
from evalkit.errors import EvalkitError
from evalkit.gating import gate as decide
from evalkit.report.gate import to_junit, to_markdown
from evalkit.results import load_runs
from evalkit.stats.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED


def gate(
    baseline: Annotated[list[Path], typer.Option(
        help="the accepted run: a run directory or a folder of them (repeatable)")],
    candidate: Annotated[list[Path], typer.Option(
        help="the run to check: a run directory or a folder of them (repeatable)")],
    benchmarks: Annotated[Optional[list[str]], typer.Option(
        "--benchmarks", "-b", help="only these benchmarks (repeatable or comma-separated)")]
    = None,
    max_drop: Annotated[float, typer.Option(
        help="tolerated drop: headline points, or percentage points for rates")] = 0.0,
    alpha: Annotated[float, typer.Option(help="significance level (one-sided)")] = 0.05,
    force: Annotated[bool, typer.Option(
        help="compare even when problems, data or judge differ")] = False,
    junit: Annotated[Optional[Path], typer.Option(help="also write JUnit XML here")] = None,
    markdown: Annotated[Optional[Path], typer.Option(
        help="also write the Markdown summary here (e.g. for a PR comment)")] = None,
    resamples: Annotated[int, typer.Option(help="bootstrap resamples")] = DEFAULT_RESAMPLES,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = DEFAULT_SEED,
) -> None:
    """Exit 1 only on a drop larger than --max-drop that is significant at --alpha; 2 when
    the runs cannot be compared (other problems, data hash, judge or limits) unless --force."""
    if not 0 < alpha < 0.5:
        raise EvalkitError("--alpha must be between 0 and 0.5")
    if max_drop < 0:
        raise EvalkitError("--max-drop must be >= 0")
    names = [b for item in benchmarks or [] for b in item.split(",") if b] or None
    result = decide(load_runs(baseline), load_runs(candidate), names, max_drop, alpha,
                    force, resamples, seed)
    text = to_markdown(result)
    typer.echo(text, nl=False)
    if markdown is not None:
        markdown.write_text(text, encoding="utf-8")
    if junit is not None:
        junit.write_text(to_junit(result), encoding="utf-8")
    console.print(f"gate exit code {result.exit_code}")
    # sys.exit, not typer.Exit: with standalone_mode=False click would swallow the code.
    sys.exit(result.exit_code)
