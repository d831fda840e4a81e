"""Run directories for report tests: the real runs of every bundled benchmark (built in this
session, see tests/realruns.py) and the published real IOI runs (committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.results import RunResult, load_runs

REPO = Path(__file__).resolve().parents[2]
PUBLISHED_RUNS = REPO / "results" / "published" / "runs"


@pytest.fixture(scope="session")
def published_runs() -> list[RunResult]:
    """Real ioi2024_sample runs (reference, and replayed known solutions), committed."""
    return load_runs([PUBLISHED_RUNS])


@pytest.fixture(scope="session")
def all_runs(real_runs) -> list[RunResult]:
    """Every benchmark's real runs, loaded as `evalkit table` loads them."""
    return real_runs.load()
