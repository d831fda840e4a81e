"""Protocols by name: ``evalkit/protocols/<name>.py`` exports its class as ``PROTOCOL``."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

from evalkit.errors import EvalkitError

if TYPE_CHECKING:
    from evalkit.benchmarks.base import Benchmark
    from evalkit.episodes.protocol import Protocol

SINGLE = "single"  # today's one prompt, one response: the pipeline's own path, no Protocol


def available() -> list[str]:
    """The protocol names this evalkit has (besides "single")."""
    from importlib import resources

    names = []
    for entry in resources.files("evalkit.protocols").iterdir():
        stem = entry.name.removesuffix(".py")
        if entry.name.endswith(".py") and not stem.startswith("_"):
            names.append(stem.replace("_", "-"))
    return sorted(names)


def load_protocol(name: str, bench: Benchmark) -> Protocol:
    """The protocol ``name`` bound to ``bench``; a one-line error when there is none or
    the benchmark does not support it (its ``Options.PROTOCOLS``)."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        raise EvalkitError(f"option 'protocol': {name!r} is not a protocol name")
    supported = tuple(getattr(bench.Options, "PROTOCOLS", ()))
    if name not in supported:
        allowed = ", ".join([SINGLE, *supported])
        raise EvalkitError(f"option 'protocol': {bench.name} does not run protocol {name!r} "
                           f"(it runs: {allowed})")
    try:
        module = importlib.import_module(f"evalkit.protocols.{name.replace('-', '_')}")
    except ModuleNotFoundError:
        raise EvalkitError(f"option 'protocol': no protocol {name!r} (have: "
                           f"{', '.join([SINGLE, *available()])})") from None
    proto = module.PROTOCOL(bench)
    proto.check()
    return proto  # type: ignore[no-any-return]
