"""``evalkit sandbox build|check``: the judge image and the Docker engine."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from evalkit.cli import console
from evalkit.sandbox.docker import DEFAULT_IMAGE

app = typer.Typer(help="Build and check the judge sandbox.", no_args_is_help=True)


@app.command()
def build(
    image: Annotated[str, typer.Option(help="image name")] = DEFAULT_IMAGE,
    dockerfile: Annotated[bool, typer.Option(
        help="build from the Dockerfile (needs to pull debian:bookworm)")] = False,
    if_stale: Annotated[bool, typer.Option(
        "--if-stale", help="do nothing when the image exists and matches packages.txt")] = False,
) -> None:
    """Build the judge image offline (debootstrap + docker import)."""
    from evalkit.sandbox import image as img

    if if_stale and img.is_current(image):
        console.print(f"{image} is current")
        return
    image_id = (img.build_dockerfile(image, log=console.print) if dockerfile
                else img.build_debootstrap(image, log=console.print))
    console.print(f"[green]built[/] {image} {image_id}")


@app.command()
def check(image: Annotated[str, typer.Option(help="image name")] = DEFAULT_IMAGE) -> None:
    """Check the Docker engine and the judge image."""
    from evalkit.sandbox import image as img

    facts = img.check(image)
    table = Table(title="sandbox", title_justify="left", show_header=False)
    for k, v in facts.items():
        table.add_row(k, v)
    console.print(table)
    console.print("[green]ok[/]")
