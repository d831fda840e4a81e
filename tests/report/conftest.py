"""Run directories for report tests: the contract-shaped FIXTURES (simulated numbers, for
benchmarks whose adapters are not on this branch) and the published real IOI runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.results import RunResult, load_runs

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "report" / "data" / "fixtures"
PUBLISHED_RUNS = REPO / "results" / "published" / "runs"


@pytest.fixture(scope="session")
def fixture_runs() -> list[RunResult]:
    return load_runs([FIXTURES])


@pytest.fixture(scope="session")
def real_runs() -> list[RunResult]:
    """Real ioi2024_sample runs (reference, and replayed known solutions), committed."""
    return load_runs([PUBLISHED_RUNS])
