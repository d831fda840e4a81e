"""The ``evalkit`` command line: one command per module."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from evalkit.errors import EvalkitError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Trustworthy evaluation of language models on competition benchmarks.")
console = Console(stderr=True)


def _register() -> None:
    from evalkit.cli import benchmarks, judge, prompts, run, sandbox

    app.command("run")(run.run)
    app.command("judge")(judge.judge)
    app.command("benchmarks")(benchmarks.benchmarks)
    app.command("prompts")(prompts.prompts)
    app.add_typer(sandbox.app, name="sandbox")


_register()


def main() -> None:
    """Entry point: user errors print one line and exit 2."""
    try:
        app(standalone_mode=False)
    except EvalkitError as e:
        console.print(f"[bold red]error:[/] {e}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]: finished work is saved; run the same command "
                      "again to resume")
        sys.exit(130)
    except Exception as e:
        import click

        if isinstance(e, click.exceptions.ClickException):
            e.show()
            sys.exit(e.exit_code)
        if isinstance(e, click.exceptions.Exit):
            sys.exit(e.exit_code)
        if isinstance(e, click.exceptions.Abort):
            sys.exit(130)
        raise
