"""RunStore: the one writer of the typed record; prompts stored once per problem."""

from __future__ import annotations

import json

import pytest

from evalkit.errors import EvalkitError
from evalkit.records import Generation, Problem
from evalkit.run import Manifest, RunStore

P1 = Problem("p1", "one", [{"role": "user", "content": "Solve 1."}])
P2 = Problem("p2", "two", [{"role": "system", "content": "S"},
                           {"role": "user", "content": "Solve 2."}])


def test_manifest_written_through_the_store_is_read_back_typed(tmp_path):
    store = RunStore(tmp_path)
    m = Manifest(benchmark="b", data_hash="h", model="m", backend={}, sampling={},
                 samples={"p1": 1})
    store.write_manifest(m)
    store.update(judged_at="now")
    again = RunStore(tmp_path).manifest()
    assert again.judged_at == "now" and again.format_version == 2 and again.benchmark == "b"
    assert json.loads((tmp_path / "manifest.json").read_text())["format_version"] == 2


def test_prompts_stored_once_per_problem_and_resume_adds_missing(tmp_path):
    store = RunStore(tmp_path)
    store.write_prompts([P1])
    store.write_prompts([P1, P2])
    lines = (tmp_path / "prompts.jsonl").read_text().splitlines()
    assert [json.loads(x)["problem_id"] for x in lines] == ["p1", "p2"]
    assert store.prompts()["p2"].messages == tuple(P2.messages)
    assert store.prompts()["p2"].text == "S\n\nSolve 2."


def test_a_changed_prompt_is_refused_naming_the_problem(tmp_path):
    store = RunStore(tmp_path)
    store.write_prompts([P1])
    changed = Problem("p1", "one", [{"role": "user", "content": "Solve 1, differently."}])
    with pytest.raises(EvalkitError, match="prompt of 'p1' differs"):
        store.write_prompts([changed])


def test_a_summary_breaking_the_contract_is_not_written(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(EvalkitError, match="headline"):
        store.write_summary({"benchmark": "b", "problems": {"p": {"value": 1, "max": 1}}})
    assert not (tmp_path / "summary.json").exists()


def test_episode_conversation_is_prompt_then_earlier_steps_then_context():
    """The multi-turn design (records.py): step s's messages from the stored prompt."""
    s0 = Generation("p1", 0, response="first try")
    s1 = Generation("p1", 0, response="second", step=1,
                    context=[{"role": "user", "content": "feedback: WA on test 3"}])
    s2 = Generation("p1", 0, response="third", step=2,
                    context=[{"role": "user", "content": "feedback: TLE"}])
    conv = s2.conversation(P1.messages, [s1, s0])
    assert [m["content"] for m in conv] == ["Solve 1.", "first try", "feedback: WA on test 3",
                                            "second", "feedback: TLE"]
    assert s2.step_key == ("p1", 0, 2)
    assert Generation.from_json(s2.to_json()) == s2
