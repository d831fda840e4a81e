"""Predictions: the official format and the OpenHands / mini-SWE-agent outputs."""

from __future__ import annotations

import json

import pytest

from evalkit.errors import EvalkitError
from evalkit.swebench.predictions import (
    NOT_SUBMITTED,
    PATCH_IS_NONE,
    load_predictions,
    predictions_to_replay,
)

PATCH = "diff --git a/f.py b/f.py\n--- a/f.py\n+++ b/f.py\n@@ -1 +1 @@\n-a\n+b\n"


def test_official_jsonl(tmp_path):
    p = tmp_path / "preds.jsonl"
    p.write_text(json.dumps({"instance_id": "a__b-1", "model_name_or_path": "org/m",
                             "model_patch": PATCH}) + "\n\n"
                 + json.dumps({"instance_id": "a__b-2", "model_name_or_path": "org/m",
                               "model_patch": None}) + "\n")
    preds = load_predictions(p)
    assert [(x.instance_id, x.model_name_or_path, x.model_patch) for x in preds] == [
        ("a__b-1", "org/m", PATCH), ("a__b-2", "org/m", None)]


def test_official_json_list_and_sb_cli_dict(tmp_path):
    rec = {"instance_id": "a__b-1", "model_name_or_path": "m", "model_patch": PATCH}
    (tmp_path / "l.json").write_text(json.dumps([rec]))
    (tmp_path / "d.json").write_text(json.dumps({"a__b-1": rec}))
    [x] = load_predictions(tmp_path / "l.json")
    assert (x.instance_id, x.model_patch, x.source) == ("a__b-1", PATCH, f"{tmp_path}/l.json[0]")
    assert load_predictions(tmp_path / "d.json")[0].model_patch == PATCH


def test_mini_swe_agent_preds_json_and_trajectories(tmp_path):
    # preds.json as written by minisweagent's update_preds_file: keyed by instance id.
    (tmp_path / "preds.json").write_text(json.dumps({"a__b-1": {
        "model_name_or_path": "anthropic/claude", "instance_id": "a__b-1",
        "model_patch": PATCH}}, indent=2))
    [p] = load_predictions(tmp_path / "preds.json")
    assert (p.instance_id, p.model_name_or_path, p.model_patch) == ("a__b-1", "anthropic/claude",
                                                                    PATCH)
    trajs = tmp_path / "run"
    (trajs / "a__b-2").mkdir(parents=True)
    (trajs / "a__b-2" / "a__b-2.traj.json").write_text(json.dumps({
        "instance_id": "a__b-2", "messages": [{"role": "user", "content": "fix it"}],
        "info": {"exit_status": "Submitted", "submission": PATCH,
                 "config": {"model": {"model_name": "openai/gpt-5"}}},
        "trajectory_format": "mini-swe-agent-1"}))
    [t] = load_predictions(trajs)
    assert (t.instance_id, t.model_name_or_path, t.model_patch) == ("a__b-2", "openai/gpt-5", PATCH)


def test_openhands_output_jsonl(tmp_path):
    p = tmp_path / "output.jsonl"
    p.write_text(json.dumps({"instance_id": "a__b-1", "instruction": "...", "history": [],
                             "metadata": {"llm_config": {"model": "litellm_proxy/qwen"}},
                             "test_result": {"git_patch": PATCH}}) + "\n")
    [x] = load_predictions(p)
    assert (x.model_name_or_path, x.model_patch) == ("litellm_proxy/qwen", PATCH)


def test_bad_predictions_name_file_and_line(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"instance_id": "a", "model_patch": PATCH}) + "\n"
                 + json.dumps({"instance_id": "b", "patch": PATCH}) + "\n")
    with pytest.raises(EvalkitError, match=r"p.jsonl:2: no patch field"):
        load_predictions(p)
    p.write_text(json.dumps({"instance_id": "a", "model_patch": 3}) + "\n")
    with pytest.raises(EvalkitError, match=r"p.jsonl(:1)?: field 'model_patch' must be a string"):
        load_predictions(p)
    p.write_text(json.dumps({"instance_id": "a", "model_patch": PATCH}) + "\n" +
                 json.dumps({"instance_id": "a", "model_patch": PATCH}) + "\n")
    with pytest.raises(EvalkitError, match=r"p.jsonl:2: duplicate instance_id 'a'"):
        load_predictions(p)
    with pytest.raises(EvalkitError, match="not found"):
        load_predictions(tmp_path / "nope.jsonl")


def test_replay_keeps_null_patches_and_fills_unsubmitted_instances(tmp_path):
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"instance_id": "a", "model_name_or_path": "m", "model_patch": PATCH})
                 + "\n" + json.dumps({"instance_id": "b", "model_name_or_path": "m",
                                      "model_patch": None}) + "\n")
    out, model = predictions_to_replay(p, ["a", "b", "c"], tmp_path / "r")
    assert model == "m"
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(x["problem_id"], x["response"], x["finish_reason"]) for x in lines] == [
        ("a", PATCH, "stop"), ("b", "", PATCH_IS_NONE), ("c", "", NOT_SUBMITTED)]
    with pytest.raises(EvalkitError, match=r"instance_id 'a' is not in the benchmark"):
        predictions_to_replay(p, ["b"], tmp_path / "r")
