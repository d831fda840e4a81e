"""LiveCodeBench end to end: bundled rows in the real format, real Docker judging.

``livecodebench_sample`` holds the real row 1873_A and rows written in its format
(stdin and call-based).  The reference backend must pass everything; every bundled
solution must get the verdict of ``solutions/EXPECTED.json`` (LiveCodeBench's rules);
metrics follow lcb_runner (pass@1 over samples, unbiased pass@k only when every
problem has k samples, by difficulty and by month).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.pipeline import RunConfig, rejudge, start
from evalkit.records import Generation
from evalkit.rundir import RunDir

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "benchmarks" / "livecodebench_sample"
SOLUTIONS = DATA / "solutions"
# Solutions that time out cost 6 s per run; they are judged once, in the replay run.


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


# ---------------------------------------------------------------------------
# Without Docker: data, prompts, extraction


def test_the_v6_spec_reads_a_local_release_and_applies_the_window(tmp_path):
    rows = (DATA / "problems.jsonl").read_text().splitlines()
    for i, name in enumerate(["test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl",
                              "test5.jsonl", "test6.jsonl"]):
        (tmp_path / name).write_text("\n".join(rows[i:i + 1]) + "\n" if i < len(rows) else "")
    bench = load_benchmark("livecodebench_v6", tmp_path)
    ids = [p.id for p in bench.problems()]
    # 1873_A (2023-08-21) is outside 2024-08-01..2025-05-01.
    assert ids == ["abc_lcbs_mean", "cf_lcbs_range_sums", "lc_lcbs_count_values",
                   "lc_lcbs_min_operations"]
    assert bench.limits.timeout == 6


def test_v6_without_data_or_hub_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    bench = load_benchmark("livecodebench_v6")
    bench.files = ["test.jsonl"]  # the first download fails the same way as any other
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_OFFLINE", True)
    with pytest.raises(EvalkitError, match="--data DIR"):
        bench.problems()


def test_prompts_are_lcb_runners_chat_prompts():
    by_id = {p.id: p for p in load_benchmark("livecodebench_sample").problems()}
    call = by_id["lc_lcbs_min_operations"].messages
    assert call[0]["role"] == "system" and call[0]["content"].startswith(
        "You are an expert Python programmer.")
    user = call[1]["content"]
    assert user.startswith("### Question:\nYou are given an integer array nums and an integer k")
    assert ("### Format: You will use the following starter code to write the solution to the "
            "problem and enclose your code within delimiters.\n```python\nclass Solution:\n"
            "    def minOperations(self, nums: List[int], k: int) -> int:\n        \n```\n\n"
            "### Answer: (use the provided format with backticks)\n\n") in user
    stdin = by_id["1873_A"].messages[1]["content"]
    assert ("### Format: Read the inputs from stdin solve the problem and write the answer to "
            "stdout (do not directly test on the sample inputs). Enclose your code within "
            "delimiters as follows.\n```python\n# YOUR CODE HERE\n```\n\n") in stdin
    assert by_id["1873_A"].meta["month"] == "2023-08"


def test_an_answer_without_python_code_is_no_code():
    bench = load_benchmark("livecodebench_sample")
    p = bench.problems()[0]
    gen = Generation(problem_id=p.id, sample=0,
                     response="<think>```python\nprint(1)\n```</think>I cannot solve it.")
    j = bench.judge(p, gen, None, "k")  # type: ignore[arg-type]
    assert j.verdict == "NO_CODE" and j.score == 0.0


def test_data_hash_changes_with_the_rows(tmp_path):
    shutil.copytree(DATA, tmp_path / "d")
    a = load_benchmark("livecodebench_sample", tmp_path / "d").data_hash()
    lines = (tmp_path / "d" / "problems.jsonl").read_text().splitlines()
    row = json.loads(lines[1])
    row["public_test_cases"] = json.dumps([{"input": "1\n5\n", "output": "5\n",
                                            "testtype": "stdin"}])
    lines[1] = json.dumps(row)
    (tmp_path / "d" / "problems.jsonl").write_text("\n".join(lines) + "\n")
    assert load_benchmark("livecodebench_sample", tmp_path / "d").data_hash() != a


# ---------------------------------------------------------------------------
# Real Docker


def replay_file(tmp: Path) -> tuple[Path, dict[tuple[str, int], str]]:
    expected = json.loads((SOLUTIONS / "EXPECTED.json").read_text())
    lines, out, count = [], {}, {}
    for rel, verdict in sorted(expected.items()):
        qid = rel.split("/")[0]
        sample = count.get(qid, 0)
        count[qid] = sample + 1
        code = (SOLUTIONS / rel).read_text()
        response = (f"<think>first try:\n```python\nprint(\n```\n</think>Here is my program."
                    f"\n\n```python\n{code}```\n")
        lines.append({"problem_id": qid, "sample": sample, "response": response})
        out[(qid, sample)] = verdict
    path = tmp / "gens.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path, out


@pytest.mark.docker
def test_reference_solutions_pass_every_test(tmp_path, docker_client):
    summary = start(RunConfig(benchmark="livecodebench_sample", backend="reference",
                              out=tmp_path / "run", workers=2), quiet())
    assert summary["score"] == 1.0 and summary["headline"]["value"] == 1.0
    assert summary["headline"]["aggregate"] == "mean"
    assert all(len(v["date"]) >= 7 for v in summary["problems"].values())  # by-month plots
    assert summary["metrics"]["verdicts"] == {"AC": 5}
    manifest = RunDir(tmp_path / "run").read_manifest()
    assert "harness_sha256" in manifest["judge"]
    # The lcb_runner revision the judge follows (tests/judging/lcb/lcb_runner_verdicts.json).
    assert manifest["judge"]["lcb_runner_revision"] == "28fef95ea8c9f7a547c8329f2cd3d32b92c1fa24"


@pytest.fixture(scope="module")
def replay_run(tmp_path_factory, docker_client):
    tmp = tmp_path_factory.mktemp("lcb")
    gens, expected = replay_file(tmp)
    out = tmp / "run"
    summary = start(RunConfig(benchmark="livecodebench_sample", backend="replay",
                              generations=gens, out=out, workers=2), quiet())
    return summary, RunDir(out), expected


@pytest.mark.docker
@pytest.mark.slow
def test_every_solution_gets_its_lcb_verdict(replay_run):
    _, rd, expected = replay_run
    judged = rd.judgements()
    assert {k: j.verdict for k, j in judged.items()} == expected
    for j in judged.values():
        assert j.judge_error is None
        assert j.score == (1.0 if j.verdict == "AC" else 0.0)
        if j.verdict != "AC":
            assert j.details["message"], j  # the reason, as lcb_runner's metadata gives it


@pytest.mark.docker
@pytest.mark.slow
def test_metrics_follow_lcb_runner(replay_run):
    summary, _, expected = replay_run
    m = summary["metrics"]
    per = {q: [v == "AC" for (qq, _), v in sorted(expected.items()) if qq == q]
           for q, _ in expected}
    want = {q: sum(v) / len(v) for q, v in per.items()}
    assert {q: p["pass@1"] for q, p in m["problems"].items()} == pytest.approx(want)
    assert m["pass@1"]["mean"] == pytest.approx(sum(want.values()) / len(want))
    assert summary["headline"]["value"] == pytest.approx(m["pass@1"]["mean"])
    # Samples per problem: 5, 3, 3, 3, 6 -> pass@1 and pass@2 only (spec pass_k = 1, 2, 5).
    assert set(m["pass@k"]) == {"pass@1", "pass@2"}
    assert set(m["by_difficulty"]) == {"easy", "medium", "hard"}
    assert m["by_difficulty"]["medium"]["pass@1"] == pytest.approx(want["lc_lcbs_count_values"])
    assert set(m["by_month"]) == {"2023-08", "2024-08", "2024-11", "2025-01", "2025-03"}


@pytest.mark.docker
@pytest.mark.slow
def test_rejudge_of_an_unchanged_judge_does_nothing(replay_run):
    _, rd, _ = replay_run
    before = rd.judgements_path.read_text()
    rejudge(rd.path, 2, quiet())
    assert rd.judgements_path.read_text() == before


def test_inputs_are_mirrored_once_and_outputs_stay_on_the_host(tmp_path, monkeypatch):
    from evalkit.benchmarks import livecodebench
    from evalkit.benchmarks.base import JudgeContext
    from evalkit.sandbox.docker import DataStore

    monkeypatch.setattr(livecodebench, "OUTPUTS_CACHE", 1)
    store = DataStore(tmp_path / "store")  # the data store containers mount read-only
    ctx = JudgeContext(pool=store)  # type: ignore[arg-type]
    bench = load_benchmark("livecodebench_sample")
    probs = bench.lcb_problems()
    a, b = probs["abc_lcbs_mean"], probs["lc_lcbs_count_values"]
    first = bench._prepare(ctx, a)
    bench._prepare(ctx, b)  # evicts a's outputs
    again = bench._prepare(ctx, a)  # decoded again, mirrored spec reused
    assert first == again and again[2] == [t.output for t in a.tests()]
    shared = b"".join(p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file())
    for t in a.tests() + b.tests():
        assert json.dumps(t.input)[1:-1].encode() in shared
    secret = "[[-5, 1], [0, 1], [5, 2]]"
    assert secret in [t.output for t in b.tests()]
    assert secret.encode() not in shared


def test_the_reference_backend_without_solutions_says_where_lcb_references_live(tmp_path):
    from evalkit.model.base import GenerationRequest, SamplingParams
    from evalkit.model.reference import ReferenceBackend

    shutil.copytree(DATA, tmp_path / "d")
    shutil.rmtree(tmp_path / "d" / "solutions")
    p = load_benchmark("livecodebench_sample", tmp_path / "d").problems()[0]
    req = GenerationRequest(problem=p, sample=0, messages=[], params=SamplingParams(), seed=0)
    with pytest.raises(EvalkitError) as e:
        list(ReferenceBackend().generate([req]))
    assert "solutions/<id>/reference.py" in str(e.value) and "CMS" not in str(e.value)


class BrokenPool:
    """A pool whose runs fail: the sample's judge error, never an exception."""

    def mirror(self, key, files):
        return "/judge/x"

    def run(self, job):
        raise RuntimeError("the sandbox went away")


def test_a_judging_failure_is_that_samples_judge_error():
    from evalkit.benchmarks.base import JudgeContext

    bench = load_benchmark("livecodebench_sample")
    p = bench.problems()[0]
    gen = Generation(problem_id=p.id, sample=0, response="```python\nprint(1)\n```")
    j = bench.judge(p, gen, JudgeContext(pool=BrokenPool()), "k")  # type: ignore[arg-type]
    assert j.verdict == "JE" and "the sandbox went away" in (j.judge_error or "")
