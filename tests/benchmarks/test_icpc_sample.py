"""`icpc_sample` end to end: real Kattis/DOMjudge packages, real compilers, real Docker.

Every solution in ``submissions/`` must get the verdict its folder names
(``submissions/EXPECTED.json``): accepted, wrong answer, time limit, run-time
error, memory and output limits, compile errors, for default, float-tolerance,
custom and interactive validation, in C++, Python 3 and PyPy.  A validator
that exits 0 is a judge error, never a wrong answer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir

pytestmark = [pytest.mark.docker, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "benchmarks" / "icpc_sample" / "problems"
NAMES = ["hello", "different", "fltcmp", "guess", "boolfind"]


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


TAGS = {".c": "c", ".cpp": "cpp", ".java": "java", ".kt": "kotlin", ".py": "python"}
LANGUAGE = {".c": "c", ".cpp": "cpp", ".java": "java", ".kt": "kotlin", ".py": "pypy3"}


def fenced(path: Path) -> str:
    tag = TAGS[path.suffix]
    return (f"<think>first idea\n```{tag}\nbroken(\n```\n</think>"
            f"Final program:\n\n```{tag}\n{path.read_text()}\n```\n")


def replay_file(tmp: Path, skip: tuple[str, ...] = ()
                ) -> tuple[Path, dict[tuple[str, int], tuple[str, str]]]:
    """Every known solution as a generation: rejected ones first, then accepted ones."""
    lines, expected = [], {}
    for name in NAMES:
        exp = json.loads((PROBLEMS / name / "submissions" / "EXPECTED.json").read_text())
        exp = {rel: v for rel, v in exp.items() if Path(rel).suffix not in skip}
        order = sorted(exp, key=lambda rel: (exp[rel] == "AC", rel))
        for sample, rel in enumerate(order):
            lines.append({"problem_id": name, "sample": sample,
                          "response": fenced(PROBLEMS / name / rel)})
            expected[(name, sample)] = (rel, exp[rel])
    path = tmp / "gens.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path, expected


def test_reference_solutions_solve_everything(tmp_path, docker_client):
    summary = start(RunConfig(benchmark="icpc_sample", backend="reference", out=tmp_path / "r",
                              workers=2), quiet())
    assert summary["score"] == summary["max_score"] == 5
    assert summary["headline"]["name"] == "problems solved"
    assert summary["metrics"]["solved@1"] == 5


@pytest.fixture(scope="module")
def solutions_run(tmp_path_factory, docker_client):
    tmp = tmp_path_factory.mktemp("icpc-solutions")
    gens, expected = replay_file(tmp)
    out = tmp / "run"
    summary = start(RunConfig(benchmark="icpc_sample", backend="replay", generations=gens,
                              out=out, workers=2), quiet())
    return summary, RunDir(out), expected


def test_every_solution_gets_the_verdict_of_its_folder(solutions_run):
    _, rd, expected = solutions_run
    judged = rd.judgements()
    assert set(judged) == set(expected)
    wrong = {rel: (want, judged[key].verdict, judged[key].details.get("failed_test"))
             for key, (rel, want) in expected.items() if judged[key].verdict != want}
    assert not wrong
    # Kattis conventions: memory exhaustion is RTE, so there is no MLE label.
    assert {"AC", "WA", "TLE", "RTE", "OLE", "CE"} <= {v for _, v in expected.values()}


def test_no_judge_errors_and_languages_as_written(solutions_run):
    _, rd, expected = solutions_run
    for key, j in rd.judgements().items():
        assert j.judge_error is None, (expected[key], j.judge_error)
        if j.verdict != "CE":
            assert j.details["language"] == LANGUAGE[Path(expected[key][0]).suffix]


def test_first_failure_stops_judging(solutions_run):
    _, rd, expected = solutions_run
    for j in rd.judgements().values():
        if j.verdict not in ("AC", "CE"):
            # The failing test is the last one run.
            assert j.details["tests_run"] <= j.details["tests_total"]
            assert j.details["failed_test"] is not None
            assert list(j.details["tests"].values())[-1]["verdict"] == j.verdict
    # boolfind's linear scan passes the small rows and fails on a long one.
    lin = next(j for k, j in rd.judgements().items()
               if expected[k][0].endswith("linear_scan.cpp"))
    assert lin.details["failed_test"] == "secret/2" and lin.details["tests_run"] == 2


def test_solved_at_k_counts_the_first_accepted_position(solutions_run):
    summary, _, expected = solutions_run
    m = summary["metrics"]
    rejected = {n: sum(1 for (p, _), (_, v) in expected.items() if p == n and v != "AC")
                for n in NAMES}
    for n in NAMES:
        assert m["problems"][n]["first_accepted"] == rejected[n] + 1
    assert m["solved@1"] == 0
    assert m["solved@10"] == sum(1 for n in NAMES if rejected[n] + 1 <= 10)
    assert m["solved@all"] == summary["score"] == 5


def _package_with_validator(tmp: Path, code: str) -> Path:
    root = tmp / "data"
    prob = root / "hello"
    shutil.copytree(PROBLEMS / "hello", prob)
    (prob / "problem.yaml").write_text(
        "name: Hello\nvalidation: custom\nlimits:\n  memory: 512\n  time_limit: 1\n")
    vdir = prob / "output_validators" / "v"
    vdir.mkdir(parents=True)
    (vdir / "validate.py").write_text(code)
    return root


def test_validator_exiting_zero_is_a_judge_error_not_a_wrong_answer(tmp_path, docker_client):
    data = _package_with_validator(tmp_path, "import sys\nsys.stdin.read()\nsys.exit(0)\n")
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": "hello", "sample": 0, "response": fenced(
        PROBLEMS / "hello" / "submissions" / "accepted" / "hello.cpp")}) + "\n")
    summary = start(RunConfig(benchmark="icpc_wf2025", backend="replay", data=data,
                              generations=gens, out=tmp_path / "run", workers=1), quiet())
    (j,) = RunDir(tmp_path / "run").judgements().values()
    assert j.verdict == "JE" and j.judge_error and "exit code 0" in j.judge_error
    assert summary["metrics"]["judge_errors"] == 1
    assert summary["metrics"]["problems"]["hello"]["verdicts"] == {"JE": 1}


def test_custom_python_validator_accepts_and_rejects(tmp_path, docker_client):
    code = ("import sys\nout = sys.stdin.read().split()\n"
            "ans = open(sys.argv[2]).read().split()\n"
            "open(sys.argv[3] + 'judgemessage.txt', 'w').write('checked')\n"
            "sys.exit(42 if out == ans else 43)\n")
    data = _package_with_validator(tmp_path, code)
    sub = PROBLEMS / "hello" / "submissions"
    gens = tmp_path / "g.jsonl"
    rels = ["accepted/hello.py", "accepted/lowercase.py"]
    gens.write_text("".join(json.dumps({"problem_id": "hello", "sample": i, "response": fenced(
        sub / rel)}) + "\n" for i, rel in enumerate(rels)))
    start(RunConfig(benchmark="icpc_wf2025", backend="replay", data=data, generations=gens,
                    out=tmp_path / "run", workers=1), quiet())
    judged = RunDir(tmp_path / "run").judgements()
    # This validator is case-sensitive, unlike the default one.
    assert judged[("hello", 0)].verdict == "AC"
    assert judged[("hello", 1)].verdict == "WA"
    assert judged[("hello", 1)].details["tests"]["secret/hello"]["message"] == "checked"


def test_the_manifest_records_toolchain_versions_and_time_limits(solutions_run):
    _, rd, _ = solutions_run
    env = json.loads(rd.manifest_path.read_text())["judge_environment"]
    tools = env["toolchains"]
    assert {"c", "cpp", "java", "kotlin", "python3"} <= set(tools)
    assert all(tools[k] for k in ("c", "cpp", "python3")), tools  # in the judge image
    assert "hello" in env["time_limits"]
    assert all(t["seconds"] > 0 for t in env["time_limits"].values())
