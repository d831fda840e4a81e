"""Tool-integrated reasoning (protocol "tir"), specified on AIME 2025.

Recorded multi-turn conversations are replayed as the model's turns; every tool
call really runs in a sandboxed Python session (one judge container per sample),
and its real output is what the next turn was asked with.  A real CPU vLLM
engine with the tiny random model runs the template -> parser -> sandbox ->
<tool_response> path end to end (structured output forces the first call).  A
run killed with kill -9 during a tool call or during a generation resumes to
the records of an uninterrupted run.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from evalkit.episodes import Journal
from evalkit.pipeline import RunConfig, generate_run, judge_run, prepare, start
from evalkit.run import RunStore
from evalkit.tools.calls import PYTHON_TOOL_NAME

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[2]
I1, I2, I3 = "aime_2025_I-1", "aime_2025_I-2", "aime_2025_I-3"  # gold 70, 588, 16


def xml(code: str) -> str:
    """A call as Nemotron-Cascade 2 writes it (Qwen3-coder XML)."""
    return (f"<tool_call>\n<function={PYTHON_TOOL_NAME}>\n<parameter=code>\n{code}\n"
            "</parameter>\n</function>\n</tool_call>")


def openai_call(code: str) -> dict[str, Any]:
    """A call as an OpenAI-compatible server returns it (message.tool_calls)."""
    return {"id": "call_0", "type": "function",
            "function": {"name": PYTHON_TOOL_NAME, "arguments": json.dumps({"code": code})}}


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps({"sample": 0, **r}) + "\n" for r in rows))
    return path


def recorded(path: Path) -> Path:
    """I-1: two calls sharing state, then right; I-2: a malformed call, a server-parsed
    call, then right; I-3: code that raises, then wrong."""
    return write(path, [
        {"problem_id": I1, "step": 0, "response": "Compute it.\n" + xml("x = 7 * 10\nprint(x)")},
        {"problem_id": I1, "step": 1, "response": xml("print(x + 1)")},
        {"problem_id": I1, "step": 2, "response": "So the answer is \\boxed{70}."},
        {"problem_id": I2, "step": 0, "response":
            f"<tool_call>\n<function={PYTHON_TOOL_NAME}>\nprint(1)\n</function>\n</tool_call>"},
        {"problem_id": I2, "step": 1, "response": "",
         "tool_calls": [openai_call("print(sum(range(5)))")]},
        {"problem_id": I2, "step": 2, "response": "\\boxed{588}"},
        {"problem_id": I3, "step": 0, "response": xml("1 / 0")},
        {"problem_id": I3, "step": 1, "response": "\\boxed{1}"},
    ])


def run(out: Path, gens: Path, problems: list[str], **options: Any) -> dict[str, Any]:
    cfg = RunConfig(benchmark="aime2025", backend="replay", generations=gens, out=out,
                    workers=1, problems=problems, preset="nemotron-cascade-2",
                    options={"protocol": "tir", **options})
    return start(cfg, Console(file=io.StringIO(), width=200))


def conversation(run_dir: Path, pid: str, step: int) -> list[dict[str, Any]]:
    """The stored conversation step ``step`` of ``pid`` was generated from."""
    gens = [g for g in RunStore(run_dir).all_generations() if g.problem_id == pid]
    (g,) = [g for g in gens if g.step == step]
    return g.conversation([], gens)


@pytest.fixture(scope="module")
def tir_run(tmp_path_factory, docker_client) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("tir")
    out = base / "run"
    return out, run(out, recorded(base / "g.jsonl"), [I1, I2, I3])


def test_tool_results_are_real_and_fed_back_and_the_final_turn_is_graded(tir_run):
    out, summary = tir_run
    assert summary["score"] == pytest.approx(2 / 3)  # I-1, I-2 right; I-3 wrong
    conv = conversation(out, I1, 2)
    assert [m["role"] for m in conv] == ["assistant", "user", "assistant", "user"]
    # The session's real output, state kept between calls (x from the first call).
    assert conv[1]["content"] == "<tool_response>\n70\n\n</tool_response>"
    assert conv[3]["content"] == "<tool_response>\n71\n\n</tool_response>"
    judgements = RunStore(out).judgements()
    assert judgements[(I1, 0)].step == 2 and judgements[(I1, 0)].score == 1
    finals = Journal(out).finals()
    assert finals[(I1, 0)].metrics == {"turns": 3, "tool_calls": 2, "errors": 0,
                                       "timeouts": 0, "hit_cap": False}


def test_a_malformed_call_is_an_error_result_and_a_server_parsed_call_runs(tir_run):
    out, _ = tir_run
    conv = conversation(out, I2, 2)
    assert "malformed tool call: missing string parameter 'code'" in conv[1]["content"]
    # The server's tool_calls are kept on the assistant turn (it re-renders them).
    assert conv[2]["tool_calls"][0]["function"]["name"] == PYTHON_TOOL_NAME
    assert conv[3]["content"] == "<tool_response>\n10\n\n</tool_response>"
    assert Journal(out).finals()[(I2, 0)].metrics["errors"] == 1
    assert "ZeroDivisionError" in conversation(out, I3, 1)[1]["content"]


def test_summary_manifest_table_and_gate(tir_run, tmp_path):
    from evalkit.gating import INCOMPARABLE, gate
    from evalkit.pipeline import start
    from evalkit.report.table import build_leaderboard
    from evalkit.results import load_run

    out, summary = tir_run
    assert summary["protocol"]["metrics"] == {
        "samples": 3, "tool_calls": 4, "tool_calls_mean": pytest.approx(4 / 3, abs=1e-3),
        "tool_calls_max": 2, "hit_cap": 0, "errors": 2, "timeouts": 0}
    assert RunStore(out).manifest().protocol == {
        "name": "tir", "max_calls": 100, "timeout": 120.0, "max_output_chars": 10000}
    single = write(tmp_path / "s.jsonl", [{"problem_id": p, "response": "\\boxed{70}"}
                                          for p in (I1, I2, I3)])
    start(RunConfig(benchmark="aime2025", backend="replay", generations=single,
                    out=tmp_path / "single", workers=1, problems=[I1, I2, I3]),
          Console(file=io.StringIO()))
    a, b = load_run(tmp_path / "single"), load_run(out)
    assert any("protocol tir max_calls=100" in n
               for n in build_leaderboard([b], resamples=50).notes)
    result = gate([a], [b])
    assert result.exit_code == 2 and result.decisions[0].verdict == INCOMPARABLE
    assert any("candidate: tir" in r for r in result.decisions[0].reasons)
    assert gate([a], [b], force=True).exit_code in (0, 1)


def test_past_the_cap_the_tool_says_so_and_the_next_turn_answers(tmp_path, docker_client):
    gens = write(tmp_path / "g.jsonl", [
        {"problem_id": I1, "step": 0, "response": xml("x = 70") + "\n" + xml("print(x)")},
        # Past the cap a call is not run: this turn is the answer.
        {"problem_id": I1, "step": 1, "response": xml("print(x)") + "\n\\boxed{70}"},
    ])
    s = run(tmp_path / "run", gens, [I1], **{"tir.max_calls": 1})
    conv = conversation(tmp_path / "run", I1, 1)
    assert conv[1]["content"] == ("<tool_response>\n[no output]\n</tool_response>\n"
                                  "<tool_response>\nTool call limit reached (1 calls); answer "
                                  "without the tool.\n</tool_response>")
    assert s["protocol"]["metrics"]["hit_cap"] == 1 and s["score"] == 1
    records = Journal(tmp_path / "run").read()[(I1, 0)]
    assert len(records.acts) == 1  # the capped call never reached the sandbox


# -- kill -9 and resume --------------------------------------------------------------------

RUNNER = """
import io, sys, time
from pathlib import Path
from rich.console import Console
from evalkit.model.replay import ReplayBackend
from evalkit.pipeline import RunConfig, generate_run, judge_run, prepare

gens, out, slow_step, marker = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), \\
    Path(sys.argv[4])

class Slow(ReplayBackend):
    # Replay whose turn `slow_step` takes long: a kill lands during that generation.
    def generate(self, requests):
        for r in requests:
            if r.step == slow_step:
                marker.touch()
                time.sleep(60)
        yield from super().generate(requests)

cfg = RunConfig(benchmark="aime2025", backend="replay", generations=gens, out=out, workers=1,
                problems=["aime_2025_I-1"], preset="nemotron-cascade-2",
                options={"protocol": "tir"})
console = Console(file=io.StringIO())
run = prepare(cfg, console, backend=Slow(gens, tool_call_format="qwen3_coder"))
try:
    generate_run(run, console)
    judge_run(run, cfg, console)
finally:
    run.rd.unlock()
"""


def kill_conversation(path: Path) -> Path:
    return write(path, [
        {"problem_id": I1, "step": 0, "response": xml("import time\ntime.sleep(4)\nx = 70")},
        {"problem_id": I1, "step": 1, "response": xml("print(x + 1)")},  # needs x: rebuilt
        {"problem_id": I1, "step": 2, "response": "\\boxed{70}"},
    ])


def runner(gens: Path, out: Path, slow_step: int, marker: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(gens), str(out), str(slow_step),
                             str(marker)], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def records(out: Path) -> dict[str, Any]:
    """What a run's outcome is: finals, tool results, judgements, responses."""
    journal = Journal(out).read()[(I1, 0)]
    store = RunStore(out)
    return {"final": journal.final, "acts": [a["result"] for a in journal.acts],
            "judgements": {k: (j.score, j.step) for k, j in store.judgements().items()},
            "steps": sorted((g.step, g.response) for g in store.all_generations())}


def tool_containers(client: Any, pid: int) -> list[Any]:
    return client.containers.list(all=True, filters={
        "label": ["evalkit.sandbox.tool=python", f"evalkit.sandbox.pid={pid}"]})


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, docker_client) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("whole")
    gens = kill_conversation(base / "g.jsonl")
    proc = runner(gens, base / "run", -1, base / "marker")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    return records(base / "run")


@pytest.mark.slow
@pytest.mark.parametrize("during", ["tool call", "generation"])
def test_kill_9_mid_episode_resumes_to_the_same_records(during, uninterrupted, tmp_path,
                                                        docker_client):
    gens = kill_conversation(tmp_path / "g.jsonl")
    out, marker = tmp_path / "run", tmp_path / "marker"
    proc = runner(gens, out, -1 if during == "tool call" else 1, marker)
    deadline = time.monotonic() + 240
    while True:  # the first call's session is up (its code sleeps), or turn 1 is generating
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        if (tool_containers(docker_client, proc.pid) if during == "tool call"
                else marker.exists()):
            break
        assert time.monotonic() < deadline, f"never reached the {during}"
        time.sleep(0.2)
    if during == "tool call":
        time.sleep(1.0)  # inside the call's sleep
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    journal = Journal(out).read().get((I1, 0))
    acts = len(journal.acts) if journal else 0
    assert acts == (0 if during == "tool call" else 1) and (journal is None or not journal.final)
    again = runner(gens, out, -1, marker)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()[-2000:]
    assert records(out) == uninterrupted
    assert uninterrupted["acts"][1]["stdout"] == "71\n"  # state rebuilt by replaying call 1
    assert tool_containers(docker_client, proc.pid) == []  # the killed run's session reaped


# -- real CPU vLLM --------------------------------------------------------------------------

FORCED = xml("print(6 * 7)")


def literal(text: str) -> str:
    """A regex matching exactly ``text`` (newlines as \\n: the form vLLM's grammar
    backends read)."""
    return "".join("\\n" if c == "\n" else "\\" + c if c in ".^$*+?()[]{}|\\/" else c
                   for c in text)


@pytest.fixture(scope="module")
def engine(tiny_model) -> Any:
    """One in-process vLLM engine on the tiny model (qwen3_coder tool calls)."""
    from tiny_model import ENGINE_ENV

    from evalkit.model.config import EngineSettings
    from evalkit.model.vllm_engine import VllmBackend

    os.environ.update(ENGINE_ENV)
    backend = VllmBackend(EngineSettings(
        model=str(tiny_model), max_model_len=4096, gpu_memory_utilization=0.1,
        dtype="float32", chat_template_kwargs={"enable_thinking": False},
        extra={"enable_chunked_prefill": False, "max_num_batched_tokens": 4096,
               "enforce_eager": True},  # no torch.compile warm-up (minutes on 2 cores)
        tool_call_format="qwen3_coder"))
    yield backend
    backend.close()


def math_data(root: Path) -> Path:
    """aime2025 in MathArena's layout with one statement (the bundled copy has none)."""
    for part, rows in (("aime_2025_I", "1,70\n"), ("aime_2025_II", "1,1\n")):
        (root / part).mkdir(parents=True)
        (root / part / "answers.csv").write_text("id,answer\n" + rows)
    (root / "aime_2025_I" / "problems").mkdir()
    (root / "aime_2025_I" / "problems" / "1.tex").write_text("Compute $7 \\cdot 10$.")
    return root


@pytest.mark.slow
def test_real_vllm_template_parser_sandbox_and_tool_response(engine, tmp_path, docker_client):
    from dataclasses import replace

    from evalkit.model.base import Backend
    from evalkit.model.vllm_engine import render

    class Forced(Backend):
        """The engine, with turn 0 forced to a well-formed call by vLLM's structured
        output (a random-weight model would never write one)."""

        name = "vllm"

        def info(self) -> dict[str, Any]:
            return {"backend": "vllm", "forced_first_call": FORCED}

        def generate(self, requests):  # type: ignore[no-untyped-def]
            yield from engine.generate([
                replace(r, extra={**r.extra, "structured_outputs": {"regex": literal(FORCED)}})
                if r.step == 0 else r for r in requests])

    cfg = RunConfig(benchmark="aime2025", backend="vllm", data=math_data(tmp_path / "data"),
                    out=tmp_path / "run", workers=1, problems=["aime_2025_I-1"],
                    overrides={"max_tokens": 256, "temperature": 0.0},
                    options={"protocol": "tir"})
    console = Console(file=io.StringIO())
    prepared = prepare(cfg, console, backend=Forced())
    try:
        generate_run(prepared, console)
        summary = judge_run(prepared, cfg, console)
    finally:
        prepared.rd.unlock()
    gens = sorted(RunStore(tmp_path / "run").all_generations(), key=lambda g: g.step)
    assert gens[0].response == FORCED and gens[0].meta["tool_call_format"] == "qwen3_coder"
    assert len(gens) >= 2 and summary["protocol"]["metrics"]["tool_calls"] >= 1
    acts = Journal(tmp_path / "run").read()[("aime_2025_I-1", 0)].acts
    assert acts[0]["result"]["stdout"] == "42\n"  # really run in the sandbox
    # Turn 2's prompt, rebuilt from the stored conversation and rendered by the model's own
    # template, holds the tool result exactly as ChatML writes a user turn.
    conv = gens[1].conversation(prepared.problems[0].messages, gens[:1])
    prompt = render(engine.tokenizer, conv, {"enable_thinking": False}, _tools())
    assert ("<|im_start|>assistant\n" + FORCED + "<|im_end|>\n<|im_start|>user\n"
            "<tool_response>\n42\n\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
            ) in prompt


def _tools() -> list[dict[str, Any]]:
    from evalkit.tools.calls import python_tool_schema

    return [python_tool_schema(120.0)]


@pytest.mark.parametrize("name", ["aime2025", "hmmt_feb2025", "imo_answerbench",
                                  "livecodebench_v6", "livecodebench_sample"])
def test_the_benchmarks_the_card_reports_with_tir_run_it(name):
    from evalkit.benchmarks import load_benchmark
    from evalkit.pipeline import benchmark_protocol

    bench = load_benchmark(name, None, {"protocol": "tir", "tir.max_calls": 20})
    proto = benchmark_protocol(bench)
    assert proto is not None and proto.identity() == {
        "name": "tir", "max_calls": 20, "timeout": 120.0, "max_output_chars": 10000}


def test_bad_tir_options_are_one_line_errors():
    from evalkit.benchmarks import load_benchmark
    from evalkit.errors import EvalkitError
    from evalkit.pipeline import benchmark_protocol

    with pytest.raises(EvalkitError, match=r"option 'tir.max_calls': must be >= 1, not 0"):
        benchmark_protocol(load_benchmark("aime2025", None, {"protocol": "tir",
                                                             "tir.max_calls": 0}))
    with pytest.raises(EvalkitError, match=r"does not run protocol 'tir'"):
        benchmark_protocol(load_benchmark("ioi2024_sample", None, {"protocol": "tir"}))
