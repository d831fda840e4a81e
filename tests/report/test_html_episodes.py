"""The HTML drill-down shows a multi-step episode as it happened.

Rule (evalkit/report/episodes.py): a sample of a protocol run shows every model step
with its label, the actions taken between steps (by the step count when each ran), the
verdicts the protocol asked for and the outcome, in that order; the sample's answer is
the final step's, not its first.
"""

from __future__ import annotations

import io
import json
import sys
import types

import pytest
from rich.console import Console

from evalkit.benchmarks.math import MathAnswerOptions
from evalkit.episodes import Episode, Protocol
from evalkit.pipeline import RunConfig, start
from evalkit.report.episodes import RunEpisodes, timeline
from evalkit.report.html import render_report
from evalkit.report.table import build_leaderboard
from evalkit.results import load_run

PID = "aime_2025_I-1"


class Trajectory(Protocol):
    """An agent-like episode: a turn, a command, a turn, then the recorded answer."""

    name = "trajectory"

    def run(self, ep: Episode) -> None:
        (first,) = ep.generate([{"role": "user", "content": "go"}], label="turn")
        out = ep.act("command", lambda: {"output": "ls: 3 files", "returncode": 0})
        (second,) = ep.generate([{"role": "user", "content": "go"},
                                 first.assistant_turn(),
                                 {"role": "user", "content": out["output"]}], label="turn")
        ep.judge(second)
        ep.finish(final=ep.record(second.response, label="answer"), metrics={"turns": 2})


@pytest.fixture
def episode_run(tmp_path, monkeypatch):
    m = types.ModuleType("evalkit.protocols.trajectory")
    m.PROTOCOL = Trajectory  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "evalkit.protocols.trajectory", m)
    monkeypatch.setattr(MathAnswerOptions, "PROTOCOLS", ("trajectory",))
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": PID, "step": 0, "response": "let me look"})
                    + "\n" + json.dumps({"problem_id": PID, "step": 1,
                                         "response": "FINAL \\boxed{7}"}) + "\n")
    start(RunConfig(benchmark="aime2025", backend="replay", generations=gens,
                    out=tmp_path / "run", workers=1, problems=[PID],
                    options={"protocol": "trajectory"}), Console(file=io.StringIO()))
    return tmp_path / "run"


def test_the_timeline_interleaves_steps_and_actions_as_they_happened(episode_run):
    rows = [h for h, _ in timeline(RunEpisodes.load(episode_run), (PID, 0))]
    assert rows[0].startswith("step 0: turn")
    assert rows[1] == "action 0: command"
    assert rows[2].startswith("step 1: turn")
    assert rows[3].startswith("step 2: answer (recorded")
    assert rows[4] == "verdict on step 1" and rows[5] == "outcome"


def test_the_report_shows_the_episode_and_the_final_answer(episode_run):
    run = load_run(episode_run)
    page = render_report(build_leaderboard([run], resamples=20), [run])
    assert "episode: 3 steps" in page
    assert page.index("step 0: turn") < page.index("action 0: command") \
        < page.index("step 1: turn")
    assert "ls: 3 files" in page
    # The sample's answer is the final (recorded) step's, not step 0's.
    answer = page.split('<pre class="answer">', 1)[1].split("</pre>", 1)[0]
    assert "FINAL" in answer and "let me look" not in answer


def test_single_shot_runs_have_no_episode_section(tmp_path):
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": PID, "response": "\\boxed{1}"}) + "\n")
    start(RunConfig(benchmark="aime2025", backend="replay", generations=gens,
                    out=tmp_path / "run", workers=1, problems=[PID]),
          Console(file=io.StringIO()))
    assert RunEpisodes.load(tmp_path / "run") is None
    run = load_run(tmp_path / "run")
    assert "episode:" not in render_report(build_leaderboard([run], resamples=20), [run])
