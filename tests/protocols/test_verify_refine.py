"""The verify-refine protocol on two ProofBench problems with recorded proofs, verifications,
refinements and judge verdicts (real replay backends, the real pipeline and judge stage).

Configuration: 3 proofs, 2 verifications each, the top 2 refined once each, 3 rounds.
Every expectation below (ranking, what each refinement is shown, the final proof, the
judge's grades, the compute counted) is worked out by hand in the comments.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.episodes import Journal
from evalkit.judging.llm import JudgeSettings
from evalkit.model.base import GenerationRequest
from evalkit.model.replay import ReplayBackend
from evalkit.pipeline import RunConfig, start
from evalkit.protocols.verify_refine import PRESETS, VerifyRefineOptions
from evalkit.records import Generation
from evalkit.run import RunStore

A, B = "PB-Basic-001", "PB-Basic-002"
OPTIONS = {"protocol": "verify-refine", "verify_refine.n_generate": 3,
           "verify_refine.n_verify": 2, "verify_refine.top_k": 2,
           "verify_refine.n_refine": 1, "verify_refine.rounds": 3}


def proof(tag: str) -> str:
    return (f"<think>work on {tag}</think>## Solution\nProof {tag}.\n\n## Self Evaluation\n"
            "Here is my evaluation of the solution:\nlooks right\n\\boxed{1}")


def check(tag: str, score: str) -> str:
    return (f"<think>checking</think>Here is my evaluation of the solution:\nnote {tag}\n\n"
            f"Based on my evaluation, the final overall score should be:\n\\boxed{{{score}}}")


def analysis(tag: str, score: str) -> str:
    """What a refinement is shown of a verification: the text after its reasoning."""
    return (f"Here is my evaluation of the solution:\nnote {tag}\n\n"
            f"Based on my evaluation, the final overall score should be:\n\\boxed{{{score}}}")


# (problem, step) -> response; steps in the order the protocol asks them.
TURNS: dict[tuple[str, int], Any] = {
    # A, round 1: proofs 0, 1 (no layout: not verified), 2; verifications of 0 then 2.
    (A, 0): proof("A0"), (A, 1): "<think>x</think>It is clearly true.", (A, 2): proof("A2"),
    (A, 3): check("a3", "0"), (A, 4): check("a4", "0.5"),      # A0: mean 0.25
    (A, 5): check("a5", "1"), (A, 6): check("a6", "0.5"),      # A2: mean 0.75 -> best
    # A, round 2: refine A2 (step 7), then A0 (step 8); verify 7 (9, 10), 8 (11, 12).
    (A, 7): proof("A7"), (A, 8): proof("A8"),
    (A, 9): check("a9", "1"), (A, 10): check("a10", "1"),      # A7: mean 1 -> solved
    (A, 11): check("a11", "0"), (A, 12): check("a12", "0"),    # A8: mean 0
    # A, round 3: solved, nothing asked.
    # B, round 1: proofs 0, 1, 2 (cut off: not verified); verifications of 0 then 1.
    (B, 0): proof("B0"), (B, 1): proof("B1"),
    (B, 2): {"response": "<think>a very long", "finish_reason": "length"},
    (B, 3): check("b3", "0.5"), (B, 4): "I cannot decide.",     # B0: 0.5 (1 unparsed)
    (B, 5): check("b5", "0.5"), (B, 6): check("b6", "0.5"),    # B1: 0.5, after B0 (order)
    # B, round 2: refine B0 (7) then B1 (8); verify 7 (9, 10), 8 (11, 12).
    (B, 7): proof("B7"), (B, 8): proof("B8"),
    (B, 9): check("b9", "0.5"), (B, 10): check("b10", "1"),    # B7: 0.75 -> best
    (B, 11): check("b11", "0"), (B, 12): check("b12", "0.5"),  # B8: 0.25
    # B, round 3: ranking B7 .75, B0 .5, B1 .5, B8 .25, B2 -: refine B7 (13), B0 (14).
    (B, 13): proof("B13"), (B, 14): proof("B14"),
    (B, 15): check("b15", "1"), (B, 16): check("b16", "1"),    # B13: 1 -> best, final
    (B, 17): check("b17", "0.5"), (B, 18): check("b18", "0.5"),
}
VERIFY_STEPS = {A: {3, 4, 5, 6, 9, 10, 11, 12},
                B: {3, 4, 5, 6, 9, 10, 11, 12, 15, 16, 17, 18}}
# The judge: the best proof after each round, and (the same request) the final proof.
JUDGE = {f"{A}#0@2": 1, f"{A}#0@7": 7, f"{B}#0": 0, f"{B}#0@7": 6, f"{B}#0@13": 7}


def write_turns(path: Path) -> Path:
    lines = []
    for (pid, step), turn in TURNS.items():
        rec = turn if isinstance(turn, dict) else {"response": turn}
        tokens = (200, 10) if step in VERIFY_STEPS[pid] else (50, 100)
        lines.append({"problem_id": pid, "sample": 0, "step": step, **rec,
                      "prompt_tokens": tokens[0], "completion_tokens": tokens[1]})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path


def write_verdicts(path: Path) -> Path:
    path.write_text("".join(json.dumps({"problem_id": k, "sample": 0, "response":
                                        f"Assessed.\n<points>{v} out of 7</points>"}) + "\n"
                            for k, v in JUDGE.items()))
    return path


class Recording(ReplayBackend):
    """Replay that keeps what was sent for each step, and may stop after n requests."""

    def __init__(self, path: Path, stop_after: int | None = None):
        super().__init__(path)
        self.sent: dict[tuple[str, int], str] = {}
        self.batches: list[set[tuple[str, int]]] = []
        self.stop_after = stop_after

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        self.batches.append({(r.problem.id, r.step) for r in requests})
        for g, r in zip(super().generate(requests), requests, strict=True):
            if self.stop_after is not None and len(self.sent) >= self.stop_after:
                raise KeyboardInterrupt("cut off")
            self.sent[(r.problem.id, r.step)] = r.messages[-1]["content"]
            yield g


def run(tmp: Path, out: Path, backend: Recording | None = None) -> tuple[dict[str, Any],
                                                                        Recording]:
    gens = write_turns(tmp / "turns.jsonl")
    cfg = RunConfig(benchmark="imo_proofbench", backend="replay", generations=gens, out=out,
                    workers=1, problems=[A, B], options=dict(OPTIONS),
                    judge=JudgeSettings(backend="replay",
                                        generations=str(write_verdicts(tmp / "v.jsonl"))))
    backend = backend or Recording(gens)
    return start(cfg, Console(file=io.StringIO(), width=200), backend=backend), backend


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> tuple[dict[str, Any], Recording, Path]:
    tmp = tmp_path_factory.mktemp("vr")
    summary, backend = run(tmp, tmp / "run")
    return summary, backend, tmp / "run"


def test_the_final_proofs_are_the_best_verified_and_graded_by_the_judge(whole):
    summary, _, out = whole
    judged = RunStore(out).judgements()
    assert {k: (j.step, j.score) for k, j in judged.items()} == {(A, 0): (7, 7.0),
                                                                 (B, 0): (13, 7.0)}
    assert summary["score"] == pytest.approx(1.0)  # ProofBench: mean fraction of 7
    # The judge graded the solution section, not the model's self-evaluation.
    assert judged[(A, 0)].details["graded_text"] == "solution section"
    # ... nor is the self-evaluation's \boxed{1} taken for A's final answer.
    assert judged[(A, 0)].details["answer_check"]["answer"] is None


def test_score_after_each_round(whole):
    m = whole[0]["protocol"]["metrics"]
    # Round 1: A's best A2 -> 1/7, B's best B0 -> 0; round 2: A7 7/7, B7 6/7;
    # round 3: A unchanged (solved), B13 7/7.
    want = [(1 / 7 + 0) / 2, (1 + 6 / 7) / 2, 1.0]
    assert [r["all"]["percent"] for r in m["score_by_round"]] == pytest.approx(
        [100 * w for w in want])
    assert [r["Basic"]["n"] for r in m["score_by_round"]] == [2, 2, 2]
    assert [r["all"]["points"] for r in m["score_by_round"]] == [1 + 0, 7 + 6, 7 + 7]
    assert {r["all"]["max_points"] for r in m["score_by_round"]} == {14}


def test_ranking_and_round_details(whole):
    finals = Journal(whole[2]).finals()
    a, b = finals[(A, 0)].metrics, finals[(B, 0)].metrics
    assert [r["best_step"] for r in a["rounds"]] == [2, 7, 7]
    assert [r["refined_steps"] for r in a["rounds"]] == [[], [2, 0], []]
    assert a["solved_after_round"] == 2 and a["final_step"] == 7 and a["final_mean"] == 1.0
    # Ties in the mean keep generation order (B0 before B1); B2 (cut off) ranks last.
    assert b["ranking"] == [[13, 1.0], [7, 0.75], [0, 0.5], [1, 0.5], [14, 0.5], [8, 0.25],
                            [2, None]]
    assert [r["refined_steps"] for r in b["rounds"]] == [[], [0, 1], [7, 0]]
    assert b["rounds"][0]["unparsed_verifications"] == 1 and b["unverifiable_proofs"] == 1
    assert [r["score"] for r in b["rounds"]] == [0.0, 6.0, 7.0]


def test_refinements_are_shown_the_proof_and_its_evaluations_issues_first(whole):
    sent = whole[1].sent
    bench = load_benchmark("imo_proofbench", None, dict(OPTIONS))
    instruction = {p.id: p.messages[0]["content"] for p in bench.problems()}
    # A7 refines A2, verified 1 (a5) and 0.5 (a6): the lower score is shown first.
    assert sent[(A, 7)].startswith(instruction[A])
    assert ("--- Solution 0 ---\nProof A2.\n\n"
            f"=== Evaluation 0 of Solution 0 ===\n{analysis('a6', '0.5')}\n\n"
            f"=== Evaluation 1 of Solution 0 ===\n{analysis('a5', '1')}\n") in sent[(A, 7)]
    # B7 refines B0: its unparseable verification (b4) is not shown.
    assert (f"--- Solution 0 ---\nProof B0.\n\n=== Evaluation 0 of Solution 0 ===\n"
            f"{analysis('b3', '0.5')}\n\n# Final instruction") in sent[(B, 7)]
    # Verification prompts hold the solution section only, never the self-evaluation.
    assert "Proof A2." in sent[(A, 5)] and "Self Evaluation" not in sent[(A, 5)].split(
        "# Solution")[-1]
    # A round's verifications (and refinements) go out together, both problems' at once.
    batches = whole[1].batches
    assert {(A, 3), (A, 4), (A, 5), (A, 6), (B, 3), (B, 4), (B, 5), (B, 6)} in batches
    assert {(A, 7), (A, 8), (B, 7), (B, 8)} in batches
    # Nothing was asked for A in round 3, nor verifications of A1 or B2.
    assert max(s for p, s in sent if p == A) == 12 and max(s for p, s in sent if p == B) == 18


def test_compute_used_is_counted(whole):
    m = whole[0]["protocol"]["metrics"]
    # Proofs: A 3 + 2, B 3 + 2 + 2; verifications: A 8, B 12.
    assert (m["proofs"], m["verifications"], m["episodes"], m["solved_early"]) == (12, 20, 2, 1)
    assert m["unparsed_verifications"] == 1 and m["unverifiable_proofs"] == 2
    assert m["tokens"] == {"proof_prompt": 12 * 50, "proof_completion": 12 * 100,
                           "verify_prompt": 20 * 200, "verify_completion": 20 * 10,
                           "total": 12 * 150 + 20 * 210}
    assert m["upper_bound_per_episode"] == {"proofs": 3 + 2 * 2, "verifications": 14,
                                            "generations": 21}


@pytest.mark.parametrize("cut", [5, 17])
def test_a_run_cut_off_mid_episode_resumes_to_the_same_result(tmp_path, whole, cut):
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, tmp_path / "run",
            Recording(write_turns(tmp_path / "turns.jsonl"), stop_after=cut))
    again, backend = run(tmp_path, tmp_path / "run")
    assert again["score"] == whole[0]["score"]
    assert again["protocol"]["metrics"] == whole[0]["protocol"]["metrics"]
    # Only what was not stored was asked (the requests of the cut-off batch may repeat).
    assert len(backend.sent) < len(whole[1].sent)
    # The steps never depended on the judge: `evalkit judge` re-judges the final proofs.
    from evalkit.pipeline import rejudge

    assert rejudge(tmp_path / "run", 1, Console(file=io.StringIO()), force=True)["score"] \
        == whole[0]["score"]


def test_presets_and_identity():
    assert PRESETS["paper"] == (128, 64, 32, 4, 5)
    paper = VerifyRefineOptions().resolved()
    assert paper.upper_bound() == {"proofs": 128 + 4 * 32 * 4, "verifications": 640 * 64,
                                   "generations": 640 * 65}
    cheap = load_benchmark("imo_proofbench", None, {"protocol": "verify-refine",
                                                    "verify_refine.preset": "cheap"})
    same = load_benchmark("imo_proofbench", None, {
        "protocol": "verify-refine", **{f"verify_refine.{k}": v for k, v in zip(
            ("n_generate", "n_verify", "top_k", "n_refine", "rounds"), PRESETS["cheap"],
            strict=True)}})
    from evalkit.episodes.registry import load_protocol

    assert load_protocol("verify-refine", cheap).identity() == \
        load_protocol("verify-refine", same).identity()


def test_single_shot_proof_runs_are_unchanged():
    from evalkit.benchmarks.base import JudgeContext
    from evalkit.proofs.prompt import proof_prompt

    plain = load_benchmark("imo_proofbench")
    vr = load_benchmark("imo_proofbench", None, dict(OPTIONS))
    assert "graded_text" not in plain.judge_fingerprint(JudgeContext())
    assert vr.judge_fingerprint(JudgeContext())["graded_text"] == "solution-section-v1"
    p = plain.problems()[0]
    assert p.messages[0]["content"] == proof_prompt(plain.items()[p.id].statement or "")
    assert "## Self Evaluation" in vr.problems()[0].messages[0]["content"]


def test_imo2025_runs_the_protocol_too():
    from evalkit.episodes.registry import load_protocol

    imo = load_benchmark("imo2025", None, {"protocol": "verify-refine",
                                           "verify_refine.preset": "cheap"})
    assert load_protocol("verify-refine", imo).identity()["n_generate"] == 8
    assert "## Self Evaluation" in imo.problems()[0].messages[0]["content"]
