"""``evalkit runs``: the run directories under --results, with their status and headline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from evalkit.cli import console
from evalkit.cli import out as out_console
from evalkit.runlist import COMPLETE, ERRORS, list_runs

STYLE = {COMPLETE: "green", ERRORS: "red"}


def runs(
    results: Annotated[Path, typer.Option(help="where run directories are")] = Path("results"),
) -> None:
    """List the runs (suite folders included): benchmark, model, backend, protocol, status."""
    rows = list_runs(results)
    if not rows:
        console.print(f"no run directories in {results}")
        return
    table = Table(title=f"runs in {results}")
    for col in ("benchmark", "model", "backend", "protocol", "status", "headline", "run"):
        table.add_column(col, overflow="fold")
    for r in rows:
        style = STYLE.get(r.status, "yellow")
        status = f"[{style}]{r.status}[/]" + (f" ({r.detail})" if r.detail else "")
        table.add_row(r.benchmark, r.model, r.backend, r.protocol, status, r.headline,
                      str(r.path.relative_to(results)))
    out_console.print(table)
