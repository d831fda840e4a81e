"""The agent protocol's options: mini-swe-agent's names and defaults, checked values."""

from __future__ import annotations

import pytest

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.protocols.agent import AgentOptions


def test_defaults_are_mini_swe_agents_swebench_config():
    from minisweagent.agents.default import AgentConfig

    from evalkit.swebench.agent_env import mini_swebench_config

    cfg = mini_swebench_config()
    o = AgentOptions()
    assert o.step_limit == cfg["agent"]["step_limit"] == 250
    assert o.cost_limit == cfg["agent"]["cost_limit"] == 3.0
    assert o.timeout == cfg["environment"]["timeout"] == 60
    assert o.max_consecutive_format_errors == \
        AgentConfig.model_fields["max_consecutive_format_errors"].default
    assert o.patch == "submission"


@pytest.mark.parametrize(("key", "value", "says"), [
    ("agent.step_limit", -1, "agent.step_limit"), ("agent.timeout", 0, "agent.timeout"),
    ("agent.patch", "all", "agent.patch"), ("agent.tool_format", "xml", "agent.tool_format"),
])
def test_bad_values_are_one_line_errors_naming_the_key(key, value, says):
    with pytest.raises(EvalkitError, match=says) as e:
        load_benchmark("swebench_sample", options={"protocol": "agent", key: value})
    assert "\n" not in str(e.value)


def test_only_swebench_runs_the_agent_and_its_params_enter_the_identity():
    from evalkit.episodes.registry import load_protocol

    with pytest.raises(EvalkitError, match="does not run protocol 'agent'"):
        load_protocol("agent", load_benchmark("aime2025"))
    bench = load_benchmark("swebench_sample", options={"protocol": "agent",
                                                       "agent.step_limit": 7})
    ident = load_protocol("agent", bench).identity()
    assert ident["name"] == "agent" and ident["step_limit"] == 7
    assert ident["config"] == "swebench.yaml" and len(ident["config_sha256"]) == 16
