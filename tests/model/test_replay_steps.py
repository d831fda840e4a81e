"""Replay of episode turns: records keyed by (problem, sample, step)."""

from __future__ import annotations

import json

import pytest

from evalkit.errors import EvalkitError
from evalkit.model.base import GenerationRequest, SamplingParams, request_seed, step_seed
from evalkit.model.replay import ReplayBackend
from evalkit.records import NOTHING, PROMPT, Generation, Problem

P = Problem("p", "p", [{"role": "user", "content": "Solve."}])


def _req(step: int) -> GenerationRequest:
    return GenerationRequest(problem=P, sample=0, messages=P.messages, params=SamplingParams(),
                             seed=0, step=step)


def test_replay_returns_the_recorded_turn_of_each_step(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"problem_id": "p", "sample": 0, "response": "first"},
        {"problem_id": "p", "sample": 0, "step": 1, "response": "second"}]) + "\n")
    backend = ReplayBackend(path)
    out = list(backend.generate([_req(0), _req(1)]))
    assert [(g.step, g.response) for g in out] == [(0, "first"), (1, "second")]
    with pytest.raises(EvalkitError, match=r"p#0 step 2 \(the recorded turns ran out\)"):
        list(backend.generate([_req(2)]))


def test_a_duplicate_step_is_refused(tmp_path):
    path = tmp_path / "g.jsonl"
    line = json.dumps({"problem_id": "p", "sample": 0, "step": 1, "response": "x"})
    path.write_text(line + "\n" + line + "\n")
    with pytest.raises(EvalkitError, match=r"g\.jsonl:2: duplicate problem_id 'p' sample 0 step 1"):
        ReplayBackend(path)


def test_step_zero_keeps_the_single_shot_seed_and_later_steps_differ():
    assert step_seed(7, "p", 3, 0) == request_seed(7, "p", 3)
    assert len({step_seed(7, "p", 3, s) for s in range(5)}) == 5


def test_single_shot_records_keep_their_json_and_parents_rebuild_branches():
    g = Generation("p", 0, response="r")
    assert "parent" not in g.to_json()
    s0 = Generation("p", 0, response="a", parent=PROMPT)
    s1 = Generation("p", 0, response="b", step=1, parent=PROMPT)  # a sibling candidate
    s2 = Generation("p", 0, response="c", step=2, parent=1,
                    context=[{"role": "user", "content": "feedback"}])
    conv = s2.conversation(P.messages, [s0, s1])
    assert [m["content"] for m in conv] == ["Solve.", "b", "feedback"]
    alone = Generation("p", 0, response="d", step=3, parent=NOTHING, context=P.messages)
    assert alone.conversation([], []) == P.messages
    assert Generation.from_json(s2.to_json()) == s2


def test_recorded_tool_calls_must_be_a_list_of_objects(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"problem_id": "p", "response": "", "tool_calls": "x"}) + "\n")
    with pytest.raises(EvalkitError, match=r"g\.jsonl:1: field 'tool_calls' must be a list"):
        ReplayBackend(path)
