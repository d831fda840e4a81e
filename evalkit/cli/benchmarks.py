"""``evalkit benchmarks``: list benchmarks and where their data comes from."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from evalkit.benchmarks import list_specs


def benchmarks() -> None:
    """List the benchmarks evalkit knows and where their data comes from."""
    table = Table(title="benchmarks", title_justify="left")
    table.add_column("name")
    table.add_column("title")
    table.add_column("data")
    for s in list_specs():
        data = f"bundled: {s.data}" if s.data else s.data_help
        table.add_row(s.name, s.title, data)
    Console().print(table)
