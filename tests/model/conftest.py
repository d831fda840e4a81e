"""Fixtures for real-engine tests: the tiny model, built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tiny_model import ENGINE_ENV, HAS_VLLM, NO_VLLM


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A random-weight Llama with a ChatML template (tests/model/tiny_model.py)."""
    if not HAS_VLLM:
        pytest.skip(NO_VLLM)
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-llama")


@pytest.fixture(scope="session")
def engine_env() -> dict[str, str]:
    return {**os.environ, **ENGINE_ENV}
