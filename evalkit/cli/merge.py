"""``evalkit merge SHARD_DIR... --out DIR``: combine shard runs into one run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evalkit.cli import console
from evalkit.cli import out as out_console


def merge(
    shards: Annotated[list[Path], typer.Argument(help="run directories made with --shard i/n")],
    out: Annotated[Path, typer.Option(help="the merged run directory (must be new)")],
) -> None:
    """Combine the shards of one run; refuses shards of different runs or missing shards."""
    from evalkit.merge import merge_runs

    merge_runs(shards, out, console, out_console)
