"""Proof benchmarks end to end: a judge model grades, retries, and every verdict is kept.

The judge is a real backend: ``replay`` reading recorded verdicts (including
unparseable ones, to exercise retries), and vLLM on CPU in
``test_proof_judge_through_vllm_backend`` (skipped until the vLLM backend is in).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.judging.llm import JudgeSettings
from evalkit.model import SamplingParams
from evalkit.model.replay import ReplayBackend
from evalkit.pipeline import RunConfig, rejudge, start
from evalkit.rundir import RunDir

REPO = Path(__file__).resolve().parents[2]


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def pts(n: int) -> str:
    return f"Checked every step.\n<points>{n} out of 7</points>"


# IMO 2025: the responses, and for each the judge's attempts (in order).
IMO_RESPONSES = {
    "imo2025-p1": "<think>small cases</think>Proof ... Hence $\\boxed{0, 1, 3}$.",
    "imo2025-p2": "Proof by inversion ... so the line is tangent.",
    "imo2025-p3": "Proof ... Therefore the smallest constant is $\\boxed{4}$.",
    "imo2025-p4": "Proof ... the answer is $\\boxed{6}$.",
    "imo2025-p5": "<think>thinking forever",  # truncated: nothing to grade
    "imo2025-p6": "Construction and bound ... $\\boxed{2112}$.",
}
IMO_VERDICTS = {
    "imo2025-p1": ["I think this is a good proof.", pts(7)],  # unparseable, then 7
    "imo2025-p2": ["<think>hmm <points>7 out of 7</points></think>gap.\n"
                   "<points>5 out of 7</points>"],
    "imo2025-p3": [pts(7)],
    "imo2025-p4": [pts(2)],
    "imo2025-p6": ["no score", "<points>9 out of 7</points>", "still nothing"],  # gives up
}


def imo_files(tmp_path: Path) -> tuple[Path, Path]:
    gens = write_jsonl(tmp_path / "gens.jsonl",
                       [{"problem_id": p, "sample": 0, "response": r}
                        for p, r in IMO_RESPONSES.items()])
    verdicts = write_jsonl(tmp_path / "verdicts.jsonl",
                           [{"problem_id": f"{p}#0", "sample": i, "response": v}
                            for p, vs in IMO_VERDICTS.items() for i, v in enumerate(vs)])
    return gens, verdicts


def imo_config(tmp_path: Path, gens: Path, verdicts: Path) -> RunConfig:
    return RunConfig(benchmark="imo2025", backend="replay", generations=gens,
                     out=tmp_path / "run", workers=2,
                     judge=JudgeSettings(backend="replay", generations=str(verdicts)))


class Counted(ReplayBackend):
    """A replay backend that counts close() calls."""

    closed = 0

    def close(self) -> None:
        self.closed += 1


def test_engines_passed_to_the_run_are_used_and_left_open(tmp_path):
    """A caller's generation and judge backends (e.g. one engine shared by a test session)
    serve the run, the judge settings still describe the judge, and neither is closed."""
    gens, verdicts = imo_files(tmp_path)
    mine, judge = Counted(gens), Counted(verdicts)
    s = start(imo_config(tmp_path, gens, verdicts), quiet(), backend=mine, judge_backend=judge)
    assert s["metrics"]["points"] == 21.0  # the same verdicts as the run's own backends
    assert (mine.closed, judge.closed) == (0, 0)
    m = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert m["judge_model"]["backend"] == "replay"
    assert m["judge"]["judge_model"]["generations_sha256"] == judge.info()["generations_sha256"]


def test_imo2025_grading_retries_records_and_totals(tmp_path):
    gens, verdicts = imo_files(tmp_path)
    s = start(imo_config(tmp_path, gens, verdicts), quiet())
    m = s["metrics"]
    per = m["problems"]
    assert per["imo2025-p1"]["scores"] == [7.0]  # second attempt parsed
    assert per["imo2025-p2"]["scores"] == [5.0]  # the score inside <think> is ignored
    assert per["imo2025-p4"]["scores"] == [2.0]
    assert per["imo2025-p5"]["scores"] == [0.0]  # no proof: 0 without asking the judge
    assert per["imo2025-p6"]["scores"] == [] and per["imo2025-p6"]["judge_errors"] == 1
    assert m["points"] == 21.0 and m["max_points"] == 42.0
    assert s["score"] == 21.0 and s["headline"]["aggregate"] == "sum"
    assert s["headline"]["max"] == 42.0 and s["problems"]["imo2025-p3"]["value"] == 7.0
    assert m["judge_errors"] == 1
    assert m["medal_cutoffs"] == {"gold": 35.0} and m["medal"] is None
    assert "silver" in m["medal_note"]

    judged = RunDir(tmp_path / "run").judgements(s["judge_key"])
    p1 = judged[("imo2025-p1", 0)].details["judge_attempts"]
    assert [a["response"] for a in p1] == IMO_VERDICTS["imo2025-p1"]  # full verdicts kept
    assert [a["parsed"] for a in p1] == [False, True]
    p6 = judged[("imo2025-p6", 0)]
    assert p6.judge_error and "9 is not one of" in p6.judge_error
    assert len(p6.details["judge_attempts"]) == 3
    assert judged[("imo2025-p5", 0)].verdict == "NO_PROOF"
    # The final answer is checked symbolically and reported beside the proof score.
    assert judged[("imo2025-p3", 0)].details["answer_check"]["correct"] is True
    assert judged[("imo2025-p4", 0)].details["answer_check"]["correct"] is False
    assert "answer_check" not in judged[("imo2025-p2", 0)].details  # P2 has no answer
    manifest = RunDir(tmp_path / "run").read_manifest()
    assert manifest["judge_model"]["backend"] == "replay"
    assert manifest["judge"]["judge_model"]["generations_sha256"]


def test_imo2025_rejudge_rebuilds_the_judge_and_retries_only_errors(tmp_path):
    gens, verdicts = imo_files(tmp_path)
    start(imo_config(tmp_path, gens, verdicts), quiet())
    log = tmp_path / "run" / "judgements.jsonl"
    before = len(log.read_text().splitlines())
    s = rejudge(tmp_path / "run", workers=1, console=quiet())  # judge rebuilt from the manifest
    after = log.read_text().splitlines()
    assert len(after) == before + 1  # only the judge error (p6) was asked again
    assert json.loads(after[-1])["problem_id"] == "imo2025-p6"
    assert s["metrics"]["judge_errors"] == 1


def test_a_different_judge_regrades_everything(tmp_path):
    gens, verdicts = imo_files(tmp_path)
    first = start(imo_config(tmp_path, gens, verdicts), quiet())
    other = write_jsonl(tmp_path / "other.jsonl",
                        [{"problem_id": f"{p}#0", "sample": 0, "response": pts(7)}
                         for p in IMO_RESPONSES])
    second = start(imo_config(tmp_path, gens, other), quiet())  # same run dir, new judge
    assert second["judge_key"] != first["judge_key"]
    assert second["metrics"]["points"] == 35.0 and second["metrics"]["judge_errors"] == 0
    assert second["metrics"]["medal"] == "gold"


def test_gold_total_earns_the_gold_medal(tmp_path):
    rows = [{"problem_id": p, "sample": 0, "response": "A full proof."} for p in IMO_RESPONSES]
    verdicts = [{"problem_id": f"{p}#0", "sample": 0, "response": pts(7 if i < 5 else 0)}
                for i, p in enumerate(IMO_RESPONSES)]
    s = start(RunConfig(benchmark="imo2025", backend="replay",
                        generations=write_jsonl(tmp_path / "g.jsonl", rows), out=tmp_path / "r",
                        judge=JudgeSettings(backend="replay",
                                            generations=str(write_jsonl(tmp_path / "v.jsonl",
                                                                        verdicts)))), quiet())
    assert s["score"] == 35.0 and s["metrics"]["medal"] == "gold"


def test_proof_benchmark_without_a_judge_is_a_one_line_error(tmp_path):
    gens, _ = imo_files(tmp_path)
    with pytest.raises(EvalkitError, match="--judge-backend"):
        start(RunConfig(benchmark="imo2025", backend="replay", generations=gens,
                        out=tmp_path / "run"), quiet())


def test_imo_proofbench_cli_end_to_end_with_replay_judge(tmp_path):
    problems = load_benchmark("imo_proofbench").problems()
    assert len(problems) == 60
    assert {p.meta["subset"] for p in problems} == {"Basic", "Advanced"}
    scores = [7, 6, 1, 0]
    gens, verdicts = [], []
    for i, p in enumerate(problems):
        gens.append({"problem_id": p.id, "sample": 0, "response": f"Proof {i}. \\boxed{{0}}"})
        if i == 0:  # 5 is not on ProofBench's scale: asked again
            verdicts.append({"problem_id": f"{p.id}#0", "sample": 0, "response": pts(5)})
            verdicts.append({"problem_id": f"{p.id}#0", "sample": 1, "response": pts(6)})
        else:
            verdicts.append({"problem_id": f"{p.id}#0", "sample": 0,
                             "response": pts(scores[i % 4])})
    g = write_jsonl(tmp_path / "g.jsonl", gens)
    v = write_jsonl(tmp_path / "v.jsonl", verdicts)
    cmd = [sys.executable, "-m", "evalkit", "run", "imo_proofbench", "--backend", "replay",
           "--generations", str(g), "--judge-backend", "replay", "--judge-generations", str(v),
           "--out", str(tmp_path / "run"), "--workers", "2"]
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "run" / "summary.json").read_text())
    expected = [6] + [scores[i % 4] for i in range(1, 60)]
    assert s["score"] == pytest.approx(sum(expected) / (7 * 60))
    assert s["headline"]["aggregate"] == "mean" and s["max_score"] == 1.0
    basic = [e for e, p in zip(expected, problems, strict=True) if p.meta["subset"] == "Basic"]
    assert s["metrics"]["subsets"]["Basic"]["mean"] == pytest.approx(sum(basic) / (7 * 30))
    assert s["metrics"]["problems"][problems[0].id]["attempts"] == 2
    assert "proofs graded by a judge model" in r.stdout


def test_missing_judge_option_on_the_cli_exits_2_with_one_line(tmp_path):
    gens, _ = imo_files(tmp_path)
    r = subprocess.run([sys.executable, "-m", "evalkit", "run", "imo2025", "--backend", "replay",
                        "--generations", str(gens), "--out", str(tmp_path / "run")],
                       cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--judge-backend" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_proof_judge_through_vllm_backend(tmp_path, monkeypatch):
    """The mechanics with a real judge model on vLLM's CPU path (verdicts are poor).

    Enabled once the vLLM backend (wip/gen) is merged: it needs ``vllm`` importable,
    "vllm" in evalkit.model.BACKENDS, and tests/model/tiny_model.py to build a tiny
    random-weight model without downloads (preset ``tiny-chatml``).  Checked by hand
    against wip/gen 97bea16: 2 attempts per proof, distinct seeds, retry at 0.7,
    unparseable verdicts become judge errors (~2 min on 2 CPU cores).
    """
    pytest.importorskip("vllm")
    from evalkit.model import BACKENDS

    if "vllm" not in BACKENDS:
        pytest.skip("the vLLM backend is not on this branch yet (wip/gen)")
    monkeypatch.syspath_prepend(str(REPO / "tests" / "model"))
    tiny = pytest.importorskip("tiny_model")
    for k, v in getattr(tiny, "ENGINE_ENV", {}).items():
        monkeypatch.setenv(k, v)
    model_dir = tiny.build_tiny_model(tmp_path / "tiny")
    gens, _ = imo_files(tmp_path)
    s = start(RunConfig(benchmark="imo2025", backend="replay", generations=gens,
                        out=tmp_path / "run", workers=1,
                        judge=JudgeSettings(backend="vllm", model=str(model_dir),
                                            preset="tiny-chatml",
                                            sampling=SamplingParams(max_tokens=32), attempts=2)),
              quiet())
    # The run closed its judge model: no EngineCore left for the interpreter to wait on.
    from exit_guard import children

    assert not [c for c in children() if "EngineCore" in c]
    judged = RunDir(tmp_path / "run").judgements(s["judge_key"])
    assert len(judged) == 6
    for j in judged.values():
        if j.verdict == "NO_PROOF":
            continue
        attempts = j.details["judge_attempts"]
        assert 1 <= len(attempts) <= 2
        assert all(a["error"] is None for a in attempts), attempts  # the model answered
        if j.judge_error:
            assert len(attempts) == 2 and not any(a["parsed"] for a in attempts)
            assert len({a["seed"] for a in attempts}) == 2
        else:
            assert 0 <= j.score <= 7 and attempts[-1]["parsed"]
