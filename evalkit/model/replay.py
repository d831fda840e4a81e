"""The ``replay`` backend: generations made elsewhere, read from JSON Lines.

Each line: ``{"problem_id": ..., "sample": i, "response": "raw model output"}``,
optionally with ``reasoning``, ``finish_reason``, ``prompt_tokens`` and
``completion_tokens``, ``step`` (episodes: the recorded turn, default 0) and
``tool_calls`` (OpenAI ``message.tool_calls``, as a server with a tool parser
returns them).
Every requested (problem, sample, step) must be present, and none may appear
twice; otherwise a one-line error names the file and line.
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
from evalkit.model.output import tool_meta
from evalkit.records import Generation


def load_replay(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Index a replay file by (problem_id, sample) (its first line of each), validating
    every line."""
    return load_turns(path)[0]


def load_turns(path: Path) -> tuple[dict[tuple[str, int], dict[str, Any]],
                                    dict[tuple[str, int, int], dict[str, Any]]]:
    """Index a replay file by (problem_id, sample) (first line of each) and by
    (problem_id, sample, step), validating every line."""
    if not path.is_file():
        raise EvalkitError(f"{path}: generations file not found")
    out: dict[tuple[str, int], dict[str, Any]] = {}
    turns: dict[tuple[str, int, int], dict[str, Any]] = {}
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
            calls = rec.get("tool_calls")
            if calls is not None and (not isinstance(calls, list)
                                      or not all(isinstance(c, dict) for c in calls)):
                raise EvalkitError(f"{where}: field 'tool_calls' must be a list of objects")
            step = rec.get("step", 0)
            if not isinstance(step, int) or isinstance(step, bool) or step < 0:
                raise EvalkitError(f"{where}: field 'step' must be an integer >= 0")
            if (pid, sample, step) in turns:
                raise EvalkitError(f"{where}: duplicate problem_id {pid!r} sample {sample}"
                                   + (f" step {step}" if step else ""))
            rec["_line"] = n
            turns[(pid, sample, step)] = rec
            out.setdefault((pid, sample), rec)
    return out, turns


class ReplayBackend(Backend):
    name = "replay"
    uses_prompts = False

    def __init__(self, path: Path, tool_call_format: str | None = None):
        self.path = Path(path)
        self.records, self.turns = load_turns(self.path)
        # The preset's tool-call format: replayed raw text is read as that model writes it.
        self.tool_call_format = tool_call_format

    def info(self) -> dict[str, Any]:
        import hashlib

        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        info = {"backend": self.name, "generations_file": str(self.path),
                "generations_sha256": digest}
        if self.tool_call_format:  # how tool calls in the text are read: part of the run
            info["tool_call_format"] = self.tool_call_format
        return info

    def samples_for(self, problem_id: str) -> list[int]:
        return sorted(s for (p, s) in self.records if p == problem_id)

    def check_covers(self, requests: Sequence[GenerationRequest]) -> None:
        missing = [(r.problem.id, r.sample, r.step) for r in requests
                   if (r.problem.id, r.sample, r.step) not in self.turns]
        if missing:
            shown = ", ".join(f"{p}#{s}" + (f" step {t} (the recorded turns ran out)" if t else "")
                              for p, s, t in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise EvalkitError(f"{self.path}: no generation for {shown}{more}")

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        self.check_covers(requests)
        for r in requests:
            rec = self.turns[(r.problem.id, r.sample, r.step)]
            yield Generation(
                problem_id=r.problem.id, sample=r.sample, response=rec["response"],
                reasoning=rec.get("reasoning"), finish_reason=rec.get("finish_reason"),
                prompt_tokens=rec.get("prompt_tokens"),
                completion_tokens=rec.get("completion_tokens"), seed=r.seed,
                meta={"replay_line": rec["_line"],
                      **(tool_meta(r, self.tool_call_format) or {}),
                      # As an OpenAI-compatible server returns them (serve/openai runs).
                      **({"tool_calls": rec["tool_calls"]} if rec.get("tool_calls") else {})},
                step=r.step,
            )
