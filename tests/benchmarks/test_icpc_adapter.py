"""The ICPC adapter without Docker: data errors, prompts, summary contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.records import Judgement

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "benchmarks" / "icpc_sample" / "problems"


def test_wf2025_without_data_says_to_pass_data():
    with pytest.raises(EvalkitError, match="--data DIR"):
        load_benchmark("icpc_wf2025").problems()


def test_data_without_time_limit_names_the_problem(tmp_path):
    shutil.copytree(PROBLEMS / "hello", tmp_path / "hello")
    with pytest.raises(EvalkitError, match=r"hello.*no time limit"):
        load_benchmark("icpc_wf2025", tmp_path).problems()


def test_prompts_carry_statement_limits_and_interaction():
    problems = {p.id: p for p in load_benchmark("icpc_sample").problems()}
    assert set(problems) == {"hello", "different", "fltcmp", "guess", "boolfind"}
    guess = problems["guess"].messages[0]["content"]
    assert "Guess the Number" in guess and "interactive" in guess and "Time limit: 1 " in guess
    assert "interactive" not in problems["hello"].messages[0]["content"].split("# Problem")[0]
    assert "Memory limit: 512 MiB" in problems["hello"].messages[0]["content"]
    assert all(p.reference and p.reference.startswith("```cpp") for p in problems.values())


def judgement(pid: str, sample: int, verdict: str, je: bool = False) -> Judgement:
    return Judgement(pid, sample, "k", verdict, 1.0 if verdict == "AC" else 0.0, 1.0,
                     judge_error="boom" if je else None)


def test_summary_counts_solved_at_k_and_keeps_judge_errors_apart():
    b = load_benchmark("icpc_sample")
    problems = b.problems()
    js = {}
    for i, v in enumerate(["WA", "JE", "AC"]):  # hello: AC is the 2nd real submission
        js[("hello", i)] = judgement("hello", i, v, je=v == "JE")
    js[("guess", 0)] = judgement("guess", 0, "AC")
    js[("fltcmp", 0)] = judgement("fltcmp", 0, "TLE")
    s = b.summarize(problems, js)
    assert s["score"] == 2 and s["max_score"] == 5
    assert s["metrics"]["solved@1"] == 1 and s["metrics"]["solved@10"] == 2
    assert s["metrics"]["judge_errors"] == 1
    assert s["metrics"]["problems"]["hello"]["first_accepted"] == 2
    assert s["headline"] == {"name": "problems solved", "unit": "problems", "aggregate": "sum",
                             "value": 2.0, "max": 5.0, "problems": 5}
    assert s["problems"]["guess"] == {"value": 1.0, "max": 1.0}
    b.render(s)  # renders without error
