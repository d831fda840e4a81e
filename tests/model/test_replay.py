"""The ``replay`` backend: generations made elsewhere, read from JSON Lines.

Rule (evalkit/model/replay.py): each line is
``{"problem_id": str, "sample": int >= 0, "response": str}`` (optionally
``reasoning``, ``finish_reason``, token counts).  Every requested
(problem, sample) must be present and no pair may appear twice; any violation
is a one-line error naming ``file:line``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.model.base import GenerationRequest, SamplingParams, request_seed
from evalkit.model.replay import ReplayBackend, load_replay
from evalkit.records import Problem


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def rec(**fields) -> str:
    return json.dumps(fields)


def request(pid: str, sample: int, run_seed: int = 0) -> GenerationRequest:
    problem = Problem(id=pid, title=pid, messages=[{"role": "user", "content": pid}])
    return GenerationRequest(problem=problem, sample=sample, messages=problem.messages,
                             params=SamplingParams(seed=run_seed),
                             seed=request_seed(run_seed, pid, sample))


@pytest.fixture
def good_file(tmp_path):
    return write_lines(tmp_path / "gens.jsonl", [
        rec(problem_id="aplusb", sample=0, response="A0"),
        rec(problem_id="aplusb", sample=1, response="A1", reasoning="think",
            finish_reason="stop", prompt_tokens=10, completion_tokens=20),
        "",
        rec(problem_id="message", sample=0, response="M0"),
    ])


# -- loading --------------------------------------------------------------------

def test_valid_file_is_indexed_by_problem_and_sample(good_file):
    index = load_replay(good_file)
    assert set(index) == {("aplusb", 0), ("aplusb", 1), ("message", 0)}
    assert index[("aplusb", 1)]["response"] == "A1"
    assert index[("message", 0)]["_line"] == 4  # blank line 3 still counts


def test_samples_for_lists_a_problems_samples(good_file):
    backend = ReplayBackend(good_file)
    assert backend.samples_for("aplusb") == [0, 1]
    assert backend.samples_for("nothing") == []


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(EvalkitError, match="not found"):
        load_replay(tmp_path / "nope.jsonl")


def replay_error(path: Path) -> str:
    with pytest.raises(EvalkitError) as info:
        load_replay(path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


GOOD = rec(problem_id="p", sample=0, response="r")


@pytest.mark.parametrize(("bad_line", "what"), [
    ('{"problem_id": "p", "sample": 1, "response": "r"', "not valid JSON"),
    ('["p", 1, "r"]', "JSON object"),
    (rec(sample=1, response="r"), "problem_id"),
    (rec(problem_id="", sample=1, response="r"), "problem_id"),
    (rec(problem_id=7, sample=1, response="r"), "problem_id"),
    (rec(problem_id="p", sample="1", response="r"), "sample"),
    (rec(problem_id="p", sample=1.0, response="r"), "sample"),
    (rec(problem_id="p", sample=True, response="r"), "sample"),
    (rec(problem_id="p", sample=-1, response="r"), "sample"),
    (rec(problem_id="p", sample=1), "response"),
    (rec(problem_id="p", sample=1, response=None), "response"),
    (rec(problem_id="p", sample=1, response=["r"]), "response"),
    (rec(problem_id="p", sample=1, response="r", reasoning=5), "reasoning"),
    (GOOD, "duplicate"),
], ids=["bad-json", "not-object", "no-problem_id", "empty-problem_id", "int-problem_id",
        "str-sample", "float-sample", "bool-sample", "negative-sample", "no-response",
        "null-response", "list-response", "int-reasoning", "duplicate-pair"])
def test_bad_line_is_an_error_naming_file_line_and_field(tmp_path, bad_line, what):
    path = write_lines(tmp_path / "gens.jsonl", [GOOD, "", bad_line, GOOD])
    msg = replay_error(path)
    assert msg.startswith(f"{path}:3: ")
    assert what in msg


def test_duplicate_names_the_second_occurrence_and_the_pair(tmp_path):
    path = write_lines(tmp_path / "gens.jsonl", [
        rec(problem_id="a", sample=2, response="x"),
        rec(problem_id="b", sample=2, response="y"),
        rec(problem_id="a", sample=2, response="z"),
    ])
    msg = replay_error(path)
    assert msg.startswith(f"{path}:3: ")
    assert "'a'" in msg and "2" in msg


# -- coverage and generation -------------------------------------------------------

def test_check_covers_accepts_a_complete_file(good_file):
    ReplayBackend(good_file).check_covers([request("aplusb", 0), request("message", 0)])


def test_check_covers_lists_the_missing_pairs(good_file):
    backend = ReplayBackend(good_file)
    with pytest.raises(EvalkitError) as info:
        backend.check_covers([request("aplusb", 0), request("aplusb", 2),
                              request("sphinx", 0)])
    msg = str(info.value)
    assert str(good_file) in msg
    assert "aplusb#2" in msg and "sphinx#0" in msg
    assert "aplusb#0" not in msg


def test_check_covers_summarises_many_missing_pairs(good_file):
    backend = ReplayBackend(good_file)
    with pytest.raises(EvalkitError) as info:
        backend.check_covers([request("sphinx", i) for i in range(8)])
    msg = str(info.value)
    assert "sphinx#4" in msg and "sphinx#5" not in msg
    assert "and 3 more" in msg


def test_generate_refuses_before_yielding_anything_when_a_pair_is_missing(good_file):
    backend = ReplayBackend(good_file)
    gen = backend.generate([request("aplusb", 0), request("aplusb", 9)])
    with pytest.raises(EvalkitError):
        next(gen)


def test_generate_yields_the_replayed_records_with_the_requests_seed(good_file):
    backend = ReplayBackend(good_file)
    reqs = [request("aplusb", 1, run_seed=42), request("message", 0, run_seed=42)]
    out = list(backend.generate(reqs))
    assert [(g.problem_id, g.sample) for g in out] == [("aplusb", 1), ("message", 0)]
    first = out[0]
    assert first.response == "A1"
    assert first.reasoning == "think"
    assert first.finish_reason == "stop"
    assert (first.prompt_tokens, first.completion_tokens) == (10, 20)
    assert first.seed == reqs[0].seed == request_seed(42, "aplusb", 1)
    assert out[1].seed == request_seed(42, "message", 0) != first.seed
    assert first.meta == {"replay_line": 2}


def test_info_identifies_the_file_by_hash(good_file):
    import hashlib

    info = ReplayBackend(good_file).info()
    assert info["backend"] == "replay"
    assert info["generations_sha256"] == hashlib.sha256(good_file.read_bytes()).hexdigest()


def test_a_line_that_is_not_utf8_is_a_one_line_error_naming_it(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_bytes(rec(problem_id="a", response="ok").encode() + b"\n"
                     + b'{"problem_id": "b", "response": "\xc3\x28"}\n')
    with pytest.raises(EvalkitError, match=r"g\.jsonl:2: not valid UTF-8"):
        load_replay(path)


@pytest.mark.parametrize("field,value", [
    ("completion_tokens", "many"), ("prompt_tokens", -1), ("completion_tokens", True),
    ("finish_reason", 7),
])
def test_token_counts_and_finish_reason_of_the_wrong_type_are_refused(tmp_path, field, value):
    path = write_lines(tmp_path / "g.jsonl", [rec(problem_id="a", response="x", **{field: value})])
    with pytest.raises(EvalkitError, match=rf"g\.jsonl:1: field '{field}' must be"):
        load_replay(path)


def test_a_lone_surrogate_in_a_response_is_kept(tmp_path):
    path = write_lines(tmp_path / "g.jsonl", [rec(problem_id="a", response="\ud800")])
    assert load_replay(path)[("a", 0)]["response"] == "\ud800"
