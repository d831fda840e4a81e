"""evalkit's LiveCodeBench verdicts equal lcb_runner's, case by case (differential).

lcb_runner_verdicts.json holds 164 cases designed to tell grading rules apart
(lcb_runner_cases.py: stdin idioms, code extraction, numpy, returned objects
with their own ``__eq__``, swallowed timeouts, line/Decimal comparison, huge
integers, call-based execution) with the per-test results lcb_runner itself gave
(LiveCodeBench 28fef95, run unchanged by record_lcb_runner.py; CI never imports
it).  Each case goes through the real adapter: the response is extracted, judged
in a judge container, and the judgement's ``lcb_results`` must be lcb_runner's
list, element for element.
"""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from evalkit.benchmarks import load_benchmark
from evalkit.benchmarks.base import JudgeContext
from evalkit.extract.code import extract_code_lcb
from evalkit.judging.lcb import harness as H
from evalkit.records import Generation

HERE = Path(__file__).parent
DOC = json.loads((HERE / "lcb_runner_verdicts.json").read_text())
CASES: list[dict[str, Any]] = DOC["cases"]
BY_ID = {c["id"]: c for c in CASES}


def test_the_reference_data_is_lcb_runners_at_the_revision_the_judge_follows():
    assert DOC["revision"] == H.LCB_RUNNER_REVISION
    assert len(CASES) >= 100 and len(BY_ID) == len(CASES)
    assert {c["category"] for c in CASES} >= {
        "stdin idioms", "code extraction", "numpy", "returned objects", "timeouts",
        "line comparison", "huge integers"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_extraction_is_lcb_runners(case):
    """lcb_runner: the text between the last two lines containing ``` ("" if none)."""
    assert (extract_code_lcb(case["response"]) or "") == case["lcb_code"]


def normalise(results: list[Any]) -> list[Any]:
    """lcb_runner keeps a non-bool ``==`` result as is; it counts by truthiness."""
    return [bool(r["truthy"]) if isinstance(r, dict) else r for r in results]


def rows(cases: list[dict[str, Any]]) -> str:
    out = []
    for k, c in enumerate(cases):
        kind = "functional" if c["mode"] == "call" else "stdin"
        tests = [{"input": i, "output": o, "testtype": kind} for i, o in c["tests"]]
        meta = {"func_name": c["fn_name"]} if c["fn_name"] else {}
        out.append({"question_title": c["id"], "question_content": c["id"],
                    "platform": "leetcode" if c["mode"] == "call" else "atcoder",
                    "question_id": f"d{k:03d}", "contest_id": "d",
                    "contest_date": "2025-01-01T00:00:00", "starter_code": "",
                    "difficulty": "easy", "public_test_cases": json.dumps(tests),
                    "private_test_cases": "[]", "metadata": json.dumps(meta)})
    return "".join(json.dumps(r) + "\n" for r in out)


@pytest.fixture(scope="module")
def judged(pool, tmp_path_factory) -> dict[str, Any]:
    """Every case judged by the adapter, two at a time (the pool's two containers)."""
    data = tmp_path_factory.mktemp("lcb-diff")
    (data / "problems.jsonl").write_text(rows(CASES))
    bench = load_benchmark("livecodebench_sample", data)
    bench.limits = dataclasses.replace(bench.limits, timeout=DOC["timeout"],
                                       memory=200 * 1024**2)
    problems = {p.id: p for p in bench.problems()}
    ctx = JudgeContext(pool=pool)

    def one(k: int) -> Any:
        c = CASES[k]
        gen = Generation(problem_id=f"d{k:03d}", sample=0, response=c["response"])
        return c["id"], bench.judge(problems[f"d{k:03d}"], gen, ctx, "diff")

    with ThreadPoolExecutor(2) as ex:
        return dict(ex.map(one, range(len(CASES))))


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_per_test_results_are_lcb_runners(judged, case):
    j = judged[case["id"]]
    assert j.judge_error is None, j.judge_error
    want = normalise(case["lcb_results"])
    assert j.details["lcb_results"] == want, (j.verdict, j.details.get("message"),
                                              case["lcb_error"])
    # The sample passes exactly when lcb_runner's pass@k counts it (all results > 0).
    assert (j.verdict == H.AC) == all(r is True for r in want)
