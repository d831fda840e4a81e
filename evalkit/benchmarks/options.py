"""Typed benchmark options: a spec file's settings and ``--set key=value`` overrides.

Each adapter declares its options as a frozen dataclass (subclass of
:class:`BenchmarkOptions`, one line per option; a ``[table]`` of the spec is a
nested dataclass).  The spec's keys are checked against it when the benchmark
loads: an unknown or mistyped key is a one-line error naming the file and key,
so a typo is never silently ignored.  ``evalkit run --set judge.timeout=900``
overrides any option by its dotted name; the value is read as TOML (``900``,
``true``, ``[1, 5]``, ``"text"``), else as a plain string.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self, Union

from evalkit.errors import EvalkitError


@dataclass(frozen=True)
class BenchmarkOptions:
    """Options every benchmark has; adapters subclass this with their own."""

    # The spec's [generation] table (sampling/engine defaults), checked by model.config.
    generation: dict[str, Any] | None = None
    # How a sample is run: "single" (one prompt, one response) or a multi-step protocol
    # of evalkit/protocols/ that this adapter lists in PROTOCOLS (docs/architecture.md,
    # "Episodes"); its parameters are the option table named after it.
    protocol: str = "single"

    # The multi-step protocols this adapter runs (besides "single").
    PROTOCOLS: ClassVar[tuple[str, ...]] = ()

    # Extra command-line flags that mean one option (kept for users' scripts), e.g.
    # {"eval-timeout": "judge.timeout"}: `--eval-timeout 900` is `--set judge.timeout=900`.
    ALIASES: ClassVar[dict[str, str]] = {}

    def check(self, where: str) -> None:
        """Rules across fields or on values (positive limits...); raise EvalkitError."""

    @classmethod
    def parse(cls, table: Mapping[str, Any], where: str) -> Self:
        """Build from a spec's settings; errors name ``where`` and the key."""
        opts = _build(cls, table, where, "")
        opts.check(where)
        return opts

    def to_json(self) -> dict[str, Any]:
        """Every option as JSON (nested tables as objects, dates as ISO strings)."""
        return json_value(dataclasses.asdict(self))  # type: ignore[no-any-return]

    @classmethod
    def keys(cls) -> list[str]:
        """Every option's dotted name (for help and error messages)."""
        return _keys(cls, "")


def _keys(cls: type, prefix: str) -> list[str]:
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp = _dataclass_in(hints[f.name])
        out += _keys(tp, f"{prefix}{f.name}.") if tp else [prefix + f.name]
    return out


def describe(opts: Any, prefix: str = "") -> list[tuple[str, str, str]]:
    """(dotted key, type, current value) of every option of ``opts`` (for help)."""
    out = []
    hints = typing.get_type_hints(type(opts))
    for f in dataclasses.fields(opts):
        value = getattr(opts, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out += describe(value, f"{prefix}{f.name}.")
        else:
            text = repr(json_value(value))
            out.append((prefix + f.name, _type_name(hints[f.name]),
                        text if len(text) <= 80 else text[:77] + "..."))
    return out


def option_type(cls: type, key: str) -> Any:
    """The annotation of dotted option ``key`` of options class ``cls``."""
    tp: Any = cls
    for part in key.split("."):
        inner = _dataclass_in(tp)
        if inner is None:
            raise KeyError(key)
        tp = typing.get_type_hints(inner)[part]
    return tp


def _dataclass_in(tp: Any) -> type | None:
    """The dataclass of ``tp`` (also inside ``X | None``), else None."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return tp
    if _is_union(tp):
        for arg in typing.get_args(tp):
            if dataclasses.is_dataclass(arg) and isinstance(arg, type):
                return arg
    return None


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _build(cls: type, table: Mapping[str, Any], where: str, prefix: str) -> Any:
    if not isinstance(table, Mapping):
        raise EvalkitError(f"{where}: '{prefix.rstrip('.')}' must be a table")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in table:
        if key not in names:
            known = ", ".join(sorted(names)) or "none"
            raise EvalkitError(f"{where}: unknown key '{prefix}{key}' (known here: {known})")
    kw = {k: _coerce(v, hints[k], where, prefix + k) for k, v in table.items()}
    return cls(**kw)


def _type_name(tp: Any) -> str:
    if typing.get_origin(tp) is not None:
        return str(tp).replace("typing.", "").replace("datetime.", "")
    return getattr(tp, "__name__", None) or str(tp)


def _coerce(value: Any, tp: Any, where: str, key: str) -> Any:
    """``value`` as type ``tp`` (the annotation of option ``key``), or a one-line error."""
    def bad() -> EvalkitError:
        return EvalkitError(f"{where}: key '{key}' must be {_type_name(tp)}, not "
                            f"{type(value).__name__} {value!r}"[:300])

    if tp is Any:
        return value
    if _is_union(tp):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        real = [a for a in args if a is not type(None)]
        if len(real) == 1:  # X | None: X's own error (it names the inner key)
            return _coerce(value, real[0], where, key)
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, where, key)
            except EvalkitError:
                continue
        raise bad()
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _build(tp, value, where, key + ".")
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        if not isinstance(value, list):
            raise bad()
        return [_coerce(v, item, where, key) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp) or (str, Any)
        if not isinstance(value, Mapping):
            raise bad()
        return {str(k): _coerce(v, item, where, f"{key}.{k}") for k, v in value.items()}
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise bad()
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise bad()
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise bad()
    if tp is str:
        if isinstance(value, str):
            return value
        raise bad()
    if tp is datetime.date:
        if isinstance(value, datetime.date):
            return value
        raise bad()
    raise TypeError(f"option {key}: unsupported annotation {tp!r}")  # a bug in the adapter


def parse_value(text: str) -> Any:
    """A command-line value: TOML if it parses (``900``, ``true``, ``[1, 5]``), else text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``["judge.timeout=900", ...]`` -> ``{"judge.timeout": 900}``; one-line errors."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise EvalkitError(f"--set {item!r}: expected key=value, e.g. judge.timeout=900")
        out[key] = parse_value(text.strip())
    return out


def json_value(value: Any) -> Any:
    """An option value as JSON (TOML dates as ISO strings)."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def apply_overrides(cls: type[BenchmarkOptions], settings: Mapping[str, Any],
                    overrides: Mapping[str, Any], benchmark: str) -> dict[str, Any]:
    """The spec's settings with ``overrides`` (dotted keys) set; each key checked alone so
    that an error names the ``--set`` key, not the spec."""
    known = cls.keys()
    merged: dict[str, Any] = _deep_copy(settings)
    for key, value in overrides.items():
        if key not in known:
            raise EvalkitError(f"--set {key}: {benchmark} has no option {key!r} "
                               f"(options: {', '.join(known)})")
        node = merged
        *parents, leaf = key.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = json_value(value)
        try:
            cls.parse(merged, "--set")
        except EvalkitError as e:
            raise EvalkitError(str(e).replace("--set: key", f"--set {key}: key", 1)) from None
    return merged


def _deep_copy(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, Mapping) else v for k, v in d.items()}


@dataclass(frozen=True)
class Medals:
    """A ``[medals]`` table: cut-offs (points) and where they come from."""

    gold: float | None = None
    silver: float | None = None
    bronze: float | None = None
    source: str | None = None
    note: str | None = None
