"""``evalkit table RUN_DIR...``: the leaderboard in rich, Markdown, LaTeX, CSV, JSON or HTML."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.cli import console
from evalkit.cli import out as out_console
from evalkit.errors import EvalkitError
from evalkit.report.formats import FORMATS, SUFFIXES, render, to_rich
from evalkit.report.table import build_leaderboard
from evalkit.results import load_runs
from evalkit.stats.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED


def pick_format(fmt: str | None, out: Path | None) -> str:
    """``--format``, else the one ``--out``'s suffix implies, else rich."""
    if fmt:
        if fmt not in FORMATS:
            raise EvalkitError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
        return fmt
    if out is not None and out.suffix.lower() in SUFFIXES:
        return SUFFIXES[out.suffix.lower()]
    return "rich"


def table(
    runs: Annotated[list[Path], typer.Argument(
        help="run directories, or folders of run directories")],
    format: Annotated[Optional[str], typer.Option(
        "--format", "-f", help=f"one of: {', '.join(FORMATS)} (default: from --out, or rich)")]
    = None,
    out: Annotated[Optional[Path], typer.Option(help="write to FILE instead of stdout")] = None,
    check: Annotated[bool, typer.Option(
        help="do not write: exit 1 unless --out FILE already holds exactly this table")] = False,
    level: Annotated[float, typer.Option(help="confidence level of the intervals")] = 0.95,
    resamples: Annotated[int, typer.Option(help="bootstrap resamples")] = DEFAULT_RESAMPLES,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = DEFAULT_SEED,
) -> None:
    """One row per model, one column group per benchmark: headline, CI, samples, notes."""
    fmt = pick_format(format, out)
    if not 0 < level < 1:
        raise EvalkitError("--level must be between 0 and 1")
    if resamples < 100:
        raise EvalkitError("--resamples must be at least 100")
    lb = build_leaderboard(load_runs(runs), level=level, resamples=resamples, seed=seed)
    if check:
        if out is None:
            raise EvalkitError("--check needs --out FILE (the published table to verify)")
        text = render(lb, fmt)
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        if old != text:
            diff = difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                        str(out), "regenerated")
            console.print("".join(list(diff)[:80]), markup=False, highlight=False)
            console.print(f"[red]{out} differs from the table regenerated from the runs[/]")
            sys.exit(1)  # not typer.Exit: click would swallow the code
        console.print(f"{out}: identical to the regenerated table")
        return
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(lb, fmt), encoding="utf-8")
        console.print(f"wrote {out} ({fmt})")
    elif fmt == "rich":
        out_console.print(to_rich(lb))
    else:
        typer.echo(render(lb, fmt), nl=False)
