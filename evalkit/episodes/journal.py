"""``episodes.jsonl``: the journal of every episode's actions, judgements and outcome.

One JSON line per record, appended as it happens (kill -9 loses at most the line
being written, see evalkit/jsonl.py).  Three kinds:

- ``act``: ``{problem_id, sample, seq, label, result}``, a memoized action;
- ``judge``: ``{problem_id, sample, step, judge_key, judgement}``, a verdict on a step;
- ``final``: ``{problem_id, sample, step, judged, metrics, error, judge_key}``, the outcome.

A later ``final`` of the same episode supersedes an earlier one (an episode that
ended in an error is run again, by replay, on the next run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from evalkit.errors import EvalkitError
from evalkit.jsonl import JsonlLog, read_jsonl
from evalkit.records import Judgement

EPISODES = "episodes.jsonl"
Key = tuple[str, int]


@dataclass(frozen=True)
class EpisodeFinal:
    """How one episode ended.

    ``step``: the generation the judge stage judges (None: none, or ``judged``);
    ``judged``: the protocol judged inside and wrote the episode's judgement itself;
    ``error``: the episode raised (an infrastructure failure, never a wrong answer).
    """

    problem_id: str
    sample: int
    step: int | None = None
    judged: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    judge_key: str | None = None  # the judge the episode's own verdicts came from

    @property
    def key(self) -> Key:
        return (self.problem_id, self.sample)

    def to_json(self) -> dict[str, Any]:
        """The journal line."""
        return {"kind": "final", "problem_id": self.problem_id, "sample": self.sample,
                "step": self.step, "judged": self.judged, "metrics": self.metrics,
                "error": self.error, "judge_key": self.judge_key}

    @classmethod
    def from_json(cls, d: dict[str, Any], where: str) -> Self:
        """Parse a journal line; errors name ``where``."""
        try:
            step = d.get("step")
            return cls(problem_id=str(d["problem_id"]), sample=int(d["sample"]),
                       step=None if step is None else int(step), judged=bool(d.get("judged")),
                       metrics=dict(d.get("metrics") or {}), error=d.get("error"),
                       judge_key=d.get("judge_key"))
        except (KeyError, TypeError, ValueError) as e:
            raise EvalkitError(f"{where}: bad final record ({e})") from None


@dataclass
class EpisodeRecords:
    """What the journal holds for one episode (replayed in order on resume)."""

    acts: list[dict[str, Any]] = field(default_factory=list)  # by seq
    judges: dict[int, dict[str, Any]] = field(default_factory=dict)  # by step
    final: EpisodeFinal | None = None


class Journal:
    """Reader and appender of ``episodes.jsonl`` in a run directory."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / EPISODES
        self._log: JsonlLog | None = None

    def exists(self) -> bool:
        """Whether this run has episodes (a protocol other than single-shot ran)."""
        return self.path.exists()

    def read(self) -> dict[Key, EpisodeRecords]:
        """Every episode's records, checked: acts must come in seq order without gaps."""
        out: dict[Key, EpisodeRecords] = {}
        for i, rec in enumerate(read_jsonl(self.path), start=1):
            where = f"{self.path}:{i}"
            try:
                key = (str(rec["problem_id"]), int(rec["sample"]))
                kind = rec["kind"]
            except (KeyError, TypeError, ValueError) as e:
                raise EvalkitError(f"{where}: bad record ({e})") from None
            ep = out.setdefault(key, EpisodeRecords())
            if kind == "act":
                seq = rec.get("seq")
                if seq != len(ep.acts):
                    if isinstance(seq, int) and seq < len(ep.acts):
                        continue  # written again by a run that replayed past a torn write
                    raise EvalkitError(f"{where}: action {seq!r} of {key[0]}#{key[1]} out of "
                                       f"order (expected {len(ep.acts)})")
                ep.acts.append(rec)
            elif kind == "judge":
                ep.judges[int(rec["step"])] = rec
            elif kind == "final":
                ep.final = EpisodeFinal.from_json(rec, where)
            else:
                raise EvalkitError(f"{where}: unknown record kind {kind!r}")
        return out

    def finals(self) -> dict[Key, EpisodeFinal]:
        """The latest outcome of every episode that has one (errors included)."""
        return {k: r.final for k, r in self.read().items() if r.final is not None}

    def append(self, record: dict[str, Any]) -> None:
        """Append one record (opened on first use; thread-safe)."""
        if self._log is None:
            self._log = JsonlLog(self.path)
        self._log.append(record)

    def close(self) -> None:
        """Flush and close the log."""
        if self._log is not None:
            self._log.close()
            self._log = None


def judge_record(problem_id: str, sample: int, step: int, judge_key: str,
                 judgement: Judgement) -> dict[str, Any]:
    """The journal line of a verdict on an episode step."""
    return {"kind": "judge", "problem_id": problem_id, "sample": sample, "step": step,
            "judge_key": judge_key, "judgement": judgement.to_json()}
