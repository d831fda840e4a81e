"""The one writer (and reader) of a run directory's typed record.

:class:`RunStore` keeps the manifest in memory: it is read once when a run is
opened and written (atomically) only when a stage changes it, through
:meth:`RunStore.update`.  The file layer (atomic JSON, append-only JSONL, the
exclusive lock) is :class:`evalkit.rundir.RunDir`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evalkit.episodes.journal import Journal
from evalkit.errors import EvalkitError
from evalkit.jsonl import JsonlLog, read_jsonl
from evalkit.records import Generation, Judgement, Problem
from evalkit.run.manifest import FORMAT_VERSION, Manifest
from evalkit.run.prompts import PromptRecord
from evalkit.run.summary import Summary
from evalkit.rundir import RunDir, read_json

PROMPTS = "prompts.jsonl"


class RunStore:
    """A run directory read and written through the run record's types."""

    def __init__(self, path: Path | RunDir):
        self.dir = path if isinstance(path, RunDir) else RunDir(Path(path))
        self._manifest: Manifest | None = None

    @property
    def path(self) -> Path:
        return self.dir.path

    @property
    def prompts_path(self) -> Path:
        return self.dir.path / PROMPTS

    def exists(self) -> bool:
        """Whether the directory holds a run (a manifest)."""
        return self.dir.exists()

    def lock(self) -> None:
        """Take the run's exclusive lock."""
        self.dir.lock()

    def unlock(self) -> None:
        """Release the lock."""
        self.dir.unlock()

    # -- manifest ------------------------------------------------------------------
    def manifest(self) -> Manifest:
        """The manifest (read from disk once, then kept)."""
        if self._manifest is None:
            self._manifest = Manifest.from_json(self.dir.read_manifest(),
                                                str(self.dir.manifest_path))
        return self._manifest

    def write_manifest(self, manifest: Manifest) -> Manifest:
        """Write ``manifest`` (as the current format) and keep it."""
        manifest = manifest.with_(format_version=FORMAT_VERSION)
        self.dir.write_manifest(manifest.to_json())
        self._manifest = manifest
        return manifest

    def update(self, **changes: Any) -> Manifest:
        """Change fields of the manifest and write it once."""
        return self.write_manifest(self.manifest().with_(**changes))

    # -- prompts -------------------------------------------------------------------
    def prompts(self) -> dict[str, PromptRecord]:
        """The stored prompts by problem id (empty for a format-1 run, which has none)."""
        out: dict[str, PromptRecord] = {}
        for i, rec in enumerate(read_jsonl(self.prompts_path), start=1):
            p = PromptRecord.from_json(rec, f"{self.prompts_path}:{i}")
            out.setdefault(p.problem_id, p)
        return out

    def write_prompts(self, problems: Iterable[Problem]) -> None:
        """Store the prompt of each problem not stored yet; refuse prompts that changed.

        A resumed run whose benchmark now builds another prompt for a problem
        would mix two prompts in one run, so it is an error naming the problem.
        """
        self.add_prompts(PromptRecord.of(p) for p in problems)

    def add_prompts(self, records: Iterable[PromptRecord]) -> None:
        """Store each record not stored yet; a different one for a stored problem is an error."""
        have = self.prompts()
        new = []
        for rec in records:
            old = have.get(rec.problem_id)
            if old is None:
                new.append(rec)
                have[rec.problem_id] = rec
            elif old.messages != rec.messages:
                raise EvalkitError(f"{self.prompts_path}: the prompt of {rec.problem_id!r} "
                                   "differs from the one this run was made with (the benchmark "
                                   "or its options changed); use another --out to start a new "
                                   "run")
        if new:
            with JsonlLog(self.prompts_path) as log:
                for rec in new:
                    log.append(rec.to_json())

    # -- records -------------------------------------------------------------------
    def generations(self) -> dict[tuple[str, int], Generation]:
        """Generations by (problem, sample): of an episode run, each episode's final step
        (the one the judge stage judges); episodes without one are left out."""
        journal = Journal(self.path)
        if not journal.exists():
            return self.dir.generations()
        by_step = {g.step_key: g for g in self.all_generations()}
        out = {}
        for key, final in journal.finals().items():
            g = by_step.get((*key, final.step)) if final.step is not None else None
            if g is not None and final.error is None:
                out[key] = g
        return out

    def all_generations(self) -> list[Generation]:
        """Every stored generation, every step of every episode, in the order written."""
        return self.dir.all_generations()

    def journal(self) -> Journal:
        """The episode journal (episodes.jsonl; absent for single-shot runs)."""
        return Journal(self.path)

    def judgements(self, judge_key: str | None = None) -> dict[tuple[str, int], Judgement]:
        """Judgements, the latest per item; only ``judge_key``'s when given."""
        return self.dir.judgements(judge_key)

    def generation_log(self) -> JsonlLog:
        """The append-only generations log."""
        return self.dir.generation_log()

    def judgement_log(self) -> JsonlLog:
        """The append-only judgements log."""
        return self.dir.judgement_log()

    # -- summary -------------------------------------------------------------------
    def summary(self) -> Summary:
        """summary.json, checked against the contract."""
        where = str(self.dir.summary_path)
        if not self.dir.summary_path.exists():
            raise EvalkitError(f"{where}: missing (the run has not been scored yet: "
                               f"run `evalkit judge {self.path}`)")
        return Summary.from_json(read_json(self.dir.summary_path), where)

    def write_summary(self, summary: dict[str, Any]) -> Summary:
        """Check ``summary`` against the contract and write it; return it typed."""
        typed = Summary.from_json(summary, f"{self.dir.summary_path} (being written)")
        self.dir.write_summary(typed.to_json())
        return typed
