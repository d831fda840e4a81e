"""Generation backends behind one interface (see :mod:`evalkit.model.base`)."""

from __future__ import annotations

from pathlib import Path

from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, GenerationRequest, SamplingParams, request_seed

__all__ = [
    "BACKENDS",
    "Backend",
    "GenerationRequest",
    "SamplingParams",
    "make_backend",
    "request_seed",
]

BACKENDS = ("reference", "replay")


def make_backend(name: str, *, generations: Path | None = None) -> Backend:
    """Build the backend called ``name``."""
    if name == "reference":
        from evalkit.model.reference import ReferenceBackend

        return ReferenceBackend()
    if name == "replay":
        if generations is None:
            raise EvalkitError("--backend replay needs --generations FILE")
        from evalkit.model.replay import ReplayBackend

        return ReplayBackend(generations)
    raise EvalkitError(f"unknown backend {name!r} (available: {', '.join(BACKENDS)})")
