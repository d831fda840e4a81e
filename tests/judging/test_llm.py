"""A backend as judge: retries on unparseable verdicts, every attempt recorded.

The judge here is the real ``replay`` backend reading recorded verdicts keyed
``("<problem>#<sample>", attempt)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.judging.llm import RETRY_TEMPERATURE, JudgeModel, JudgeSettings
from evalkit.model import SamplingParams


def parse_int(text: str, reasoning: str | None) -> tuple[int | None, str]:
    text = text.strip()
    return (int(text), "int") if text.isdigit() else (None, "not an integer")


def judge_file(tmp_path: Path, lines: list[tuple[str, int, str]]) -> Path:
    path = tmp_path / "verdicts.jsonl"
    path.write_text("".join(json.dumps({"problem_id": k, "sample": a, "response": r}) + "\n"
                            for k, a, r in lines))
    return path


def model(path: Path, attempts: int = 3, temperature: float = 0.0) -> JudgeModel:
    return JudgeModel(JudgeSettings(backend="replay", generations=str(path), attempts=attempts,
                                    sampling=SamplingParams(temperature=temperature)))


def test_unparseable_verdict_is_asked_again_with_a_new_seed_and_sampling(tmp_path):
    jm = model(judge_file(tmp_path, [("p#0", 0, "looks fine"), ("p#0", 1, "6")]))
    v = jm.ask("p#0", "grade this", parse_int)
    assert v.value == 6
    assert [a.parsed for a in v.attempts] == [False, True]
    assert v.attempts[0].response == "looks fine" and v.attempts[0].parse_note == "not an integer"
    assert v.attempts[0].seed != v.attempts[1].seed
    # A greedy judge would repeat itself: the retry samples.
    assert v.attempts[0].temperature == 0.0 and v.attempts[1].temperature == RETRY_TEMPERATURE


def test_first_parseable_verdict_stops_asking(tmp_path):
    jm = model(judge_file(tmp_path, [("p#0", 0, "7"), ("p#0", 1, "0")]))
    v = jm.ask("p#0", "grade", parse_int)
    assert v.value == 7 and len(v.attempts) == 1


def test_gives_up_after_the_allowed_attempts_keeping_every_text(tmp_path):
    jm = model(judge_file(tmp_path, [("p#0", i, f"hmm {i}") for i in range(5)]), attempts=3)
    v = jm.ask("p#0", "grade", parse_int)
    assert v.value is None
    assert [a.response for a in v.attempts] == ["hmm 0", "hmm 1", "hmm 2"]


def test_backend_failure_is_an_attempt_not_a_crash(tmp_path):
    # attempt 0 is missing from the replay file: the backend raises, the judge goes on.
    jm = model(judge_file(tmp_path, [("p#0", 1, "3")]))
    v = jm.ask("p#0", "grade", parse_int)
    assert v.value == 3
    assert v.attempts[0].error is not None and "p#0" in v.attempts[0].error


def test_nonzero_temperature_is_kept_on_retries(tmp_path):
    jm = model(judge_file(tmp_path, [("p#0", 0, "x"), ("p#0", 1, "1")]), temperature=0.3)
    assert [a.temperature for a in jm.ask("p#0", "g", parse_int).attempts] == [0.3, 0.3]


def test_info_identifies_the_recorded_verdicts(tmp_path):
    a = model(judge_file(tmp_path, [("p#0", 0, "1")])).info()
    b = model(judge_file(tmp_path, [("p#0", 0, "2")])).info()
    assert a["generations_sha256"] != b["generations_sha256"]
    assert a["attempts"] == 3 and a["sampling"]["temperature"] == 0.0


def test_settings_round_trip_through_the_manifest():
    s = JudgeSettings(backend="replay", generations="/x.jsonl", attempts=2,
                      sampling=SamplingParams(temperature=0.5, stop=("</s>",)))
    assert JudgeSettings.from_json(json.loads(json.dumps(s.to_json()))) == s


def test_replay_judge_without_a_file_is_a_one_line_error():
    with pytest.raises(EvalkitError, match="--judge-generations"):
        JudgeModel(JudgeSettings(backend="replay"))


def test_zero_attempts_is_rejected(tmp_path):
    with pytest.raises(EvalkitError, match="--judge-attempts"):
        model(judge_file(tmp_path, []), attempts=0)
