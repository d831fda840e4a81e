"""Generation settings: model presets, benchmark overrides and command-line options.

Settings are layered, later wins: built-in defaults < the model preset
(``evalkit/model/presets/<name>.toml``) < the benchmark spec's ``[generation]``
table < options given on the command line.  The result is two frozen records:
:class:`~evalkit.model.base.SamplingParams` (what every backend sends per
request) and :class:`EngineSettings` (how the model is loaded or served).
Both land in the run manifest.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.model.base import SamplingParams
from evalkit.tools.calls import FORMATS

PRESETS_DIR = Path(__file__).with_name("presets")


@dataclass(frozen=True)
class EngineSettings:
    """How the model is loaded (``vllm``) or served (``serve``).

    ``openai`` uses only the chat-template kwargs.
    """

    model: str = ""  # local directory or hub id
    tensor_parallel_size: int = 1
    data_parallel_size: int = 1
    max_model_len: int | None = None
    trust_remote_code: bool = False
    dtype: str = "auto"
    gpu_memory_utilization: float = 0.9
    chat_template_kwargs: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # more vllm.LLM keyword arguments
    serve_args: tuple[str, ...] = ()  # more flags for the OpenAI server
    preset: str | None = None
    # How the model writes tool calls (evalkit/tools/calls.py FORMATS, vLLM's
    # --tool-call-parser names): "qwen3_coder" | "hermes"; None: the preset says nothing.
    tool_call_format: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["serve_args"] = list(self.serve_args)
        if d["tool_call_format"] is None:  # unset: engine records stay as they were
            del d["tool_call_format"]
        return d


@dataclass(frozen=True)
class ClientSettings:
    """How the ``openai`` client talks to a server (none of it changes outputs)."""

    base_url: str = "http://127.0.0.1:8000/v1"
    api_key_env: str = "OPENAI_API_KEY"  # the key itself is never recorded
    concurrency: int = 64
    timeout: float = 3600.0  # seconds per request: long reasoning takes long
    max_retries: int = 6
    backoff: float = 1.0  # first retry delay; doubles each time (with jitter)


_SAMPLING = {f.name for f in fields(SamplingParams)}
_ENGINE = {f.name for f in fields(EngineSettings)} - {"preset", "model"}


def list_presets() -> list[str]:
    """Names of the bundled presets."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def load_preset(name: str) -> dict[str, Any]:
    """The preset called ``name`` (or a path to a preset file), as raw TOML tables."""
    path = Path(name) if name.endswith(".toml") else PRESETS_DIR / f"{name}.toml"
    if not path.is_file():
        raise EvalkitError(f"unknown preset {name!r} (available: {', '.join(list_presets())})")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise EvalkitError(f"{path}: not valid TOML ({e})") from None


def _flat(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """A preset's tables, or a spec's ``[generation]`` table, as one flat dict of settings."""
    out: dict[str, Any] = {}
    for key, val in raw.items():
        if key == "sampling" or key == "engine":
            if not isinstance(val, dict):
                raise EvalkitError(f"{where}: [{key}] must be a table")
            extra = val.get("extra", {})
            out.update({k: v for k, v in val.items() if k != "extra"})
            if extra:
                out["extra"] = dict(extra)
        elif key == "serve":
            args = val.get("args", []) if isinstance(val, dict) else None
            if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
                raise EvalkitError(f"{where}: [serve] args must be a list of strings")
            out["serve_args"] = tuple(args)
        elif key == "chat_template_kwargs":
            if not isinstance(val, dict):
                raise EvalkitError(f"{where}: [chat_template_kwargs] must be a table")
            out["chat_template_kwargs"] = dict(val)
        elif key in ("model", "chat_template"):
            out[key] = val
        else:
            out[key] = val
    return out


def resolve(preset: str | None, spec_generation: dict[str, Any] | None,
            cli: dict[str, Any], spec_where: str = "benchmark spec [generation]",
            ) -> tuple[SamplingParams, EngineSettings]:
    """Layer defaults < preset < benchmark ``[generation]`` < ``cli`` (None values ignored)."""
    layers: list[tuple[str, dict[str, Any]]] = []
    if preset:
        layers.append((f"preset {preset!r}", _flat(load_preset(preset), f"preset {preset!r}")))
    if spec_generation:
        layers.append((spec_where, _flat(spec_generation, spec_where)))
    layers.append(("command line", {k: v for k, v in cli.items() if v is not None}))
    sampling: dict[str, Any] = {}
    engine: dict[str, Any] = {}
    for where, layer in layers:
        for key, val in layer.items():
            if key in _SAMPLING:
                sampling[key] = tuple(val) if key == "stop" else val
            elif key == "chat_template_kwargs":
                engine[key] = {**engine.get(key, {}), **val}
            elif key == "extra":
                engine[key] = {**engine.get(key, {}), **val}
            elif key in _ENGINE or key == "model":
                engine[key] = val
            elif key == "chat_template":
                continue  # documentation: the model's own tokenizer template is used
            else:
                raise EvalkitError(f"{where}: unknown generation setting {key!r}")
    try:
        params = SamplingParams(**sampling)
        settings = replace(EngineSettings(**engine), preset=preset)
    except TypeError as e:
        raise EvalkitError(f"generation settings: {e}") from None
    _check(params, settings)
    return params, settings


def _check(p: SamplingParams, e: EngineSettings) -> None:
    if not 0 < p.top_p <= 1:
        raise EvalkitError(f"top_p must be in (0, 1], not {p.top_p}")
    if p.temperature < 0:
        raise EvalkitError(f"temperature must be >= 0, not {p.temperature}")
    if p.max_tokens < 1:
        raise EvalkitError(f"max_tokens must be >= 1, not {p.max_tokens}")
    if e.tensor_parallel_size < 1 or e.data_parallel_size < 1:
        raise EvalkitError("tensor_parallel_size and data_parallel_size must be >= 1")
    if e.tool_call_format is not None and e.tool_call_format not in FORMATS:
        raise EvalkitError(f"tool_call_format must be one of {', '.join(FORMATS)}, not "
                           f"{e.tool_call_format!r}")
    if e.max_model_len is not None and e.max_model_len < 1:
        raise EvalkitError(f"max_model_len must be >= 1, not {e.max_model_len}")
