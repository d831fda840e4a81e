"""Generation backends behind one interface (see :mod:`evalkit.model.base`).

Engines (vllm, torch, httpx) are imported only by the backend that needs them.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, GenerationRequest, SamplingParams, request_seed, step_seed
from evalkit.model.config import ClientSettings, EngineSettings

__all__ = [
    "BACKENDS",
    "Backend",
    "ClientSettings",
    "EngineSettings",
    "GenerationRequest",
    "SamplingParams",
    "make_backend",
    "request_seed",
    "step_seed",
]

BACKENDS = ("reference", "replay", "vllm", "openai", "serve")


def make_backend(name: str, *, generations: Path | None = None,
                 engine: EngineSettings | None = None,
                 client: ClientSettings | None = None, served_model: str = "") -> Backend:
    """Build the backend called ``name`` (engines start on first use, not here)."""
    engine = engine or EngineSettings()
    client = client or ClientSettings()
    if name == "reference":
        from evalkit.model.reference import ReferenceBackend

        return ReferenceBackend()
    if name == "replay":
        if generations is None:
            raise EvalkitError("--backend replay needs --generations FILE")
        from evalkit.model.replay import ReplayBackend

        return ReplayBackend(generations, tool_call_format=engine.tool_call_format)
    if name == "vllm":
        from evalkit.model.vllm_engine import VllmBackend

        return VllmBackend(engine)
    if name == "serve":
        from evalkit.model.serve import ServeBackend

        return ServeBackend(engine, client)
    if name == "openai":
        from evalkit.model.openai_client import OpenAIBackend

        tokenizer = None
        if engine.model and Path(engine.model).expanduser().is_dir():
            from evalkit.model.vllm_engine import load_tokenizer

            tokenizer = load_tokenizer(engine)
        return OpenAIBackend(served_model or ("" if tokenizer else engine.model), client,
                             engine, tokenizer=tokenizer)
    raise EvalkitError(f"unknown backend {name!r} (available: {', '.join(BACKENDS)})")
