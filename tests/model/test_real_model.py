"""A real instruct model (SmolLM2-135M-Instruct, CPU vLLM) through every benchmark family.

ONE engine (the session's ``smollm2_engine``) serves everything here: a suite run of a
math, an IOI, an ICPC and a LiveCodeBench sample (one problem each, 1 sample, short
max_tokens), the same-seed check, and a replayed-proof run that uses SmolLM2 as the
proof judge.  What only real model text exercises is checked on its actual outputs:
answer and program extraction agree with the extractors, truncation and no-answer counts in
the summary match the generations, the chat template hash in the manifest is the model's,
the same seed gives the same text, and the terminal shows no engine lines (they are all in
the suite's engine.log).  A few minutes on 2 cores (README, "The commands").
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
from rich.console import Console
from tiny_model import HAS_VLLM, NO_VLLM

from evalkit.extract.code import extract_code
from evalkit.extract.reasoning import split_reasoning
from evalkit.jsonl import read_jsonl
from evalkit.judging.llm import JudgeSettings
from evalkit.model import GenerationRequest, SamplingParams, request_seed
from evalkit.model.base import Backend
from evalkit.model.stats import no_answer, truncated
from evalkit.pipeline import RunConfig, start
from evalkit.records import Generation, Problem
from evalkit.suite import load_suite, run_suite

pytestmark = [pytest.mark.slow, pytest.mark.docker,
              pytest.mark.skipif(not HAS_VLLM, reason=NO_VLLM)]

REPO = Path(__file__).resolve().parents[2]
SUBSET = REPO / "benchmarks" / "suites" / "data" / "answerbench_short"
FAMILIES = ("imo_answerbench", "ioi2024_sample", "icpc_sample", "livecodebench_sample")
ENGINE_MARKERS = ("(EngineCore", "(MainProcess", "INFO ", "WARNING ", "Triton", "[shutdown]")
MAX_TOKENS = 128  # enough for a short answer or program, so some finish and some are cut
SEED = 3


@contextmanager
def terminal(path: Path) -> Iterator[IO[str]]:
    """Within the block, fds 1 and 2 (what a terminal would show) write to ``path``."""
    sys.stdout.flush()
    sys.stderr.flush()
    with open(path, "w", encoding="utf-8") as f:
        saved = [os.dup(1), os.dup(2)]
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield f
        finally:
            f.flush()
            for fd, old in zip((1, 2), saved, strict=True):
                os.dup2(old, fd)
                os.close(old)


@pytest.fixture(scope="module")
def real_suite(smollm2, smollm2_engine, docker_client, tmp_path_factory) -> dict[str, Any]:
    """The four families as one suite, one problem each, through the shared engine, with
    their real judges (Docker sandboxes, the symbolic math grader)."""
    tmp = tmp_path_factory.mktemp("real")
    suite = tmp / "real.toml"
    suite.write_text(f"""name = "real"
[defaults]
samples = 1
max_tokens = {MAX_TOKENS}
seed = {SEED}
limit = 1
[[benchmark]]
name = "imo_answerbench"
data = "{SUBSET}"
[[benchmark]]
name = "ioi2024_sample"
[[benchmark]]
name = "icpc_sample"
[[benchmark]]
name = "livecodebench_sample"
# SmolLM2 answers this one in a short program (~80 tokens) and stops; the others run on.
problems = ["lc_lcbs_min_operations"]
""", encoding="utf-8")
    out = tmp / "suite"
    cfg = RunConfig(benchmark="", model=str(smollm2), backend="vllm", preset="smollm2",
                    overrides={"model": str(smollm2)}, workers=2, out=out)
    with terminal(tmp / "terminal.txt") as shown:
        console = Console(file=shown, width=200)
        run_suite(load_suite(suite), cfg, console, console, backend=smollm2_engine)
    record = json.loads((out / "suite.json").read_text())
    return {"out": out, "terminal": (tmp / "terminal.txt").read_text(errors="replace"),
            "runs": {b: out / d for b, d in record["runs"].items()}}


def generations(run: Path) -> dict[tuple[str, int], Generation]:
    return {(r["problem_id"], r["sample"]): Generation.from_json(r)
            for r in read_jsonl(run / "generations.jsonl")}


def judgements(run: Path) -> dict[tuple[str, int], dict[str, Any]]:
    key = json.loads((run / "summary.json").read_text())["judge_key"]
    return {(r["problem_id"], r["sample"]): r for r in read_jsonl(run / "judgements.jsonl")
            if r["judge_key"] == key}


def test_one_engine_for_the_suite_and_its_output_in_the_log(real_suite, smollm2_engine):
    shown, out = real_suite["terminal"], real_suite["out"]
    leaked = [x for x in shown.splitlines() if any(m in x for m in ENGINE_MARKERS)]
    assert not leaked, leaked[:5]
    log = (out / "engine.log").read_text(errors="replace")
    # The engine started once, during the suite (its first user), and logged there.
    assert log.count("Initializing a V1 LLM engine") == 1 and "(EngineCore" in log
    assert getattr(smollm2_engine, "llm", None) is not None  # and the suite left it running
    assert f"engine log: {out / 'engine.log'}" in " ".join(shown.split())
    for bench in FAMILIES:  # evalkit's own results are on the terminal
        assert bench in shown


def test_manifest_records_the_models_chat_template_and_readable_name(real_suite, smollm2):
    from transformers import AutoTokenizer

    tpl = AutoTokenizer.from_pretrained(smollm2).chat_template
    want = hashlib.sha256(tpl.encode()).hexdigest()
    for run in real_suite["runs"].values():
        m = json.loads((run / "manifest.json").read_text())
        assert m["backend"]["chat_template_sha256"] == want
        assert m["model"] == str(smollm2) and m["model_name"] == "SmolLM2-135M-Instruct"
        assert m["sampling"]["max_tokens"] == MAX_TOKENS and m["sampling"]["seed"] == SEED
        assert len(m["subset"]["problems"]) == 1  # the suite's subset: one problem each


def test_summary_truncation_and_no_answer_match_the_real_outputs(real_suite):
    seen_stop = seen_length = 0
    for run in real_suite["runs"].values():
        gens = list(generations(run).values())
        stats = json.loads((run / "summary.json").read_text())["generation"]
        assert stats["samples"] == len(gens) == 1
        assert stats["errors"] == 0
        assert stats["truncated"] == sum(g.finish_reason == "length" for g in gens) \
            == sum(map(truncated, gens))
        assert stats["no_answer"] == sum(map(no_answer, gens))
        assert stats["truncated_rate"] == pytest.approx(stats["truncated"] / len(gens))
        assert stats["no_answer_rate"] == pytest.approx(stats["no_answer"] / len(gens))
        for g in gens:
            assert 0 < g.completion_tokens <= MAX_TOKENS
            assert (g.finish_reason == "length") == (g.completion_tokens == MAX_TOKENS)
        seen_stop += sum(g.finish_reason == "stop" for g in gens)
        seen_length += sum(g.finish_reason == "length" for g in gens)
    # A 135M model at this length both finishes some answers and runs out on others.
    assert seen_stop and seen_length


def test_extraction_on_the_models_actual_text(real_suite):
    from evalkit.math import extract_answer

    runs = real_suite["runs"]
    math_gens, math_j = generations(runs["imo_answerbench"]), judgements(runs["imo_answerbench"])
    assert set(math_j) == set(math_gens)
    for k, g in math_gens.items():
        split = split_reasoning(g.response, g.reasoning)
        want = None if split.unclosed else extract_answer(split.answer)
        assert math_j[k]["details"]["answer"] == want
        assert (math_j[k]["verdict"] == "NO_ANSWER") == (want is None)
    for bench, language in (("ioi2024_sample", "cpp"), ("livecodebench_sample", "python")):
        gens, js = generations(runs[bench]), judgements(runs[bench])
        assert set(js) == set(gens)
        for k, g in gens.items():
            code = extract_code(split_reasoning(g.response, g.reasoning).answer, language)
            assert (js[k]["verdict"] == "NO_CODE") == (code is None), (bench, k)
            assert js[k]["judge_error"] is None
    # The code benchmarks saw real programs: some were compiled and run, not all NO_CODE.
    verdicts = [j["verdict"] for b in ("ioi2024_sample", "icpc_sample", "livecodebench_sample")
                for j in judgements(runs[b]).values()]
    assert any(v != "NO_CODE" for v in verdicts), verdicts


def ask(engine: Backend, messages: list[dict[str, str]], params: SamplingParams,
        seed: int) -> str:
    """One request alone through the engine (a batch of one, as each family's run was)."""
    problem = Problem(id="p", title="p", messages=messages)
    req = GenerationRequest(problem=problem, sample=0, messages=messages, params=params,
                            seed=seed)
    g = next(iter(engine.generate([req])))
    assert g.error is None, g.error
    return (g.reasoning or "") + g.response


def test_same_seed_gives_the_same_text(real_suite, smollm2_engine):
    run = real_suite["runs"]["imo_answerbench"]
    (pid, sample), g = next(iter(generations(run).items()))
    m = json.loads((run / "manifest.json").read_text())
    params = SamplingParams(**{**m["sampling"], "stop": tuple(m["sampling"]["stop"])})
    messages = next(r["messages"] for r in read_jsonl(run / "prompts.jsonl")
                    if r["problem_id"] == pid)
    # The run record is enough to ask again: its prompt, sampling and the derived seed.
    assert g.seed == request_seed(SEED, pid, sample)
    assert ask(smollm2_engine, messages, params, g.seed) == (g.reasoning or "") + g.response
    # At temperature 1 the seed decides the text: the same seed twice agrees, another differs.
    hot = SamplingParams(temperature=1.0, max_tokens=48, seed=SEED)
    first = ask(smollm2_engine, messages, hot, 11)
    assert ask(smollm2_engine, messages, hot, 11) == first
    assert ask(smollm2_engine, messages, hot, 12) != first


def test_smollm2_as_the_proof_judge(smollm2, smollm2_engine, docker_client, tmp_path):
    """imo2025 with one replayed proof, graded by SmolLM2 (the shared engine): its real
    verdict text is kept, parsed on the 0-7 scale or stored as a judge error (never a 0)."""
    proofs = tmp_path / "proofs.jsonl"
    proofs.write_text(json.dumps({
        "problem_id": "imo2025-p1", "sample": 0,
        "response": "We prove the claim. By induction on n, the statement holds for all n, "
                    "which completes the proof. $\\boxed{2}$"}) + "\n")
    data = tmp_path / "imo2025"
    data.mkdir()
    src = REPO / "benchmarks" / "imo2025" / "imo2025.jsonl"
    keep = [x for x in src.read_text().splitlines() if '"imo2025-p1"' in x]
    (data / "imo2025.jsonl").write_text("\n".join(keep) + "\n")
    out = tmp_path / "run"
    judge = JudgeSettings(backend="vllm", model=str(smollm2), preset="smollm2",
                          sampling=SamplingParams(max_tokens=96), attempts=2)
    with open(os.devnull, "w") as sink:
        quiet = Console(file=sink)
        start(RunConfig(benchmark="imo2025", data=data, backend="replay", generations=proofs,
                        out=out, workers=1, judge=judge), quiet, quiet,
              judge_backend=smollm2_engine)
    log = out / "engine.log"  # the shared engine judged: no second engine started
    assert "Initializing a V1 LLM engine" not in (log.read_text() if log.exists() else "")
    js = list(read_jsonl(out / "judgements.jsonl"))
    assert len(js) == 1
    j = js[0]
    attempts = j["details"]["judge_attempts"]
    assert 1 <= len(attempts) <= 2
    assert all(a["error"] is None for a in attempts), attempts  # the model answered
    assert any(a["response"].strip() for a in attempts)  # the judge's real text, kept
    if j["judge_error"] is None:
        assert 0 <= j["score"] <= 7 and attempts[-1]["parsed"]
    else:  # unparseable verdicts: a judge error, retried later, never a score
        assert j["score"] == 0 and len(attempts) == 2
        assert not any(a["parsed"] for a in attempts)
    # The judge's identity in the manifest is the shared engine's (model and template).
    m = json.loads((out / "manifest.json").read_text())
    assert m["judge_model"]["model"] == str(smollm2)
    assert m["judge"]["judge_model"]["chat_template_sha256"] == \
        smollm2_engine.info()["chat_template_sha256"]
