"""The ``replay`` backend: generations made elsewhere, read from JSON Lines.

Each line: ``{"problem_id": ..., "sample": i, "response": "raw model output"}``,
optionally with ``reasoning``, ``finish_reason``, ``prompt_tokens`` and
``completion_tokens``.  Every requested (problem, sample) must be present, and
no pair may appear twice; otherwise a one-line error names the file and line.
So does a line that is not UTF-8 or not JSON, or a field of the wrong type (the
file is refused rather than judged with rows skipped; fix it and re-run).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.jsonl import parse_lines
from evalkit.model.base import Backend, GenerationRequest
from evalkit.records import Generation


def load_replay(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Index a replay file by (problem_id, sample), validating every line."""
    if not path.is_file():
        raise EvalkitError(f"{path}: generations file not found")
    out: dict[tuple[str, int], dict[str, Any]] = {}
    with open(path, "rb") as f:  # decoded per line: bad bytes name their line
        for n, rec in parse_lines(f, path):
            where = f"{path}:{n}"
            if not isinstance(rec, dict):
                raise EvalkitError(f"{where}: expected a JSON object")
            pid = rec.get("problem_id")
            if not isinstance(pid, str) or not pid:
                raise EvalkitError(f"{where}: field 'problem_id' must be a non-empty string")
            sample = rec.get("sample", 0)
            if not isinstance(sample, int) or isinstance(sample, bool) or sample < 0:
                raise EvalkitError(f"{where}: field 'sample' must be an integer >= 0")
            resp = rec.get("response")
            if not isinstance(resp, str):
                raise EvalkitError(f"{where}: field 'response' must be a string")
            if rec.get("reasoning") is not None and not isinstance(rec["reasoning"], str):
                raise EvalkitError(f"{where}: field 'reasoning' must be a string")
            if rec.get("finish_reason") is not None and not isinstance(rec["finish_reason"], str):
                raise EvalkitError(f"{where}: field 'finish_reason' must be a string or null")
            for key in ("prompt_tokens", "completion_tokens"):
                v = rec.get(key)
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    raise EvalkitError(f"{where}: field {key!r} must be an integer >= 0 or null")
            if (pid, sample) in out:
                raise EvalkitError(f"{where}: duplicate problem_id {pid!r} sample {sample}")
            rec["_line"] = n
            out[(pid, sample)] = rec
    return out


class ReplayBackend(Backend):
    name = "replay"
    uses_prompts = False

    def __init__(self, path: Path):
        self.path = Path(path)
        self.records = load_replay(self.path)

    def info(self) -> dict[str, Any]:
        import hashlib

        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        return {"backend": self.name, "generations_file": str(self.path),
                "generations_sha256": digest}

    def samples_for(self, problem_id: str) -> list[int]:
        return sorted(s for (p, s) in self.records if p == problem_id)

    def check_covers(self, requests: Sequence[GenerationRequest]) -> None:
        missing = [(r.problem.id, r.sample) for r in requests
                   if (r.problem.id, r.sample) not in self.records]
        if missing:
            shown = ", ".join(f"{p}#{s}" for p, s in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise EvalkitError(f"{self.path}: no generation for {shown}{more}")

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        self.check_covers(requests)
        for r in requests:
            rec = self.records[(r.problem.id, r.sample)]
            yield Generation(
                problem_id=r.problem.id, sample=r.sample, response=rec["response"],
                reasoning=rec.get("reasoning"), finish_reason=rec.get("finish_reason"),
                prompt_tokens=rec.get("prompt_tokens"),
                completion_tokens=rec.get("completion_tokens"), seed=r.seed,
                meta={"replay_line": rec["_line"]},
            )
