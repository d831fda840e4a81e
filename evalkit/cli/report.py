"""``evalkit report RUN_DIR... --out DIR``: a static, self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evalkit.cli import console
from evalkit.report.html import render_report
from evalkit.report.table import build_leaderboard
from evalkit.results import load_runs
from evalkit.stats.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED


def report(
    runs: Annotated[list[Path], typer.Argument(
        help="run directories, or folders of run directories")],
    out: Annotated[Path, typer.Option(help="folder to write index.html into")],
    title: Annotated[str, typer.Option(help="page title")] = "evalkit report",
    level: Annotated[float, typer.Option(help="confidence level of the intervals")] = 0.95,
    resamples: Annotated[int, typer.Option(help="bootstrap resamples")] = DEFAULT_RESAMPLES,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = DEFAULT_SEED,
) -> None:
    """Leaderboard, plots and per-problem drill-down in one HTML file (no server needed)."""
    loaded = load_runs(runs)
    lb = build_leaderboard(loaded, level=level, resamples=resamples, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "index.html"
    page.write_text(render_report(lb, loaded, title), encoding="utf-8")
    console.print(f"wrote {page} ({page.stat().st_size // 1024} KiB)")
