"""Where the bundled ``benchmarks/`` and ``sandboxes/`` folders live.

In a source checkout (editable install) they sit beside the package; a wheel
carries copies inside the package as ``evalkit/_data/`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"evalkit's bundled '{name}/' folder is missing (looked beside {_PKG})")


def benchmarks_dir() -> Path:
    """The folder of declarative benchmark specs and bundled sample data."""
    return _find("benchmarks")


def sandboxes_dir() -> Path:
    """The folder of judge image recipes and the in-container runner."""
    return _find("sandboxes")


def repo_root() -> Path | None:
    """The source checkout holding the package, if any (for git provenance)."""
    root = _PKG.parent
    return root if (root / ".git").exists() else None
