"""The ICPC adapter without Docker: data errors, prompts, summary contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pdfs import pdf_bytes

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.records import Judgement

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "benchmarks" / "icpc_sample" / "problems"


def test_wf2025_without_data_says_to_pass_data():
    with pytest.raises(EvalkitError, match="--data DIR"):
        load_benchmark("icpc_wf2025").problems()


def test_data_without_time_limit_names_the_problem(tmp_path):
    shutil.copytree(PROBLEMS / "hello", tmp_path / "hello",
                    ignore=shutil.ignore_patterns("submissions"))
    with pytest.raises(EvalkitError, match=r"every package was refused.*hello.*no time limit"
                       r".*no accepted submission to derive it from"):
        load_benchmark("icpc_wf2025", tmp_path).problems()


def _two_packages(tmp: Path, bad_yaml: str) -> Path:
    for name in ("hello", "fltcmp"):
        shutil.copytree(PROBLEMS / name, tmp / name,
                        ignore=shutil.ignore_patterns("submissions"))
    (tmp / "hello" / ".timelimit").write_text("1\n")
    (tmp / "fltcmp" / "problem.yaml").write_text(bad_yaml)
    return tmp


def test_a_bad_package_is_refused_and_the_others_go_on(tmp_path):
    b = load_benchmark("icpc_wf2025", _two_packages(tmp_path, "name: F\nlimits:\n  mmory: 9\n"))
    problems = b.problems()
    assert [p.id for p in problems] == ["hello"]
    assert "fltcmp" in b.refused and "did you mean 'limits.memory'" in b.refused["fltcmp"]
    s = b.summarize(problems, {("hello", 0): judgement("hello", 0, "AC")})
    assert s["score"] == 1 and s["max_score"] == 2  # refused counts as unsolved
    assert s["metrics"]["refused"] == {"fltcmp": b.refused["fltcmp"]}
    assert s["metrics"]["problems"]["fltcmp"]["solved"] is False
    b.render(s)


def test_scoring_problems_are_refused_with_the_reason(tmp_path):
    b = load_benchmark("icpc_wf2025", _two_packages(tmp_path, "name: F\ntype: scoring\n"))
    b.problems()
    assert "scoring problem" in b.refused["fltcmp"] and "pass-fail" in b.refused["fltcmp"]


def test_sample_only_package_is_refused_saying_so_unless_judged_on_samples(tmp_path):
    shutil.copytree(PROBLEMS / "different", tmp_path / "different",
                    ignore=shutil.ignore_patterns("submissions", "secret"))
    (tmp_path / "different" / ".timelimit").write_text("1\n")
    with pytest.raises(EvalkitError, match=r"data/secret: no test cases.*sample data only.*"
                                           r"judge_on=samples"):
        load_benchmark("icpc_wf2025", tmp_path).problems()
    b = load_benchmark("icpc_wf2025", tmp_path, {"judge_on": "samples"})
    assert [p.id for p in b.problems()] == ["different"]
    assert [t.name for t in b.packages()["different"].tests] == ["sample/1"]
    with pytest.raises(EvalkitError, match="judge_on"):
        load_benchmark("icpc_wf2025", tmp_path, {"judge_on": "everything"})


def test_pdf_statement_is_the_prompt_and_no_statement_is_not_required(tmp_path):
    pytest.importorskip("pypdf")
    prob = tmp_path / "hello"
    shutil.copytree(PROBLEMS / "hello", prob, ignore=shutil.ignore_patterns(
        "submissions", "problem_statement", "statement"))
    (prob / ".timelimit").write_text("1\n")
    (p,) = load_benchmark("icpc_wf2025", tmp_path).problems()  # no statement: still loads
    assert "no statement" in p.messages[0]["content"]
    (prob / "problem.pdf").write_bytes(pdf_bytes(["Print the words Hello World"]))
    (p,) = load_benchmark("icpc_wf2025", tmp_path).problems()
    assert "Print the words Hello World" in p.messages[0]["content"]


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


def test_a_language_without_toolchain_is_a_one_line_judge_error():
    from evalkit.benchmarks.base import JudgeContext
    from evalkit.records import Generation

    b = load_benchmark("icpc_sample")
    problem = next(p for p in b.problems() if p.id == "hello")
    b._toolchains = {"c": "gcc 12", "cpp": "g++ 12", "java": None, "kotlin": None,
                     "python3": "3.11", "pypy3": "3.9"}
    gen = Generation(problem_id="hello", sample=0,
                     response="```kotlin\nfun main() = println(\"Hello World!\")\n```\n")
    j = b.judge(problem, gen, JudgeContext(), "k")  # no sandbox needed to refuse
    assert j.verdict == "JE" and j.judge_error is not None
    assert "no Kotlin (kotlinc 1.3) toolchain" in j.judge_error and "\n" not in j.judge_error
