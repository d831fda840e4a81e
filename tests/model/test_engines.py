"""The three engine paths (in-process vLLM, managed server, OpenAI client) on a tiny model.

Real vLLM (the CPU build) runs a random-weight Llama built in the session;
``evalkit run ioi2024_sample`` generates, judges the garbage output (quickly:
no code block) and writes the summary.  Checked: records and token counts,
finish reasons, seeds (same seed -> same text), resume after ``kill -9``
mid-generation, Ctrl-C stopping the managed server, and a prompt longer than
max_model_len recorded as that sample's error while the run goes on.
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
from tiny_model import HAS_VLLM, NO_VLLM

from evalkit.jsonl import read_jsonl
from evalkit.model.base import request_seed

pytestmark = [pytest.mark.slow, pytest.mark.docker,
              pytest.mark.skipif(not HAS_VLLM, reason=NO_VLLM)]

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = ("aplusb", "message", "sphinx")


def evalkit(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                            env={**env, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_default_sigint)


def _default_sigint() -> None:
    # A shell that runs the suite in the background (`make test &`) starts it with SIGINT
    # ignored, which children inherit; the Ctrl-C test needs evalkit to see it, as a user's
    # terminal would deliver it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(proc: subprocess.Popen[str], timeout: float = 900) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out + err


def gens(run: Path) -> list[dict[str, Any]]:
    path = run / "generations.jsonl"
    return list(read_jsonl(path)) if path.exists() else []


def by_key(records: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["problem_id"], r["sample"]): r for r in records}


def prompt_lengths(model: Path) -> dict[str, int]:
    from transformers import AutoTokenizer

    from evalkit.benchmarks import load_benchmark

    tok = AutoTokenizer.from_pretrained(model)
    out = {}
    for p in load_benchmark("ioi2024_sample").problems():
        text = tok.apply_chat_template(p.messages, tokenize=False, add_generation_prompt=True,
                                       enable_thinking=True)
        out[p.id] = len(tok.encode(text, add_special_tokens=False))
    return out


def server_processes(model: Path) -> list[int]:
    """Pids of vLLM OpenAI servers serving ``model`` (read from /proc)."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"vllm.entrypoints.openai.api_server" in cmd and str(model).encode() in cmd:
            pids.append(int(d.name))
    return pids


def engine_args(model: Path, *extra: str) -> list[str]:
    return ["run", "ioi2024_sample", "--model", str(model), "--preset", "tiny-chatml",
            "--workers", "1", "--seed", "1", *extra]


# What vLLM prints (main process, EngineCore, workers, server) and Triton/torch warnings.
ENGINE_LINES = ("(EngineCore", "(MainProcess", "(APIServer", " INFO ", " WARNING ", "Triton",
                "[shutdown]")


def check_quiet(terminal: str, run: Path) -> None:
    """No engine line reached the terminal; they are in the run's engine.log, named once."""
    leaked = [x for x in terminal.splitlines() if any(m in x for m in ENGINE_LINES)]
    assert not leaked, leaked[:5]
    assert "engine log: " in terminal and "engine.log" in terminal
    log = (run / "engine.log").read_text(errors="replace")
    assert " INFO " in log and "vllm" in log.lower()


def check_records(records: list[dict[str, Any]], model: Path, samples: int,
                  max_tokens: int) -> None:
    lengths = prompt_lengths(model)
    assert sorted(by_key(records)) == [(p, i) for p in PROBLEMS for i in range(samples)]
    for r in records:
        assert r["error"] is None
        assert r["seed"] == request_seed(1, r["problem_id"], r["sample"])
        assert r["prompt_tokens"] == lengths[r["problem_id"]]
        assert 0 < r["completion_tokens"] <= max_tokens
        assert r["finish_reason"] in ("stop", "length")
        assert r["finish_reason"] == "stop" or r["completion_tokens"] == max_tokens
        assert r["reasoning_tokens"] + r["answer_tokens"] == r["completion_tokens"]


def test_vllm_backend_records_seeds_and_resume_after_kill_9(tiny_model, engine_env, tmp_path):
    args = engine_args(tiny_model, "--backend", "vllm", "--samples", "6", "--max-tokens", "160")
    clean = tmp_path / "clean"
    terminal = finish(evalkit(engine_env, *args, "--out", str(clean)))
    check_quiet(terminal, clean)
    # vLLM's shutdown lines come after the result table: they are logged too.
    assert "[shutdown]" in (clean / "engine.log").read_text(errors="replace")
    records = gens(clean)
    check_records(records, tiny_model, samples=6, max_tokens=160)
    # The template opened <think>: text without </think> is all reasoning, no answer.
    assert all(r["reasoning"] is not None for r in records)
    manifest = json.loads((clean / "manifest.json").read_text())
    assert manifest["environment"]["vllm"] and manifest["environment"]["torch"]
    assert len(manifest["backend"]["chat_template_sha256"]) == 64
    assert manifest["backend"]["engine"]["max_model_len"] == 4096
    assert manifest["sampling"]["temperature"] == 1.0 and manifest["preset"] == "tiny-chatml"
    stats = json.loads((clean / "summary.json").read_text())["generation"]
    assert stats["samples"] == 18
    assert stats["truncated"] == sum(r["finish_reason"] == "length" for r in records)

    # The engine finishes requests in bursts, so a kill at the first written line can land
    # after the last one: try again in a fresh folder (a race of the test, not of evalkit).
    for attempt in range(4):
        killed = tmp_path / f"killed{attempt}"
        proc = evalkit(engine_env, *args, "--out", str(killed))
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not gens(killed) and proc.poll() is None:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        partial = gens(killed)
        if len(partial) < 18:
            break
    assert 1 <= len(partial) < 18, f"kill landed outside generation ({len(partial)} written)"
    finish(evalkit(engine_env, *args, "--out", str(killed)))
    resumed = gens(killed)
    assert resumed[: len(partial)] == partial, "finished samples were regenerated"
    assert len(resumed) == len(by_key(resumed)) == 18, "lost or duplicated samples"
    # Same seed -> same text, whichever batch a request ran in.
    same = by_key(records)
    assert {k: r["reasoning"] for k, r in by_key(resumed).items()} == \
        {k: r["reasoning"] for k, r in same.items()}


def test_vllm_prompt_over_max_model_len_is_that_samples_error(tiny_model, engine_env,
                                                              tmp_path):
    run = tmp_path / "short"
    finish(evalkit(engine_env, *engine_args(tiny_model, "--backend", "vllm", "--max-tokens",
                                            "32", "--max-model-len", "1024"), "--out", str(run)))
    got = by_key(gens(run))
    assert got[("aplusb", 0)]["error"] is None and got[("aplusb", 0)]["completion_tokens"] > 0
    for p in ("message", "sphinx"):
        err = got[(p, 0)]["error"]
        assert err.startswith("prompt is ") and err.endswith("max_model_len is 1024"), err
    assert json.loads((run / "summary.json").read_text())["generation"]["errors"] == 2


def test_serve_backend_stops_its_server_on_ctrl_c_and_resumes(tiny_model, engine_env,
                                                              tmp_path):
    run = tmp_path / "serve"
    args = [*engine_args(tiny_model, "--backend", "serve", "--samples", "4", "--max-tokens",
                         "400", "--concurrency", "2", "--max-model-len", "1024"),
            "--out", str(run)]
    proc = evalkit(engine_env, *args)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not gens(run) and proc.poll() is None:
        time.sleep(0.05)
    assert server_processes(tiny_model), "no vLLM server while generating"
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted" in err
    assert server_processes(tiny_model) == [], "the vLLM server outlived evalkit"
    partial = gens(run)
    assert 1 <= len(partial) < 12

    check_quiet(finish(evalkit(engine_env, *args)), run)  # the server's output included
    records = gens(run)
    assert records[: len(partial)] == partial
    got = by_key(records)
    assert len(records) == len(got) == 12
    assert server_processes(tiny_model) == []
    lengths = prompt_lengths(tiny_model)
    for i in range(4):
        a = got[("aplusb", i)]
        assert a["error"] is None and a["prompt_tokens"] == lengths["aplusb"]
        assert a["reasoning_tokens"] + a["answer_tokens"] == a["completion_tokens"]
        assert a["seed"] == request_seed(1, "aplusb", i)
        for p in ("message", "sphinx"):  # longer than --max-model-len: the server says 400
            assert got[(p, i)]["error"].startswith("HTTP 400"), got[(p, i)]["error"]


def test_openai_backend_against_a_vllm_server(tiny_model, engine_env, tmp_path):
    from dataclasses import replace

    from evalkit.model.config import resolve
    from evalkit.model.serve import VllmServer

    _, preset = resolve("tiny-chatml", None, {})
    settings = replace(preset, model=str(tiny_model))
    old = os.environ.copy()
    os.environ.update(engine_env)
    try:
        with VllmServer(settings) as server:
            runs = []
            for name in ("a", "b"):
                run = tmp_path / name
                finish(evalkit(engine_env, *engine_args(
                    tiny_model, "--backend", "openai", "--base-url", server.base_url,
                    "--samples", "2", "--max-tokens", "96"), "--out", str(run)))
                runs.append(gens(run))
    finally:
        os.environ.clear()
        os.environ.update(old)
    check_records(runs[0], tiny_model, samples=2, max_tokens=96)
    # Same seeds -> the same texts from the server.
    assert [r["reasoning"] for r in runs[0]] != [None] * 6
    assert {k: r["reasoning"] for k, r in by_key(runs[0]).items()} == \
        {k: r["reasoning"] for k, r in by_key(runs[1]).items()}
