"""A time limit derived from the package's accepted submissions, as problemtools does.

problemtools ``verifyproblem.py`` ``_compute_time_limit`` (Kattis/problemtools
a185fe97): without ``limits.time_limit`` the limit is ``max(1, ceil(slowest
* ac_to_time_limit / time_resolution)) * time_resolution``, where ``slowest``
is the largest CPU time of an accepted submission on any test case and the
multiplier is legacy ``time_multiplier`` (5) or 2023-07+
``time_multipliers.ac_to_time_limit`` (2)
(:func:`evalkit.judging.kattis.package.derived_time_limit`).

The accepted submissions (``submissions/accepted/*`` in the languages evalkit
judges) run in the sandbox with a provisional limit of :data:`PROBE_LIMIT`
seconds (problemtools uses 300 s while the limit is unknown); each must be
accepted.  The result is cached by the package's hash, so a package is timed
once per machine, and recorded in the run's manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.judging.kattis import judge as kjudge
from evalkit.judging.kattis import multipass
from evalkit.judging.kattis.languages import CPP, JAVA, KOTLIN, PYPY3, C, Language
from evalkit.judging.kattis.package import KattisProblem, content_hash, derived_time_limit
from evalkit.sandbox import job as sj

PROBE_LIMIT = 60.0
SUFFIXES: dict[str, Language] = {".c": C, ".cc": CPP, ".cpp": CPP, ".cxx": CPP, ".c++": CPP,
                                 ".C": CPP, ".java": JAVA, ".kt": KOTLIN, ".py": PYPY3}


@dataclass(frozen=True)
class DerivedLimit:
    time_limit: float
    slowest: float  # CPU seconds of the slowest accepted submission on its slowest test
    slowest_submission: str
    multiplier: float
    resolution: float
    times: dict[str, float]  # submission -> its largest CPU time

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def accepted_programs(problem: KattisProblem) -> list[Path]:
    """Single-file accepted submissions in a language evalkit judges, in name order."""
    acc = problem.root / "submissions" / "accepted"
    if not acc.is_dir():
        return []
    return sorted(p for p in acc.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def cache_key(problem: KattisProblem) -> str:
    """The package's hash with its accepted submissions and the judging rules."""
    h = hashlib.sha256(content_hash(problem).encode())
    for p in accepted_programs(problem):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    h.update(kjudge.RULES_VERSION.encode())
    return h.hexdigest()[:32]


def check_derivable(problem: KattisProblem) -> list[Path]:
    """The accepted submissions to time; a one-line error when there are none."""
    programs = accepted_programs(problem)
    if not programs:
        raise EvalkitError(f"{problem.root}: no time limit in the package (limits.time_limit "
                           "or .timelimit) and no accepted submission to derive it from; add "
                           "a .timelimit file or [time_limits] in the benchmark spec")
    return programs


def derive(problem: KattisProblem, run: Callable[[sj.Job], sj.JobResult],
           data_dir: str) -> DerivedLimit:
    """Run every accepted submission and derive the limit (module docstring)."""
    programs = check_derivable(problem)
    settings = kjudge.JudgeSettings(time_limit=PROBE_LIMIT, patient=True)
    times: dict[str, float] = {}
    for path in programs:
        lang = SUFFIXES[path.suffix]
        out = multipass.evaluate(problem, path.read_text(), lang, data_dir, settings, run)
        if out.verdict != kjudge.AC:
            why = out.judge_error or out.compile_message[:200] or \
                f"{out.failed_test}: {out.tests[-1].message if out.tests else ''}"
            raise EvalkitError(f"{path}: an accepted submission got {out.verdict} while "
                               f"deriving the time limit ({why})")
        times[path.name] = max((t.time for t in out.tests), default=0.0)
    slowest_name = max(times, key=lambda n: times[n])
    slowest = times[slowest_name]
    return DerivedLimit(
        time_limit=derived_time_limit(slowest, problem.time_multiplier, problem.time_resolution),
        slowest=slowest, slowest_submission=slowest_name, multiplier=problem.time_multiplier,
        resolution=problem.time_resolution, times=times)


def cached(problem: KattisProblem, cache_dir: Path) -> DerivedLimit | None:
    """The derived limit recorded for this package, if any."""
    f = cache_dir / f"{cache_key(problem)}.json"
    try:
        return DerivedLimit(**json.loads(f.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def store(problem: KattisProblem, cache_dir: Path, limit: DerivedLimit) -> None:
    """Record a derived limit (atomically: a kill never leaves half a file)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    f = cache_dir / f"{cache_key(problem)}.json"
    tmp = f.with_name(f"{f.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(limit.to_json(), sort_keys=True))
    os.replace(tmp, f)
