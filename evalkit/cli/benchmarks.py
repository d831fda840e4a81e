"""``evalkit benchmarks``: list benchmarks and where their data comes from."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from evalkit.benchmarks import list_specs, load_benchmark


def benchmarks(
    options: Annotated[Optional[str], typer.Option(
        "--options", help="list this benchmark's options (for `evalkit run --set KEY=VALUE`)")]
    = None,
) -> None:
    """List the benchmarks evalkit knows and where their data comes from."""
    if options is not None:
        from evalkit.benchmarks.options import describe

        bench = load_benchmark(options)
        table = Table(title=f"{options} options (spec {bench.spec.spec_path.name}; "
                            "override with --set KEY=VALUE)", title_justify="left")
        for col in ("key", "type", "value"):
            table.add_column(col, overflow="fold")
        for key, kind, value in describe(bench.options):
            table.add_row(key, kind, value)
        aliases = type(bench.options).ALIASES
        Console().print(table)
        if aliases:
            Console().print("flags: " + ", ".join(f"--{a} = --set {k}=…"
                                                  for a, k in aliases.items()))
        return
    table = Table(title="benchmarks", title_justify="left")
    table.add_column("name")
    table.add_column("title")
    table.add_column("data")
    for s in list_specs():
        data = f"bundled: {s.data}" if s.data else s.data_help
        table.add_row(s.name, s.title, data)
    Console().print(table)
