"""IOI contest mode (evalkit/protocols/contest.py), specified on ioi2024_sample's aplusb.

The recorded contest (``contest_file``): two candidates per round, the bundled
solutions whose scores EXPECTED.json gives, improving round by round:

- round 1: wrong.cpp (0), crash.cpp (0): both compile, both fail the examples, so
  the first in generation order is submitted (0 points);
- round 2: bzero.cpp (30: right only when B = 0, so it fails both examples), then
  an answer with no program: bzero is submitted (30);
- round 3: loop.cpp (fails the examples: time limit), the model solution (passes
  them): the model solution is submitted although it came second (100: stop);
- round 4: recorded, never asked for (the contest stopped at full score).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.episodes import Journal
from evalkit.errors import EvalkitError
from evalkit.jsonl import read_jsonl
from evalkit.judging.cms import feedback
from evalkit.judging.cms.package import load_task
from evalkit.pipeline import RunConfig, rejudge, start
from evalkit.records import Generation, Judgement
from evalkit.run import RunStore

REPO = Path(__file__).resolve().parents[2]
APLUSB = REPO / "benchmarks" / "ioi2024_sample" / "tasks" / "aplusb"
EXPECTED = json.loads((APLUSB / "solutions" / "EXPECTED.json").read_text())
K = 2
ROUNDS = [["incorrect/wrong.cpp", "runtime_error/crash.cpp"],
          ["partially_correct/bzero.cpp", None],
          ["time_limit/loop.cpp", "model_solution/aplusb.cpp"],
          ["model_solution/aplusb.cpp", "model_solution/aplusb.cpp"]]
OPTIONS = {"protocol": "contest", "contest.rounds": 4, "contest.candidates": K}


def program(rel: str | None) -> str:
    if rel is None:
        return "I could not find a solution."
    return "```cpp\n" + (APLUSB / "solutions" / rel).read_text() + "```\n"


@pytest.fixture(scope="module")
def contest_file(tmp_path_factory) -> Path:
    """The recorded contest: round r's candidates are steps r*K .. r*K+K-1."""
    path = tmp_path_factory.mktemp("contest") / "rounds.jsonl"
    path.write_text("".join(
        json.dumps({"problem_id": "aplusb", "sample": 0, "step": r * K + i,
                    "response": program(rel)}) + "\n"
        for r, cands in enumerate(ROUNDS) for i, rel in enumerate(cands)))
    return path


def run(out: Path, gens: Path, **options: Any) -> dict[str, Any]:
    cfg = RunConfig(benchmark="ioi2024_sample", backend="replay", generations=gens, out=out,
                    workers=1, problems=["aplusb"], options={**OPTIONS, **options})
    return start(cfg, Console(file=io.StringIO(), width=200))


@pytest.fixture(scope="module")
def contest_run(contest_file, tmp_path_factory, docker_client) -> tuple[Path, dict[str, Any]]:
    """The recorded contest, run once for the tests of this module."""
    out = tmp_path_factory.mktemp("contest-run") / "run"
    return out, run(out, contest_file)


def steps(out: Path) -> dict[int, Generation]:
    return {g.step: g for g in RunStore(out).all_generations()}


def journal_judgements(out: Path) -> dict[int, Judgement]:
    rec = Journal(out).read()[("aplusb", 0)]
    return {s: Judgement.from_json(r["judgement"]) for s, r in rec.judges.items()}


@pytest.mark.docker
def test_the_score_rises_across_rounds_and_the_contest_stops_at_full_score(contest_run):
    out, summary = contest_run
    assert summary["score"] == 100
    t = summary["protocol"]["metrics"]["tasks"]["aplusb"]
    assert t["score_after_round"] == [0, 30, 100]
    assert (t["rounds"], t["submissions"], t["stopped"]) == (3, 3, {"full score": 1})
    assert t["examples"] == 2  # aplusb's 00-samples: 0-01, 0-02
    # Round 4 was recorded but never asked for.
    gens = steps(out)
    assert sorted(gens) == list(range(3 * K))
    assert [gens[s].meta["label"] for s in sorted(gens)] == ["round0"] * K + ["round1"] * K \
        + ["round2"] * K
    # Submitted: steps 0, 2 and 5 (the model solution came second in round 3), each with
    # the score EXPECTED.json gives its file.
    judged = journal_judgements(out)
    assert {s: j.score for s, j in judged.items()} == {
        0: EXPECTED["solutions/incorrect/wrong.cpp"],
        2: EXPECTED["solutions/partially_correct/bzero.cpp"],
        5: EXPECTED["solutions/model_solution/aplusb.cpp"]}
    # The episode's judgement is the contest's: IOI's best subtasks over its submissions.
    j = RunStore(out).judgements()[("aplusb", 0)]
    assert (j.score, j.verdict, j.step) == (100, "AC", 5)
    assert [s["step"] for s in j.details["submissions"]] == [0, 2, 5]


@pytest.mark.docker
def test_each_round_is_asked_with_every_earlier_submission_and_its_feedback(contest_run):
    out, _ = contest_run
    gens = steps(out)
    prompt = load_benchmark("ioi2024_sample").problems()[0].messages
    conv = gens[4].conversation(prompt, list(gens.values()))
    assert conv[0] == prompt[0]
    assert [m["role"] for m in conv] == ["user", "assistant", "user", "assistant", "user"]
    assert conv[1]["content"] == program(ROUNDS[0][0])
    assert conv[3]["content"] == program(ROUNDS[1][0])
    judged = journal_judgements(out)
    task = load_task(APLUSB)
    for turn, step in ((conv[2], 0), (conv[4], 2)):
        shown = feedback.render(task, judged[step].verdict, judged[step].details,
                                "oi_restricted")
        assert shown in turn["content"]
    assert "Your submission 2 (of at most 50)" in conv[4]["content"]
    assert "Your score on this task is now 30 / 100" in conv[4]["content"]
    # Both candidates of a round were asked with the same conversation.
    assert gens[5].conversation(prompt, list(gens.values())) == conv


# bzero.cpp returns A: right on the tests with B = 0 (all of subtask 2), wrong on the
# examples (1 1 -> 2, 2 3 -> 5). As CMS shows it at oi_restricted (the level
# aplusb's problem.json sets): a subtask below full shows only its first lowest test,
# a full one all its tests, without time and memory.
BZERO_OI_RESTRICTED = """\
Subtask 0 (0 / 0)
| # | Outcome | Details |
| --- | --- | --- |
| 1 | Not correct | Wrong answer: expected 2, found 1 |

Subtask 1 (0 / 20)
| # | Outcome | Details |
| --- | --- | --- |
| 1 | Not correct | Wrong answer: expected 2, found 1 |

Subtask 2 (30 / 30)
| # | Outcome | Details |
| --- | --- | --- |
| 1 | Correct | Output is correct |
| 2 | Correct | Output is correct |
| 3 | Correct | Output is correct |
| 4 | Correct | Output is correct |
| 5 | Correct | Output is correct |
| 6 | Correct | Output is correct |

Subtask 3 (0 / 50)
| # | Outcome | Details |
| --- | --- | --- |
| 1 | Not correct | Wrong answer: expected 2, found 1 |"""


@pytest.mark.docker
def test_feedback_of_a_judged_submission_is_what_each_cms_level_shows(contest_run):
    out, _ = contest_run
    j = journal_judgements(out)[2]  # bzero.cpp
    task = load_task(APLUSB)
    assert feedback.render(task, j.verdict, j.details, "oi_restricted") == BZERO_OI_RESTRICTED
    restricted = feedback.render(task, j.verdict, j.details, "restricted")
    # restricted: up to and including the first lowest test; the rest are N/A rows.
    sub1 = restricted.split("Subtask 1 (0 / 20)\n")[1].split("\n\n")[0].splitlines()[2:]
    assert sub1 == ["| 1 | Not correct | Wrong answer: expected 2, found 1 |"] + \
        [f"| {i} | N/A |" for i in range(2, 11)]
    full = feedback.render(task, j.verdict, j.details, "full")
    sub1 = full.split("Subtask 1 (0 / 20)\n")[1].split("\n\n")[0].splitlines()
    assert sub1[0] == "| # | Outcome | Details | Execution time | Memory used |"
    rows = [r.split(" | ") for r in sub1[2:]]
    # Right exactly where B = 0 (the input's second line is "A B").
    b_zero = [(APLUSB / "tests" / f"{c}.in").read_text().splitlines()[1].split()[1] == "0"
              for c in task.subtasks[1].testcases]
    assert [r[1] for r in rows] == ["Correct" if z else "Not correct" for z in b_zero]
    assert 0 < sum(b_zero) < len(b_zero)
    assert all(r[3].endswith(" s") and r[4].rstrip(" |").endswith(("B", "KiB", "MiB"))
               for r in rows)


def test_feedback_levels_on_known_outcomes():
    """A subtask scored below full: the first lowest test decides what is shown."""
    task = load_task(APLUSB)
    codes = task.subtasks[1].testcases  # 10 tests
    tests = {c: {"outcome": 1.0, "verdict": "AC", "time": 0.01, "memory_kb": 3000,
                 "message": "Output is correct"} for c in task.tests}
    tests[codes[2]] = {"outcome": 0.0, "verdict": "TLE", "time": 1.02, "memory_kb": 2000,
                       "message": "time limit exceeded (CPU; 1.020s CPU, 1.100s wall)"}
    tests[codes[4]] = {"outcome": 0.0, "verdict": "RE", "time": 0.0, "memory_kb": 2000,
                       "message": "killed by signal 11"}
    tests[codes[6]] = {"outcome": 0.0, "verdict": "MLE", "time": 0.3,
                       "memory_kb": 2 * 1024 * 1024, "message": "memory limit exceeded"}
    subs = [{"name": s.name, "points": s.score,
             "fraction": min(tests[c]["outcome"] for c in s.testcases),
             "score": s.score * min(tests[c]["outcome"] for c in s.testcases)}
            for s in task.subtasks]
    details = {"compiled": True, "subtasks": subs, "tests": tests}

    def subtask1(level: str) -> list[str]:
        text = feedback.render(task, "TLE", details, level)
        return text.split("Subtask 1 (0 / 20)\n")[1].split("\n\n")[0].splitlines()[2:]

    ok = "| {} | Correct | Output is correct |"
    # The first lowest (outcome 0) is the third test: CMS's timeout text.
    assert subtask1("oi_restricted") == ["| 3 | Not correct | Execution timed out |"]
    assert subtask1("restricted") == [ok.format(1), ok.format(2),
                                      "| 3 | Not correct | Execution timed out |"] + \
        [f"| {i} | N/A |" for i in range(4, 11)]
    full = subtask1("full")
    assert full[2] == "| 3 | Not correct | Execution timed out | > 1.000 s | 1.95 MiB |"
    assert full[4] == "| 5 | Not correct | Execution killed by signal | 0.000 s | 1.95 MiB |"
    assert full[6] == "| 7 | Not correct | Memory limit exceeded | 0.300 s | 2.00 GiB |"
    assert full[0] == "| 1 | Correct | Output is correct | 0.010 s | 2.93 MiB |"
    assert len(full) == 10
    # Subtask 2 (all its tests correct) shows every test at every level.
    for level in feedback.FEEDBACK_LEVELS:
        text = feedback.render(task, "TLE", details, level)
        sub2 = text.split("Subtask 2 (30 / 30)\n")[1].split("\n\n")[0].splitlines()[2:]
        assert len(sub2) == len(task.subtasks[2].testcases)
    # A submission that did not compile: what the compiler said.
    assert feedback.render(task, "CE", {"compiled": False, "message": "x.cpp:1: error"},
                           "oi_restricted") == "Compilation failed\nx.cpp:1: error"


def test_the_feedback_level_defaults_to_the_package_then_to_cms_default(tmp_path):
    task = load_task(APLUSB)
    assert task.feedback_level == "oi_restricted"  # IOI 2024's problem.json
    assert feedback.task_level(task, "package") == "oi_restricted"
    assert feedback.task_level(task, "full") == "full"
    from dataclasses import replace

    assert feedback.task_level(replace(task, feedback_level=None), "package") == "restricted"


@pytest.mark.docker
def test_the_submission_cap_ends_the_contest(contest_file, tmp_path, docker_client):
    s = run(tmp_path / "run", contest_file, **{"contest.max_submissions": 2})
    t = s["protocol"]["metrics"]["tasks"]["aplusb"]
    assert t["score_after_round"] == [0, 30]
    assert (t["rounds"], t["submissions"], t["stopped"]) == (2, 2, {"submission cap": 1})
    assert s["score"] == 30
    assert sorted(steps(tmp_path / "run")) == list(range(2 * K))


@pytest.mark.docker
def test_a_contest_cannot_be_rejudged(contest_run):
    out, _ = contest_run
    with pytest.raises(EvalkitError, match="cannot be re-judged alone"):
        rejudge(out, 1, Console(file=io.StringIO()), force=True)


@pytest.mark.docker
def test_console_table_and_report_plot_show_the_rounds(contest_run):
    from evalkit.report.html import render_report
    from evalkit.report.table import build_leaderboard
    from evalkit.results import load_run

    out, summary = contest_run
    buf = io.StringIO()
    Console(file=buf, width=200).print(load_benchmark("ioi2024_sample").render(summary))
    text = buf.getvalue()
    assert "r1 0 → r2 30 → r3 100" in text and "full score:1" in text
    r = load_run(out)
    page = render_report(build_leaderboard([r], resamples=20), [r])
    fig = page.split('<figure data-kind="contest">')[1].split("</figure>")[0]
    assert "score after each round" in fig and fig.count("<circle") == 2 * 3  # total, aplusb


def test_a_task_without_examples_is_said_to_be_ranked_by_compiles_only():
    from evalkit.report.console import ioi_contest

    task = {"score": 0.0, "max_score": 100, "rounds": 2, "submissions": 2,
            "score_after_round": [0.0, 0.0], "stopped": {"rounds": 1},
            "feedback_level": "restricted", "examples": 0}
    buf = io.StringIO()
    Console(file=buf, width=200).print(ioi_contest({
        "params": {"rounds": 2, "candidates": 3, "max_submissions": 50,
                   "selection": "examples"},
        "metrics": {"tasks": {"bare": task}, "score_after_round": [0.0, 0.0]}}))
    assert "no examples in the package of bare: its candidates were ranked by 'compiles' " \
        "only" in buf.getvalue()


@pytest.mark.parametrize(("key", "value", "message"), [
    ("contest.rounds", 0, "contest.rounds must be at least 1"),
    ("contest.feedback", "verbose", "contest.feedback is 'verbose'"),
    ("contest.selection", "longest", "contest.selection is 'longest'"),
])
def test_bad_contest_options_are_one_line_errors(key, value, message):
    with pytest.raises(EvalkitError, match=message):
        load_benchmark("ioi2024_sample", options={"protocol": "contest", key: value})


def test_a_template_with_an_unknown_placeholder_is_refused(tmp_path):
    from evalkit.pipeline import benchmark_protocol

    bad = tmp_path / "t.md"
    bad.write_text("<!-- section: submitted -->\n{feedback} {score_so_far}\n"
                   "<!-- section: not submitted -->\n{feedback}\n")
    bench = load_benchmark("ioi2024_sample", options={"protocol": "contest",
                                                      "contest.prompt": str(bad)})
    with pytest.raises(EvalkitError, match=r"t.md: section 'submitted': unknown placeholder "
                                           r"\{score_so_far\}"):
        benchmark_protocol(bench)


# -- a real subprocess killed mid-round ------------------------------------------------
def evalkit(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                            env={**(env or os.environ), "PYTHONPATH": str(REPO)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def contest_args(*extra: str) -> list[str]:
    sets = [x for k, v in OPTIONS.items() for x in ("--set", f"{k}={v}")]
    return ["run", "ioi2024_sample", "--problems", "aplusb", "--workers", "1", "--seed", "1",
            *sets, *extra]


@pytest.mark.docker
@pytest.mark.slow
def test_kill_9_mid_round_then_resume_equals_the_uninterrupted_contest(
        contest_file, contest_run, tmp_path):
    out = tmp_path / "killed"
    args = contest_args("--backend", "replay", "--generations", str(contest_file),
                        "--out", str(out))
    proc = evalkit(*args)
    journal = out / "episodes.jsonl"
    deadline = time.monotonic() + 300
    # Mid-round 2: its candidates generated, the first checked, nothing judged yet.
    while time.monotonic() < deadline and not any(
            r.get("label") == "round1.check0" for r in _lines(journal)):
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _lines(journal)
    assert not any(r["kind"] == "final" for r in before)

    again = evalkit(*args)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err[-3000:]
    after = _lines(journal)
    assert after[:len(before)] == before  # kept, not redone
    acts = [r["label"] for r in after if r["kind"] == "act"]
    assert len(acts) == len(set(acts)), "an action was stored twice"
    judged = [r["step"] for r in after if r["kind"] == "judge"]
    assert judged == [0, 2, 5]

    clean_out, clean = contest_run
    resumed = json.loads((out / "summary.json").read_text())
    for key in ("score", "metrics", "problems"):
        assert resumed[key] == clean[key]
    assert resumed["protocol"]["metrics"] == clean["protocol"]["metrics"]
    a, b = RunStore(out).judgements()[("aplusb", 0)], RunStore(clean_out).judgements()[
        ("aplusb", 0)]
    assert (a.score, a.step, a.details) == (b.score, b.step, b.details)


def _lines(path: Path) -> list[dict[str, Any]]:
    return list(read_jsonl(path)) if path.exists() else []


# -- real CPU vLLM ---------------------------------------------------------------------
@pytest.mark.docker
@pytest.mark.slow
def test_real_vllm_contest_rounds_carry_the_earlier_feedback(tiny_model, engine_env,
                                                             tmp_path):
    from transformers import AutoTokenizer

    out = tmp_path / "vllm"
    proc = evalkit(*contest_args("--backend", "vllm", "--model", str(tiny_model), "--preset",
                                 "tiny-chatml", "--max-tokens", "48", "--set",
                                 "contest.rounds=3", "--out", str(out)), env=engine_env)
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err[-3000:]
    gens = steps(out)
    assert sorted(gens) == list(range(3 * K))
    assert [gens[s].meta["label"] for s in range(3 * K)] == \
        ["round0", "round0", "round1", "round1", "round2", "round2"]
    final = Journal(out).finals()[("aplusb", 0)]
    # A random model writes no program: three rounds, nothing to submit.
    assert final.metrics["rounds"] == 3 and final.metrics["submissions"] == 0
    assert final.metrics["stopped"] == "rounds"
    prompt = load_benchmark("ioi2024_sample").problems()[0].messages
    conv = gens[4].conversation(prompt, list(gens.values()))
    told = [m["content"] for m in conv if m["role"] == "user"][1:]
    assert len(told) == 2 and all("so nothing was submitted" in t for t in told)
    assert "in round 1 compiled" in told[0] and "in round 2 compiled" in told[1]
    # The engine was sent exactly that conversation (its prompt length is the template's).
    tok = AutoTokenizer.from_pretrained(tiny_model)
    for s in (0, 2, 4):
        text = tok.apply_chat_template(gens[s].conversation(prompt, list(gens.values())),
                                       tokenize=False, add_generation_prompt=True,
                                       enable_thinking=True)
        assert gens[s].prompt_tokens == len(tok.encode(text, add_special_tokens=False))
    assert gens[0].prompt_tokens < gens[2].prompt_tokens < gens[4].prompt_tokens
