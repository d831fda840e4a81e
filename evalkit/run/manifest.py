"""``manifest.json``: what was run, typed.

The JSON stays flat (every field a top-level key) so that format-1 readers and
``jq`` keep working; keys this version does not know are kept in ``extra`` and
written back unchanged, so an older evalkit never drops a newer one's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Self

from evalkit.errors import EvalkitError

# 1: written before the typed record (no format_version key, options as "judge_settings",
#    no prompts.jsonl).  2: this layout.
FORMAT_VERSION = 2

# Fields that must match when a run is resumed or shards are merged.
IDENTITY = ("benchmark", "data_hash", "model", "backend", "sampling", "samples", "shard",
            "subset", "protocol")


@dataclass(frozen=True)
class Subset:
    """Part of a benchmark: ``--problems`` ids and/or the first ``--limit`` of them.

    ``of`` is how many problems the full benchmark has, so that a table can say
    "3 of 30 problems" and the gate can refuse to compare against a full run.
    """

    problems: tuple[str, ...]  # the ids run, in the benchmark's order
    of: int
    limit: int | None = None
    requested: tuple[str, ...] = ()  # the --problems ids as given (empty: none)

    def to_json(self) -> dict[str, Any]:
        """JSON object of the subset."""
        return {"problems": list(self.problems), "of": self.of, "limit": self.limit,
                "requested": list(self.requested)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any], where: str) -> Self:
        """Parse a stored subset; errors name ``where``."""
        try:
            return cls(problems=tuple(str(p) for p in d["problems"]), of=int(d["of"]),
                       limit=None if d.get("limit") is None else int(d["limit"]),
                       requested=tuple(str(p) for p in d.get("requested") or ()))
        except (KeyError, TypeError, ValueError) as e:
            raise EvalkitError(f"{where}: field 'subset' is malformed ({e})") from None

    def describe(self) -> str:
        """One line for tables and gate messages, e.g. "subset: 3 of 30 problems (--limit 3)"."""
        how = []
        if self.requested:
            how.append("--problems " + ",".join(self.requested[:5])
                       + ("…" if len(self.requested) > 5 else ""))
        if self.limit is not None:
            how.append(f"--limit {self.limit}")
        return (f"subset: {len(self.problems)} of {self.of} problems"
                + (f" ({' '.join(how)})" if how else ""))


@dataclass(frozen=True)
class Manifest:
    """One run's manifest.  Identity fields first (see :data:`IDENTITY`)."""

    benchmark: str
    data_hash: str
    model: str
    backend: dict[str, Any]  # the backend's info(): name, model, engine settings, replay sha
    sampling: dict[str, Any]  # SamplingParams.to_json()
    samples: dict[str, int]  # per problem
    shard: list[int] | None = None  # [i, n]
    subset: Subset | None = None  # None: the whole benchmark
    # A multi-step protocol and its parameters ({"name": ..., **params}); None: single-shot.
    protocol: dict[str, Any] | None = None
    run_id: str = ""
    format_version: int = FORMAT_VERSION
    data_dir: str | None = None
    preset: str | None = None
    model_name: str | None = None  # readable name for tables (--model-name or derived)
    # Benchmark options given with --set (typed values, dotted keys); `evalkit judge` reuses them.
    options: dict[str, Any] = field(default_factory=dict)
    # Every option in effect (the spec's settings with --set applied), for audits.
    benchmark_options: dict[str, Any] = field(default_factory=dict)
    # Judge: the adapter's fingerprint + judge_key, image, workers, executor (set when judging).
    judge: dict[str, Any] | None = None
    judge_model: dict[str, Any] | None = None  # JudgeSettings of a judge-model benchmark
    environment: dict[str, Any] | None = None  # the backend's runtime environment
    # What judging found out (toolchain versions, derived limits, validator builds):
    # facts about the judge, not part of the judge key (Benchmark.judge_environment).
    judge_environment: dict[str, Any] | None = None
    # Versions and provenance.
    evalkit_version: str | None = None
    git_sha: str | None = None
    python: str | None = None
    platform: str | None = None
    command: list[str] = field(default_factory=list)
    started_at: str | None = None
    generated_at: str | None = None
    judged_at: str | None = None
    merged_at: str | None = None
    merged_from: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know

    @property
    def judge_key(self) -> str | None:
        """The key of the judge that last judged this run, if any."""
        key = (self.judge or {}).get("judge_key")
        return str(key) if key else None

    def identity(self) -> dict[str, Any]:
        """The identity fields as JSON (``subset`` and ``protocol`` only when set, so full
        single-shot runs keep the ids they had before either existed)."""
        out = {k: _json(getattr(self, k)) for k in IDENTITY}
        for optional in ("subset", "protocol"):
            if out[optional] is None:
                out.pop(optional)
        return out

    def with_(self, **changes: Any) -> Manifest:
        """A copy with ``changes`` (the record is immutable; the store writes the copy)."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The flat JSON object written to manifest.json."""
        out: dict[str, Any] = dict(self.extra)
        for f in fields(self):
            if f.name != "extra":
                out[f.name] = _json(getattr(self, f.name))
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any], where: str = "manifest.json") -> Self:
        """Parse manifest.json of any format; errors name ``where`` and the field."""
        if not isinstance(d, Mapping):
            raise EvalkitError(f"{where}: expected a JSON object")
        version = d.get("format_version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise EvalkitError(f"{where}: field 'format_version' must be a positive integer")
        if version > FORMAT_VERSION:
            raise EvalkitError(f"{where}: format_version {version} is newer than this evalkit "
                               f"reads ({FORMAT_VERSION}); upgrade evalkit")
        known = {f.name for f in fields(cls)} - {"extra"}
        raw = dict(d)
        if version == 1 and "judge_settings" in raw:
            # Format 1 kept SWE-bench's run options as {"timeout": s, "clean_images": b}.
            old = raw.pop("judge_settings") or {}
            opts = {}
            if isinstance(old, Mapping):
                if old.get("timeout") is not None:
                    opts["judge.timeout"] = old["timeout"]
                if old.get("clean_images"):
                    opts["judge.clean_images"] = True
            raw.setdefault("options", opts)
        for key, kind in (("benchmark", str), ("model", str)):
            if not isinstance(raw.get(key), kind):
                raise EvalkitError(f"{where}: field '{key}' must be a string")
        for key in ("backend", "sampling", "samples", "options", "protocol"):
            if raw.get(key) is not None and not isinstance(raw[key], Mapping):
                raise EvalkitError(f"{where}: field '{key}' must be an object")
        subset = raw.get("subset")
        kw: dict[str, Any] = {k: raw[k] for k in known if k in raw}
        kw.update(
            data_hash=str(raw.get("data_hash") or ""),
            backend=dict(raw.get("backend") or {}),
            sampling=dict(raw.get("sampling") or {}),
            samples=_samples(raw.get("samples") or {}, where),
            options=dict(raw.get("options") or {}),
            subset=None if subset is None else Subset.from_json(subset, where),
            format_version=version,  # as read; RunStore writes FORMAT_VERSION
            command=list(raw.get("command") or []),
        )
        return cls(**kw, extra={k: v for k, v in raw.items() if k not in known})


def _samples(d: Mapping[str, Any], where: str) -> dict[str, int]:
    try:
        return {str(k): int(v) for k, v in d.items()}
    except (TypeError, ValueError):
        raise EvalkitError(f"{where}: field 'samples' must map problem ids to counts") from None


def _json(value: Any) -> Any:
    return value.to_json() if hasattr(value, "to_json") else value
