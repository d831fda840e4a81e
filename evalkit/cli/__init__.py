"""The ``evalkit`` command line: one command per module."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.text import Text

from evalkit.errors import EvalkitError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Trustworthy evaluation of language models on competition benchmarks.")
# Progress and messages go to stderr, result tables to stdout.  Off a terminal
# rich assumes 80 columns, too narrow for result tables.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
out = Console(width=None if sys.stdout.isatty() else 120)


# command name -> (module in evalkit.cli, attribute): a function is a command,
# a Typer app a command group.  One command per module.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "run"),
    "judge": ("judge", "judge"),
    "benchmarks": ("benchmarks", "benchmarks"),
    "prompts": ("prompts", "prompts"),
    "sandbox": ("sandbox", "app"),
    "table": ("table", "table"),
    "report": ("report", "report"),
    "gate": ("gate", "gate"),
    "merge": ("merge", "merge"),
    "runs": ("runs", "runs"),
    "agreement": ("agreement", "agreement"),
}


def _register() -> None:
    import importlib

    for name, (module, attr) in COMMANDS.items():
        obj = getattr(importlib.import_module(f"evalkit.cli.{module}"), attr)
        if isinstance(obj, typer.Typer):
            app.add_typer(obj, name=name)
        else:
            app.command(name, context_settings=getattr(obj, "context_settings", None))(obj)


_register()


def main() -> None:
    """Entry point: user errors print one line and exit 2."""
    try:
        code = app(standalone_mode=False)
        # Typer turns Ctrl-C into a returned 130 when not standalone (typer/core.py _main).
        if code == 130:
            raise KeyboardInterrupt
        if isinstance(code, int) and code:
            sys.exit(code)
    except EvalkitError as e:
        console.print(Text.assemble(("error: ", "bold red"), str(e)), soft_wrap=True)
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
