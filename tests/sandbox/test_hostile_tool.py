"""Hostile code sent through the python tool is contained and reported as the tool's error.

Each case in ``hostile/tool_*.py`` runs as a tool call in a real sandboxed session
(evalkit/tools/python.py); after it the session still answers (or is rebuilt),
and nothing leaked between sessions or onto the host.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.tools.python import PythonSession, ToolLimits

pytestmark = pytest.mark.docker
HOSTILE = Path(__file__).parent / "hostile"
LIMITS = ToolLimits(timeout=3.0, max_calls=50, pids=32, memory=256 * 1024**2)


def case(name: str) -> str:
    return (HOSTILE / f"tool_{name}.py").read_text()


@pytest.fixture(scope="module")
def session(docker_client):
    s = PythonSession(LIMITS, client=docker_client)
    yield s
    s.close()


def test_fork_bomb_is_a_timeout_and_the_session_survives(session):
    r = session.call(case("fork_bomb"))
    assert r.error is not None and r.timeout
    assert session.call("print(6 * 7)").stdout == "42\n"


def test_network_is_unreachable(session):
    r = session.call(case("network"))
    assert r.error is not None and "OSError" in r.error


def test_writes_outside_the_session_dir_are_denied(session):
    r = session.call(case("write_outside"))
    assert "WROTE" not in r.stdout and r.stdout.count("denied") == 4


def test_ignoring_the_alarm_is_killed_and_state_is_rebuilt(session):
    assert session.call("kept = 'yes'").ok
    r = session.call(case("escape_timeout"))
    assert r.timeout and "killed and rebuilt" in (r.error or "")
    assert session.call("print(kept)").stdout == "yes\n"


def test_another_session_cannot_see_this_one(session, docker_client):
    assert session.call("open('/box/state.txt','w').write('SECRET'); SECRET_VAR = 1").ok
    with PythonSession(LIMITS, client=docker_client) as other:
        r = other.call(case("read_others"))
        assert r.ok and r.stdout.splitlines()[-1] == "False"
        assert "NameError" in (other.call("SECRET_VAR").error or "")


def test_cap_then_answer_without_tool(docker_client):
    with PythonSession(ToolLimits(timeout=3.0, max_calls=2), client=docker_client) as s:
        assert s.call("a = 1").ok and s.call("a += 1").ok
        r = s.call("print(a)")
        assert r.capped and "limit reached" in (r.error or "")


def test_output_is_truncated_to_the_limit(docker_client):
    with PythonSession(ToolLimits(timeout=5.0, output_chars=100), client=docker_client) as s:
        r = s.call("print('x' * 10000)")
        assert r.truncated and len(r.stdout) < 200 and "truncated" in r.stdout


def test_replay_rebuilds_state_in_a_fresh_session(docker_client):
    with PythonSession(LIMITS, client=docker_client) as s:
        s.replay(["import math", "v = math.factorial(5)"])
        assert s.call("print(v)").stdout == "120\n"
        assert s.calls == 3
