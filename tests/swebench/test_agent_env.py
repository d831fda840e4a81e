"""The agent's environment: mini-swe-agent's commands in a real instance container.

What mini-swe-agent 2.4.6 (minisweagent/environments/docker.py) gives the agent for a
command, this environment must give too: the exit code, stdout and stderr merged, the
config's cwd and env, the submission on the marker; plus what evalkit does on purpose
(a timeout that ends the command's processes only, bounded output that renders as the
whole output would).
"""

from __future__ import annotations

import docker
import pytest

from evalkit.swebench import agent_env as ae
from evalkit.swebench.agent_env import (
    ContainerEnvironment,
    EnvConfig,
    InstanceContainer,
    mini_swebench_config,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]

STATKIT = "evalkit-samples__statkit-1"


@pytest.fixture(scope="module")
def client():
    c = docker.from_env()
    yield c
    c.close()


@pytest.fixture(scope="module")
def config() -> dict:
    return mini_swebench_config()


@pytest.fixture(scope="module")
def env(swe_images, client, config, sample_instances):
    """One container for the read-mostly cases of this module."""
    inst = sample_instances[STATKIT]
    box = InstanceContainer(client, image=inst.image, instance_id=inst.instance_id, pull=False)
    yield ContainerEnvironment(box, EnvConfig.from_mini(config["environment"]))
    box.close()


def agent_containers(client) -> list:
    return client.containers.list(all=True, filters={"label": "evalkit.role=swebench-agent"})


def test_settings_are_mini_swe_agents_swebench_defaults(config):
    c = EnvConfig.from_mini(config["environment"])
    assert c.cwd == "/testbed" and c.timeout == 60 and c.interpreter == ("bash", "-c")
    assert c.env["PAGER"] == "cat" and c.env["BASH_ENV"] == "/root/.bashrc"


def test_exit_codes_merged_output_cwd_and_env(env):
    r = env.execute({"command": "pwd; echo out; echo err >&2; echo $PAGER; exit 3"})
    assert r["returncode"] == 3 and r["exception_info"] == ""
    assert r["output"] == "/testbed\nout\nerr\ncat\n"
    assert env.execute({"command": "true"})["returncode"] == 0
    assert env.execute({"command": "false"})["returncode"] == 1
    assert env.execute({"command": "ls /nonexistent"})["returncode"] == 2
    assert env.execute({"command": "pwd"}, cwd="/tmp")["output"] == "/tmp\n"


def test_no_stdin_and_utf8_with_replacement(env):
    assert env.execute({"command": "cat; echo done"})["output"] == "done\n"
    r = env.execute({"command": r"printf 'caf\xc3\xa9 \xff\n'"})
    assert r["output"] == "café \ufffd\n"


def test_timeout_kills_the_command_and_its_children_not_the_container(env):
    # A background child, one in its own session, and the foreground sleep.
    cmd = "echo before; sleep 1001 & setsid sleep 1002 & sleep 1003"
    r = env.execute({"command": cmd}, timeout=2)
    assert r["returncode"] == -1
    assert r["output"] == "before\n"
    assert r["exception_info"] == ("An error occurred while executing the command: Command "
                                   f"'{['bash', '-c', cmd]}' timed out after 2 seconds")
    assert r["extra"]["exception_type"] == "TimeoutExpired"
    # The container lives on, and nothing of the command is left running in it.
    left = env.execute({"command": "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '"})
    assert left["returncode"] == 0
    assert "sleep 100" not in left["output"]


def test_long_output_renders_as_the_whole_output_would(env, config):
    from minisweagent.models.utils.actions_toolcall import format_toolcall_observation_messages

    n = 2 * ae.KEEP_CHARS + 123_457
    cmd = f"head -c {n - 2} /dev/zero | tr '\\0' a; echo; echo END"
    r = env.execute({"command": cmd})
    assert len(r["output"]) == n + 3 and r["extra"]["output_chars"] == n + 3
    assert len(str.__str__(r["output"])) == 2 * ae.KEEP_CHARS  # what is kept
    whole = {"output": "a" * (n - 2) + "\nEND\n", "returncode": 0, "exception_info": ""}
    template = config["model"]["observation_template"]
    action = [{"command": cmd, "tool_call_id": "c1"}]
    seen = format_toolcall_observation_messages(actions=action, outputs=[r],
                                                observation_template=template)
    want = format_toolcall_observation_messages(actions=action, outputs=[whole],
                                                observation_template=template)
    assert seen[0]["content"] == want[0]["content"]
    assert f"{n + 3 - 10000} characters elided" in seen[0]["content"]


def test_submission_needs_the_marker_first_and_success(env):
    from minisweagent.exceptions import Submitted

    with pytest.raises(Submitted) as e:
        env.execute({"command": f"echo {ae.SUBMIT_MARKER} && printf 'line1\\nline2\\n'"})
    assert e.value.messages[0]["extra"] == {"exit_status": "Submitted",
                                            "submission": "line1\nline2\n"}
    r = env.execute({"command": f"echo {ae.SUBMIT_MARKER}; exit 1"})
    assert r["returncode"] == 1
    assert env.execute({"command": f"echo x; echo {ae.SUBMIT_MARKER}"})["returncode"] == 0


def test_a_long_submission_is_kept_whole(env):
    from minisweagent.exceptions import Submitted

    n = 3 * ae.KEEP_CHARS
    with pytest.raises(Submitted) as e:
        env.execute({"command": f"echo {ae.SUBMIT_MARKER} && head -c {n} /dev/zero | tr '\\0' b"})
    assert e.value.messages[0]["extra"]["submission"] == "b" * n


def test_the_real_agent_edits_the_repo_and_submits_its_git_diff(swe_images, client, config,
                                                               sample_instances):
    """mini-swe-agent's DefaultAgent, with its SWE-bench config, through this environment:
    its edits land in /testbed and the submission is the `git diff` it printed."""
    from minisweagent.agents.default import DefaultAgent
    from minisweagent.models.test_models import DeterministicToolcallModel, make_toolcall_output

    inst = sample_instances[STATKIT]
    fix = ("sed -i 's/^    return ordered\\[middle\\]$/    if len(ordered) % 2 == 0:\\n"
           "        return (ordered[middle - 1] + ordered[middle]) \\/ 2\\n"
           "    return ordered[middle]/' statkit/stats.py")
    steps = [fix, "git diff -- statkit/stats.py > patch.txt", "cat patch.txt",
             f"echo {ae.SUBMIT_MARKER} && cat patch.txt"]
    outputs = [make_toolcall_output(
        "THOUGHT", [{"id": f"c{i}", "type": "function",
                     "function": {"name": "bash", "arguments": "{}"}}],
        [{"command": c, "tool_call_id": f"c{i}"}]) for i, c in enumerate(steps)]
    model = DeterministicToolcallModel(
        outputs=outputs, observation_template=config["model"]["observation_template"])
    with InstanceContainer(client, image=inst.image, instance_id=inst.instance_id,
                           pull=False) as box:
        env = ContainerEnvironment(box, EnvConfig.from_mini(config["environment"]))
        # The deterministic model bills 1.0 a call: lift the $3 cost limit.
        agent = DefaultAgent(model, env, **{**config["agent"], "cost_limit": 0})
        info = agent.run(inst.problem_statement)
        diff = env.run_command("git diff")["output"]
        cid = box.container.id
    assert info["exit_status"] == "Submitted"
    assert info["submission"] == diff
    assert diff.startswith("diff --git a/statkit/stats.py b/statkit/stats.py")
    assert "+    if len(ordered) % 2 == 0:" in diff
    assert [m["extra"]["returncode"] for m in agent.messages if m["role"] == "tool"] == [0, 0, 0]
    assert cid not in [c.id for c in agent_containers(client)]
