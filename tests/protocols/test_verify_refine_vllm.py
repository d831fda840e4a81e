"""verify-refine with a real CPU vLLM engine (the tiny random-weight test model) for one small
round: 2 proofs, 1 verification each, the top 1 refined once and verified; killed with
``kill -9`` mid-episode and resumed.

The tiny model writes noise, so: thinking off (its text is the answer), the layout rule
off (``require_format=false``: the whole answer is the proof, unscored proofs may be
refined), and a replayed judge (one verdict per step it may be asked about).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from evalkit.jsonl import read_jsonl

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "model"))
from tiny_model import ENGINE_ENV, HAS_VLLM, NO_VLLM  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not HAS_VLLM, reason=NO_VLLM)]

PID = "PB-Basic-001"
# Round 1: proofs 0, 1; verifications 2 (of 0), 3 (of 1).  Round 2: refinement 4 of the
# top proof, its verification 5.  Every step is one generation: 6 in all.
STEPS = 6


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-llama")


def evalkit(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                            env={**os.environ, **ENGINE_ENV, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def lines(path: Path) -> list[dict[str, Any]]:
    return list(read_jsonl(path)) if path.exists() else []


def test_one_small_round_on_vllm_resumes_after_kill_9(tiny, tmp_path):
    verdicts = tmp_path / "v.jsonl"
    verdicts.write_text("".join(
        json.dumps({"problem_id": f"{PID}#0" + (f"@{s}" if s else ""), "sample": 0,
                    "response": "<points>1 out of 7</points>"}) + "\n" for s in range(STEPS)))
    args = ["run", "imo_proofbench", "--backend", "vllm", "--model", str(tiny),
            "--preset", "tiny-chatml", "--no-thinking", "--max-tokens", "24", "--seed", "1",
            "--problems", PID, "--workers", "1",
            "--set", "protocol=verify-refine", "--set", "verify_refine.n_generate=2",
            "--set", "verify_refine.n_verify=1", "--set", "verify_refine.top_k=1",
            "--set", "verify_refine.n_refine=1", "--set", "verify_refine.rounds=2",
            "--set", "verify_refine.require_format=false",
            "--judge-backend", "replay", "--judge-generations", str(verdicts)]
    # Each batch of the episode waits for the one before, so a kill once the first batch
    # is stored lands mid-episode; the engine may still race ahead: then try again.
    for attempt in range(4):
        run = tmp_path / f"run{attempt}"
        proc = evalkit(*args, "--out", str(run))
        deadline = time.monotonic() + 600
        while (time.monotonic() < deadline and proc.poll() is None
               and len(lines(run / "generations.jsonl")) < 2):
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        partial = lines(run / "generations.jsonl")
        if 2 <= len(partial) < STEPS:
            break
    assert 2 <= len(partial) < STEPS, f"kill landed outside the episode ({len(partial)})"
    assert not (run / "summary.json").exists()

    again = evalkit(*args, "--out", str(run))
    _, err = again.communicate(timeout=900)
    assert again.returncode == 0, err[-3000:]
    gens = lines(run / "generations.jsonl")
    assert gens[:len(partial)] == partial, "stored steps were generated again"
    assert sorted(g["step"] for g in gens) == list(range(STEPS)), "lost or repeated steps"
    assert [g["meta"]["label"] for g in sorted(gens, key=lambda g: g["step"])] == [
        "proof", "proof", "verify", "verify", "refine", "verify"]
    assert all(g["error"] is None and g["completion_tokens"] for g in gens)
    # The refinement was asked with the top proof (the first: nothing scored) and its check.
    refine = next(g for g in gens if g["step"] == 4)
    top = next(g for g in gens if g["step"] == 0)
    text = refine["context"][-1]["content"]
    assert "--- Solution 0 ---\n" + top["response"].strip() in text

    summary = json.loads((run / "summary.json").read_text())
    m = summary["protocol"]["metrics"]
    assert summary["protocol"]["episodes"] == 1 and summary["protocol"]["errors"] == 0
    assert (m["proofs"], m["verifications"]) == (3, 3)
    assert m["tokens"]["total"] == sum(g["prompt_tokens"] + g["completion_tokens"]
                                       for g in gens)
    assert [r["round"] for r in m["score_by_round"]] == [1, 2]
    judged = lines(run / "judgements.jsonl")
    assert len(judged) == 1 and judged[0]["score"] == 1.0 and judged[0]["judge_error"] is None
    finals = [r for r in lines(run / "episodes.jsonl") if r["kind"] == "final"]
    assert finals[-1]["error"] is None and finals[-1]["step"] == judged[0]["step"]
