"""Fixtures for the SWE-bench runner: the bundled sample instances and their images.

The images (``evalkit-swe-base``, ``evalkit-swe-statkit``, ``evalkit-swe-textkit``) are
built once per session if missing (`make swe-images` builds them for CI); the
debootstrapped root file system is cached in ~/.cache/evalkit/swebench.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evalkit.swebench.instances import Instance, load_jsonl

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "benchmarks" / "swebench_sample"


@pytest.fixture(scope="session")
def sample_instances() -> dict[str, Instance]:
    return {i.instance_id: i for i in load_jsonl(SAMPLE / "instances.jsonl")}


@pytest.fixture(scope="session")
def swe_images() -> dict[str, str]:
    """The sample images, built once per test session if missing."""
    if os.environ.get("EVALKIT_SKIP_DOCKER") == "1":
        pytest.skip("EVALKIT_SKIP_DOCKER=1")
    from evalkit.swebench.images import build_sample_images

    return build_sample_images(log=lambda _msg: None)
