"""``evalkit judge RUN``: judge a run again without generating."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.cli import console, out
from evalkit.executor import make_executor
from evalkit.pipeline import exit_if_nothing_measured, rejudge


def judge(
    run_dir: Annotated[Path, typer.Argument(help="a run directory under results/")],
    workers: Annotated[int, typer.Option(help="parallel judges")] = os.cpu_count() or 1,
    force: Annotated[bool, typer.Option(help="re-judge everything, even if already judged "
                                             "by this exact judge")] = False,
    data: Annotated[Optional[Path], typer.Option(help="benchmark data, if moved")] = None,
    executor: Annotated[str, typer.Option(help="where judging runs: local | ray")] = "local",
    ray_address: Annotated[Optional[str], typer.Option(
        help="Ray cluster for --executor ray: auto | host:port | ray://host:10001")] = None,
) -> None:
    """Judge what is not yet judged by the current judge (image, runner, limits), then score."""
    summary = rejudge(run_dir, workers, console, force=force, data=data, out=out,
                      executor=make_executor(executor, workers, ray_address))
    exit_if_nothing_measured(summary, console)
