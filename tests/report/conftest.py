"""Run directories for report tests: the real runs of every bundled benchmark, built once per
session by the `real_runs` fixture (tests/conftest.py, tests/realruns.py)."""

from __future__ import annotations

import pytest

from evalkit.results import RunResult


@pytest.fixture(scope="session")
def all_runs(real_runs) -> list[RunResult]:
    """Every benchmark's real runs, loaded as `evalkit table` loads them."""
    return real_runs.load()
