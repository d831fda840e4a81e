"""A suite: several benchmarks run as one unit, sharing one engine, into one folder.

``evalkit run A B C`` or ``evalkit run suites/nemotron-cascade-2.toml``:

    <results>/<suite>--<model>--<backend>/     (or --out)
      suite.json          the suite as run (benchmarks and their options); must match on resume
      engine.log          the shared engine's output (unless --verbose)
      <run-id>/           one ordinary run directory per benchmark

Every benchmark is prepared first (data, prompts, run directory), so a missing
data folder fails before any engine starts; then all generate through the one
backend (one vLLM engine or server), the engine stops, and each is judged and
summarised.  Re-running the same command resumes every run where it stopped.
``evalkit gate --baseline SUITE_A --candidate SUITE_B`` compares two suite
folders benchmark by benchmark (a folder of run directories).

Options layer, later wins: the preset < a benchmark's spec ``[generation]`` <
the suite file's ``[defaults]`` < its ``[[benchmark]]`` entry < the command line.
Per-benchmark options are sampling settings, ``samples``, ``data`` and the subset
(``limit``, ``problems``: as ``--limit`` / ``--problems``); engine settings are shared
and come from the preset and the command line.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from evalkit._resources import benchmarks_dir
from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, SamplingParams
from evalkit.model.naming import model_label
from evalkit.model.quiet import ENGINE_LOG, engine_output
from evalkit.pipeline import (
    ENGINE_BACKENDS,
    PreparedRun,
    RunConfig,
    attach_engine_log,
    consoles,
    generate_run,
    judge_run,
    prepare,
    slug,
)
from evalkit.rundir import read_json, write_json_atomic

SUITE_JSON = "suite.json"
SAMPLING_KEYS = frozenset(f.name for f in fields(SamplingParams))
SUBSET_KEYS = frozenset({"limit", "problems"})
ENTRY_KEYS = frozenset({"name", "data", "samples", "data_help"}) | SAMPLING_KEYS | SUBSET_KEYS


@dataclass(frozen=True)
class SuiteEntry:
    """One benchmark of a suite and its own options."""

    benchmark: str
    data: Path | None = None
    samples: int | None = None
    sampling: dict[str, Any] = field(default_factory=dict)  # SamplingParams fields
    limit: int | None = None  # the first N problems (as --limit)
    problems: tuple[str, ...] | None = None  # only these (as --problems)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"benchmark": self.benchmark,
                             "data": str(self.data) if self.data else None,
                             "samples": self.samples,
                             "sampling": dict(sorted(self.sampling.items()))}
        # Only when set: suite.json of suites without a subset stays as it was (resumes).
        if self.limit is not None:
            d["limit"] = self.limit
        if self.problems is not None:
            d["problems"] = list(self.problems)
        return d


@dataclass(frozen=True)
class Suite:
    """Benchmarks run as one unit."""

    name: str
    entries: tuple[SuiteEntry, ...]
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "benchmarks": [e.to_json() for e in self.entries]}


def is_suite_request(benchmarks: Sequence[str]) -> bool:
    """Whether ``evalkit run`` was given a suite: several benchmarks or a .toml file."""
    return len(benchmarks) > 1 or (len(benchmarks) == 1 and benchmarks[0].endswith(".toml"))


def _subset(raw: dict[str, Any], where: str) -> tuple[int | None, tuple[str, ...] | None]:
    """An entry's ``limit`` (a positive integer) and ``problems`` (a list of ids)."""
    limit, problems = raw.get("limit"), raw.get("problems")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)
                              or limit < 1):
        raise EvalkitError(f"{where}: 'limit' must be a positive integer")
    if problems is not None and (not isinstance(problems, list) or not problems
                                 or not all(isinstance(p, str) and p for p in problems)):
        raise EvalkitError(f"{where}: 'problems' must be a list of problem ids")
    return limit, None if problems is None else tuple(problems)


def _options(raw: dict[str, Any], where: str, base: Path) -> tuple[Path | None, int | None,
                                                                   dict[str, Any]]:
    unknown = sorted(set(raw) - ENTRY_KEYS)
    if unknown:
        raise EvalkitError(f"{where}: unknown option {unknown[0]!r} (allowed: data, samples, "
                           f"limit, problems, {', '.join(sorted(SAMPLING_KEYS))})")
    data = raw.get("data")
    if data is not None and not isinstance(data, str):
        raise EvalkitError(f"{where}: 'data' must be a path string")
    samples = raw.get("samples")
    if samples is not None and (not isinstance(samples, int) or samples < 1):
        raise EvalkitError(f"{where}: 'samples' must be a positive integer")
    sampling = {k: raw[k] for k in SAMPLING_KEYS if k in raw}
    if data is not None:
        data = os.path.expandvars(data)
        if "$" in data:
            raise EvalkitError(f"{where}: data {raw['data']!r} names an unset environment "
                               "variable (set it to the folder holding the data)")
    path = (base / Path(data).expanduser()) if data else None
    return path, samples, sampling


def load_suite(path: Path) -> Suite:
    """A suite file: ``name``, optional ``[defaults]``, one ``[[benchmark]]`` table each."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalkitError(f"{path}: no such suite file") from None
    except tomllib.TOMLDecodeError as e:
        raise EvalkitError(f"{path}: not valid TOML ({e})") from None
    unknown = sorted(set(raw) - {"name", "title", "defaults", "benchmark"})
    if unknown:
        raise EvalkitError(f"{path}: unknown field {unknown[0]!r} (name, title, defaults, "
                           "benchmark)")
    items = raw.get("benchmark")
    if not isinstance(items, list) or not items:
        raise EvalkitError(f"{path}: needs at least one [[benchmark]] table")
    defaults = raw.get("defaults", {})
    if not isinstance(defaults, dict):
        raise EvalkitError(f"{path}: [defaults] must be a table")
    base = path.resolve().parent
    d_data, d_samples, d_sampling = _options(defaults, f"{path} [defaults]", base)
    d_limit, d_problems = _subset(defaults, f"{path} [defaults]")
    entries = []
    for i, item in enumerate(items):
        where = f"{path} [[benchmark]] #{i + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise EvalkitError(f"{where}: needs name = \"<benchmark>\"")
        data, samples, sampling = _options(item, where, base)
        limit, problems = _subset(item, where)
        entries.append(SuiteEntry(item["name"], data or d_data,
                                  samples if samples is not None else d_samples,
                                  {**d_sampling, **sampling},
                                  limit if limit is not None else d_limit,
                                  problems if problems is not None else d_problems))
    names = [e.benchmark for e in entries]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise EvalkitError(f"{path}: benchmark {dup[0]!r} is listed twice")
    return Suite(str(raw.get("name") or path.stem), tuple(entries), path)


def suite_of(benchmarks: Sequence[str]) -> Suite:
    """The suite named on the command line: one .toml file, or benchmark names."""
    if len(benchmarks) == 1 and benchmarks[0].endswith(".toml"):
        path = Path(benchmarks[0])
        bundled = benchmarks_dir() / "suites" / path.name
        if not path.exists() and path.parent == Path(".") and bundled.is_file():
            path = bundled  # `evalkit run demo.toml` finds the bundled suites
        return load_suite(path)
    if any(b.endswith(".toml") for b in benchmarks):
        raise EvalkitError("give either one suite file or benchmark names, not both")
    if len(set(benchmarks)) != len(benchmarks):
        raise EvalkitError("a benchmark is named twice")
    # Named by a hash of the list, so the same command finds (resumes) the same folder.
    tag = hashlib.sha256("\n".join(benchmarks).encode()).hexdigest()[:8]
    return Suite(f"suite-{tag}", tuple(SuiteEntry(b) for b in benchmarks))


def entry_config(cfg: RunConfig, entry: SuiteEntry, folder: Path) -> RunConfig:
    """The run config of one entry: the suite's options under the command line's."""
    cli = {k: v for k, v in cfg.overrides.items() if v is not None}
    return replace(cfg, benchmark=entry.benchmark, data=entry.data, out=None,
                   results_root=folder,
                   samples=cfg.samples if cfg.samples is not None else entry.samples,
                   limit=cfg.limit if cfg.limit is not None else entry.limit,
                   problems=cfg.problems if cfg.problems is not None else
                   (list(entry.problems) if entry.problems is not None else None),
                   overrides={**entry.sampling, **cli})


def suite_folder(suite: Suite, cfg: RunConfig) -> Path:
    """``--out``, else ``<results>/<suite>--<model>--<backend>``."""
    if cfg.out is not None:
        return cfg.out
    label = model_label(cfg.model or cfg.backend, cfg.model_name)
    return cfg.results_root / "--".join([slug(suite.name), slug(label), cfg.backend])


def _record(folder: Path, suite: Suite, cfg: RunConfig) -> None:
    """Write suite.json, or check that a resumed suite is the same suite."""
    path = folder / SUITE_JSON
    # As the pipeline names it: no --model is the backend's name (reference, replay).
    want = {**suite.to_json(), "model": cfg.model or cfg.backend, "backend": cfg.backend}
    if path.exists():
        have = read_json(path)
        if {k: have.get(k) for k in want} != want:
            raise EvalkitError(f"{path}: this folder holds another suite (benchmarks, their "
                               "options, model or backend differ); use another --out")
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, {**want, "runs": {}})


def run_suite(suite: Suite, cfg: RunConfig, console: Console,
              out: Console | None = None, *, backend: Backend | None = None
              ) -> dict[str, dict[str, Any]]:
    """Generate all (one shared backend), then judge and summarise each; summaries by name.

    ``backend``: an engine the caller already runs (its settings must be those every
    benchmark resolves to); the suite uses it and leaves it running.  Without one, the
    suite builds the backend and stops it before judging.
    """
    if cfg.data is not None:
        raise EvalkitError("--data names one benchmark's data: put data = \"...\" in the "
                           "suite file's [[benchmark]] table instead")
    if cfg.shard is not None:
        raise EvalkitError("--shard is for one benchmark, not a suite")
    folder = suite_folder(suite, cfg)
    _record(folder, suite, cfg)
    console.print(f"[bold]suite[/] {suite.name}: {len(suite.entries)} benchmarks in {folder}")
    cfgs = [entry_config(cfg, e, folder) for e in suite.entries]
    engines = {cfg.backend} | ({cfg.judge.backend} if cfg.judge else set())
    quiet = not cfg.verbose and bool(engines & ENGINE_BACKENDS)
    runs: list[PreparedRun] = []
    summaries: dict[str, dict[str, Any]] = {}
    with engine_output(folder / ENGINE_LOG, consoles(console, out), verbose=not quiet) as log:
        try:
            for c in cfgs:  # all first: bad data or a missing statement fails before engines
                runs.append(prepare(c, console, runs[0].backend if runs else backend))
            if runs:
                attach_engine_log(runs[0].backend, log, cfg.verbose)
            if log is not None:
                console.print(f"engine log: {log}")
            for run in runs:
                console.print(f"[bold]generating[/] {run.bench.name}")
                generate_run(run, console)
            if runs and backend is None:
                runs[0].backend.close()  # free the engine before judging
            for run, c in zip(runs, cfgs, strict=False):
                console.print(f"[bold]judging[/] {run.bench.name}")
                summaries[run.bench.name] = judge_run(run, c, console, out)
        finally:
            if runs and backend is None:
                runs[0].backend.close()
            for run in runs:
                if run.judge_model is not None:
                    run.judge_model.close()
                run.rd.unlock()
    record = read_json(folder / SUITE_JSON)
    record["runs"] = {r.bench.name: r.rd.path.name for r in runs}
    write_json_atomic(folder / SUITE_JSON, record)
    (out or console).print(suite_table(suite.name, summaries))
    return summaries


def suite_table(name: str, summaries: dict[str, dict[str, Any]]) -> Table:
    """One line per benchmark: its headline."""
    table = Table(title=f"suite {name}")
    for col in ("benchmark", "headline", "value", "problems"):
        table.add_column(col, justify="right" if col in ("value", "problems") else "left")
    for bench, s in summaries.items():
        h = s.get("headline") or {}
        value, top = h.get("value"), h.get("max")
        if h.get("aggregate") == "mean" and isinstance(value, int | float):
            shown = f"{100 * value:.2f}%"
        elif isinstance(value, int | float):
            shown = f"{value:g}" + (f" / {top:g}" if isinstance(top, int | float) else "")
        else:
            shown = "-"
        table.add_row(bench, str(h.get("name", "")), shown, str(len(s.get("problems") or {})))
    return table

