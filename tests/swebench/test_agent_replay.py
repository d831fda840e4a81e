"""The real agent, through evalkit's ``openai`` backend and a real HTTP server, in real
instance containers; its patch graded by the real SWE-bench judge.

The server (tests/swebench/agent_server.py) replays the model's turns of three recorded
mini-SWE-agent conversations on the swebench_sample instances and checks, turn by turn,
that the observation the agent sent back contains what the recorded model saw: the
commands really ran and edited the repository.  Nothing here knows the verdicts: they
come from the official grading of the patch each conversation leaves.
"""

from __future__ import annotations

from pathlib import Path

import docker
import pytest
from agent_server import ReplayServer, load

from evalkit.benchmarks import load_benchmark
from evalkit.benchmarks.base import JudgeContext
from evalkit.model.base import GenerationRequest, SamplingParams
from evalkit.model.config import ClientSettings, EngineSettings
from evalkit.model.openai_client import OpenAIBackend
from evalkit.records import Generation
from evalkit.swebench.agent_env import (
    ContainerEnvironment,
    EnvConfig,
    InstanceContainer,
    mini_swebench_config,
)
from evalkit.swebench.agent_model import AgentModel, ModelConfig

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def run_agent(server: ReplayServer, problem, image: str, step_limit: int) -> dict:
    """One instance: the real DefaultAgent with mini's SWE-bench config."""
    from minisweagent.agents.default import DefaultAgent

    config = mini_swebench_config()
    backend = OpenAIBackend("", ClientSettings(base_url=server.base_url, max_retries=0),
                            EngineSettings())
    calls = []

    def generate(messages, tools) -> Generation:
        req = GenerationRequest(problem=problem, sample=0, messages=messages,
                                params=SamplingParams(max_tokens=256), seed=0,
                                step=len(calls), tools=tools)
        g = next(iter(backend.generate([req])))
        calls.append(g)
        return g

    client = docker.from_env()
    try:
        with InstanceContainer(client, image=image, instance_id=problem.id,
                               pull=False) as box:
            env = ContainerEnvironment(box, EnvConfig.from_mini(config["environment"]))
            model = AgentModel(generate, ModelConfig.from_mini(config["model"]))
            agent = DefaultAgent(model, env, **{**config["agent"], "step_limit": step_limit})
            info = agent.run(problem.meta["task"])
    finally:
        client.close()
    return {**info, "calls": len(calls), "messages": agent.messages}


def judged(bench, problem, patch: str, tmp_path: Path):
    g = Generation(problem_id=problem.id, sample=0, response=patch)
    ctx = JudgeContext(run_dir=tmp_path)
    return bench.judge(problem, g, ctx, "k")


def test_three_recordings_resolve_fail_and_hit_the_step_limit(swe_images, tmp_path):
    bench = load_benchmark("swebench_sample")
    insts = bench.instances()
    problems = {p.id: p for p in bench.problems()}
    recs = {name: load(name) for name in ("fix", "nofix", "steplimit")}
    with ReplayServer(list(recs.values())) as server:
        out = {}
        for name, rec in recs.items():
            p = problems[rec["instance"]]
            p.meta["task"] = insts[p.id].problem_statement
            out[name] = run_agent(server, p, insts[p.id].image, step_limit=10
                                  if name == "steplimit" else 250)
        assert server.errors == []
        # mini's bash tool went out with every request
        assert all(r["tools"][0]["function"]["name"] == "bash" for r in server.requests)

    fix, nofix, limit = out["fix"], out["nofix"], out["steplimit"]
    assert fix["exit_status"] == "Submitted" and fix["calls"] == len(recs["fix"]["turns"])
    assert judged(bench, problems[recs["fix"]["instance"]], fix["submission"],
                  tmp_path / "fix").verdict == "resolved"

    assert nofix["exit_status"] == "Submitted"
    j = judged(bench, problems[recs["nofix"]["instance"]], nofix["submission"],
               tmp_path / "nofix")
    assert j.verdict == "unresolved"

    assert limit["exit_status"] == "LimitsExceeded" and limit["submission"] == ""
    assert limit["calls"] == 10
    assert judged(bench, problems[recs["steplimit"]["instance"]], "",
                  tmp_path / "limit").verdict == "empty_patch"
