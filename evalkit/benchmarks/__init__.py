"""The benchmark registry: specs in ``benchmarks/*.toml``, adapters in this package."""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from evalkit._resources import benchmarks_dir
from evalkit.benchmarks.base import Benchmark, BenchmarkSpec
from evalkit.benchmarks.options import BenchmarkOptions, apply_overrides, json_value
from evalkit.errors import EvalkitError

__all__ = ["Benchmark", "BenchmarkSpec", "list_specs", "load_benchmark", "load_spec",
           "options_class"]


# adapter name (the spec's ``adapter`` field) -> "module:Class", imported on use so
# that one benchmark's heavy dependencies never load for another.
ADAPTERS: dict[str, str] = {
    "ioi": "evalkit.benchmarks.ioi:IoiBenchmark",
    "math_answer": "evalkit.benchmarks.math:MathAnswerBenchmark",
    "proof": "evalkit.benchmarks.proof:ProofBenchmark",
    "swebench": "evalkit.benchmarks.swebench:SwebenchBenchmark",
    "livecodebench": "evalkit.benchmarks.livecodebench:LiveCodeBench",
    "icpc": "evalkit.benchmarks.icpc:IcpcBenchmark",
}


def _adapter(name: str) -> type[Benchmark]:
    target = ADAPTERS.get(name)
    if target is None:
        raise EvalkitError(f"unknown benchmark adapter {name!r} (known: {', '.join(ADAPTERS)})")
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def load_spec(path: Path) -> BenchmarkSpec:
    """Read one spec file; errors name the file and field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise EvalkitError(f"{path}: not valid TOML ({e})") from None
    for key in ("name", "adapter", "title"):
        if not isinstance(raw.get(key), str):
            raise EvalkitError(f"{path}: field '{key}' must be a string")
    data = raw.pop("data", None)
    data_path = (path.parent / data).resolve() if isinstance(data, str) else None
    return BenchmarkSpec(
        name=raw.pop("name"), adapter=raw.pop("adapter"), title=raw.pop("title"),
        spec_path=path, data=data_path, data_help=str(raw.pop("data_help", "")),
        settings=raw,
    )


def options_class(name: str) -> type[BenchmarkOptions]:
    """The typed options class of benchmark ``name``'s adapter."""
    return _adapter(_spec_path_of(name)).Options


def _spec_path_of(name: str) -> str:
    path = benchmarks_dir() / f"{name}.toml"
    if not path.exists():
        known = ", ".join(s.name for s in list_specs())
        raise EvalkitError(f"unknown benchmark {name!r} (known: {known})")
    return load_spec(path).adapter


def list_specs() -> list[BenchmarkSpec]:
    """Every bundled benchmark spec, by name."""
    return sorted((load_spec(p) for p in benchmarks_dir().glob("*.toml")), key=lambda s: s.name)


def load_benchmark(name: str, data_dir: Path | None = None,
                   options: Mapping[str, Any] | None = None) -> Benchmark:
    """The adapter for benchmark ``name``, bound to ``data_dir`` or its bundled data.

    ``name`` may also be the path of a spec file (``*.toml``) outside the bundle.
    The spec's settings are checked against the adapter's typed options (an unknown
    or mistyped key is an error naming the file and key); ``options`` (dotted keys,
    from ``--set``) override them.
    """
    path = benchmarks_dir() / f"{name}.toml"
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise EvalkitError(f"{name}: no such spec file")
    elif not path.exists():
        known = ", ".join(s.name for s in list_specs())
        raise EvalkitError(f"unknown benchmark {name!r} (known: {known})")
    spec = load_spec(path)
    if data_dir is not None and not Path(data_dir).is_dir():
        raise EvalkitError(f"--data {data_dir}: not a directory")
    cls = _adapter(spec.adapter)
    if options:
        spec = replace(spec, settings=apply_overrides(cls.Options, spec.settings, options, name),
                       overrides={k: json_value(v) for k, v in options.items()})
    return cls(spec, Path(data_dir).resolve() if data_dir else None)
