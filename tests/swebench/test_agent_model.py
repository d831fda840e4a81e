"""mini-SWE-agent's Model over evalkit generations: what the agent gets from a turn.

The actions and format errors are mini-swe-agent's own (parse_toolcall_actions and its
SWE-bench format-error template); evalkit only says where the tool calls are.
"""

from __future__ import annotations

import json

import pytest

from evalkit.records import Generation
from evalkit.swebench.agent_env import mini_swebench_config
from evalkit.swebench.agent_model import AgentModel, ModelCallError, ModelConfig


def model_of(*gens: Generation, tool_format: str = "qwen3_coder"):
    asked: list[tuple[list, list]] = []
    queue = list(gens)

    def generate(messages, tools):
        asked.append((messages, tools))
        return queue.pop(0)

    cfg = ModelConfig.from_mini(mini_swebench_config()["model"])
    return AgentModel(generate, cfg, tool_format), asked


def gen(response: str = "", **kw) -> Generation:
    return Generation(problem_id="p", sample=0, response=response, **kw)


def test_server_tool_calls_become_actions_and_the_turn_is_the_stored_one():
    calls = [{"id": "c7", "type": "function",
              "function": {"name": "bash", "arguments": json.dumps({"command": "ls -la"})}}]
    g = gen("THOUGHT: look", meta={"tool_calls": calls}, finish_reason="tool_calls", step=3)
    model, asked = model_of(g)
    msg = model.query([{"role": "system", "content": "s", "extra": {"x": 1}},
                       {"role": "user", "content": "u"}])
    assert msg["extra"]["actions"] == [{"command": "ls -la", "tool_call_id": "c7"}]
    assert {k: v for k, v in msg.items() if k != "extra"} == g.assistant_turn()
    # mini's "extra" never goes to the model; its bash tool does.
    assert asked[0][0] == [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    assert asked[0][1][0]["function"]["name"] == "bash"
    assert msg["extra"]["cost"] == 0.0


def test_calls_written_in_the_text_are_read_with_the_tool_format():
    text = ("I will list files.\n<tool_call>\n<function=bash>\n<parameter=command>\n"
            "ls tests\n</parameter>\n</function>\n</tool_call>")
    model, _ = model_of(gen(text, step=1))
    msg = model.query([{"role": "user", "content": "u"}])
    assert msg["extra"]["actions"] == [{"command": "ls tests", "tool_call_id": "call_1_0"}]
    assert msg == {**gen(text).assistant_turn(), "extra": msg["extra"]}  # text kept as is
    hermes = '<tool_call>{"name": "bash", "arguments": {"command": "pwd"}}</tool_call>'
    model, _ = model_of(gen(hermes), tool_format="hermes")
    assert model.query([])["extra"]["actions"][0]["command"] == "pwd"


@pytest.mark.parametrize(("response", "finish", "says"), [
    ("no call at all", "stop", "No tool calls found"),
    ("", "length", "reached the output token limit"),
    ('<tool_call>{"name": "python", "arguments": {"code": "1"}}</tool_call>', "stop",
     "Unknown tool 'python'"),
])
def test_bad_turns_are_minis_format_errors(response, finish, says):
    from minisweagent.exceptions import FormatError

    model, _ = model_of(gen(response, finish_reason=finish), tool_format="hermes")
    with pytest.raises(FormatError) as e:
        model.query([])
    (m,) = e.value.messages
    assert m["role"] == "user" and says in m["content"]
    assert m["extra"]["interrupt_type"] == "FormatError" and m["extra"]["cost"] == 0.0


def test_a_failed_call_ends_the_agent_with_its_message():
    model, _ = model_of(gen(error="HTTP 400: prompt too long"))
    with pytest.raises(ModelCallError, match="prompt too long"):
        model.query([])
