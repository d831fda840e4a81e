"""Shared fixtures.

Docker tests need a running engine and the judge image (`make test` starts and
builds both).  They fail, rather than skip, when the engine is missing, unless
EVALKIT_SKIP_DOCKER=1 is set explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from exit_guard import pytest_sessionfinish  # noqa: F401 - a hook: fail, never hang, at exit

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "benchmarks" / "ioi2024_sample" / "tasks"


def _docker_or_skip() -> None:
    if os.environ.get("EVALKIT_SKIP_DOCKER") == "1":
        pytest.skip("EVALKIT_SKIP_DOCKER=1")


@pytest.fixture(scope="session")
def docker_client():
    _docker_or_skip()
    from evalkit.sandbox.docker import DEFAULT_IMAGE, connect, require_image

    client = connect()
    require_image(client, DEFAULT_IMAGE)
    return client


def _pool(cache: Path, memory: int) -> Iterator[object]:
    from evalkit.sandbox.docker import SandboxConfig, SandboxPool

    p = SandboxPool(SandboxConfig(workers=2, memory=memory, cache_dir=cache))
    yield p
    p.close()


@pytest.fixture(scope="session")
def pool(docker_client, tmp_path_factory) -> Iterator[object]:
    """Two judge containers with a 256 MiB per-process memory budget."""
    yield from _pool(tmp_path_factory.mktemp("judge-cache"), 256 * 1024**2)



@pytest.fixture(scope="session")
def real_runs(docker_client, tmp_path_factory):
    """Real run directories of every bundled sample benchmark, two models where cheap,
    built on first use through evalkit.pipeline.start (tests/realruns.py)."""
    from realruns import RealRuns

    return RealRuns(tmp_path_factory.mktemp("real-runs"))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A random-weight Llama with a ChatML template (tests/model/tiny_model.py), built once
    per session for the engine tests and the protocol tests alike."""
    import sys

    sys.path.insert(0, str(REPO / "tests" / "model"))
    from tiny_model import HAS_VLLM, NO_VLLM, build_tiny_model

    if not HAS_VLLM:
        pytest.skip(NO_VLLM)
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-llama")


@pytest.fixture(scope="session")
def engine_env() -> dict[str, str]:
    """The environment for CPU vLLM engines (tests/model/tiny_model.py ENGINE_ENV)."""
    import sys

    sys.path.insert(0, str(REPO / "tests" / "model"))
    from tiny_model import ENGINE_ENV

    return {**os.environ, **ENGINE_ENV}
