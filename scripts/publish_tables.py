"""Regenerate (or, with --check, verify byte for byte) the tables in results/published/.

results/published/index.toml lists each table: its file, format and run directories
(relative to results/published/).  `make publish` writes them; `make check-published`
and tests/report/test_published.py check that they match their runs exactly.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from evalkit.errors import EvalkitError
from evalkit.report.formats import render
from evalkit.report.table import build_leaderboard
from evalkit.results import load_runs

PUBLISHED = Path(__file__).resolve().parents[1] / "results" / "published"


def tables(root: Path = PUBLISHED) -> list[tuple[Path, str]]:
    """(file, regenerated text) for every table in ``root/index.toml``."""
    index = root / "index.toml"
    try:
        spec = tomllib.loads(index.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise EvalkitError(f"{index}: {e}") from None
    out = []
    for i, entry in enumerate(spec.get("table", [])):
        for key in ("out", "format", "runs"):
            if key not in entry:
                raise EvalkitError(f"{index}: table {i + 1} has no '{key}'")
        lb = build_leaderboard(load_runs([root / r for r in entry["runs"]]))
        out.append((root / entry["out"], render(lb, entry["format"])))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify instead of writing")
    args = ap.parse_args()
    stale = []
    try:
        made = tables()
    except EvalkitError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path, text in made:
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    for path in stale:
        print(f"{path}: differs from the table regenerated from its runs (make publish)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
