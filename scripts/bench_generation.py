"""Generation overhead and throughput figures on the tiny test model (CPU vLLM).

1. The same requests (same seeds) through bare ``vllm.LLM.chat`` and through
   evalkit's ``vllm`` backend (the same engine object, records written to a
   JSONL log as in a run): wall-time ratio evalkit / bare (target <= 1.05).
   Runs alternate, best of ``--repeats`` each.
2. evalkit's ``openai`` backend against a vLLM OpenAI server (started by
   evalkit's ``VllmServer``) with concurrency 1 vs 64: completion tokens/s.

Usage: python scripts/bench_generation.py [--requests 64] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "model"))
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TOPICS = ["sums", "graphs", "strings", "geometry", "dynamic programming", "greedy", "trees",
          "bits"]


def make_requests(n: int, max_tokens: int) -> list:
    from evalkit.model import GenerationRequest, SamplingParams, request_seed
    from evalkit.records import Problem

    params = SamplingParams(temperature=1.0, top_p=0.95, max_tokens=max_tokens, seed=7)
    out = []
    for i in range(n):
        text = f"Problem {i}: write a C++ program about {TOPICS[i % len(TOPICS)]}."
        p = Problem(id=f"p{i}", title=text, messages=[{"role": "user", "content": text}])
        out.append(GenerationRequest(problem=p, sample=0, messages=p.messages, params=params,
                                     seed=request_seed(7, p.id, 0)))
    return out


def bare(llm, requests, thinking: dict) -> tuple[float, int]:
    from vllm import SamplingParams as VP

    params = [VP(n=1, temperature=r.params.temperature, top_p=r.params.top_p,
                 max_tokens=r.params.max_tokens, seed=r.seed) for r in requests]
    t = time.perf_counter()
    outs = llm.chat([r.messages for r in requests], params, use_tqdm=False,
                    chat_template_kwargs=thinking)
    dt = time.perf_counter() - t
    return dt, sum(len(o.outputs[0].token_ids) for o in outs)


def evalkit_backend(backend, requests, tmp: Path) -> tuple[float, int]:
    from evalkit.jsonl import JsonlLog

    path = tmp / f"gens-{time.monotonic_ns()}.jsonl"
    t = time.perf_counter()
    tokens = 0
    with JsonlLog(path) as log:
        for g in backend.generate(requests):
            log.append(g.to_json())
            tokens += g.completion_tokens or 0
    return time.perf_counter() - t, tokens


def client_throughput(model: Path, requests, concurrency_levels) -> list[tuple[int, float, int]]:
    from evalkit.model.config import ClientSettings, EngineSettings
    from evalkit.model.openai_client import OpenAIBackend
    from evalkit.model.serve import SERVED_NAME, VllmServer

    settings = EngineSettings(model=str(model), max_model_len=2048, dtype="float32",
                              gpu_memory_utilization=0.1)
    rows = []
    with VllmServer(settings) as server:
        warm = OpenAIBackend(SERVED_NAME, ClientSettings(base_url=server.base_url), settings)
        list(warm.generate(requests[:4]))
        for c in concurrency_levels:
            client = OpenAIBackend(SERVED_NAME, ClientSettings(base_url=server.base_url,
                                                               concurrency=c), settings)
            t = time.perf_counter()
            tokens = sum(g.completion_tokens or 0 for g in client.generate(requests))
            rows.append((c, time.perf_counter() - t, tokens))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=64)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-server", action="store_true")
    a = ap.parse_args()

    from rich.console import Console
    from rich.table import Table
    from tiny_model import build_tiny_model
    from vllm import LLM

    from evalkit.model.config import EngineSettings
    from evalkit.model.vllm_engine import VllmBackend

    console = Console()
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-gen-"))
    model = build_tiny_model(tmp / "tiny")
    requests = make_requests(a.requests, a.max_tokens)
    thinking = {"enable_thinking": True}
    settings = EngineSettings(model=str(model), max_model_len=2048, dtype="float32",
                              gpu_memory_utilization=0.1, chat_template_kwargs=thinking)
    llm = LLM(model=str(model), max_model_len=2048, dtype="float32",
              gpu_memory_utilization=0.1)
    backend = VllmBackend(settings)
    backend.llm = llm  # the very same engine: only evalkit's own work differs
    bare(llm, requests[:4], thinking)  # warm-up
    b_times, e_times = [], []
    b_tok = e_tok = 0
    for _ in range(a.repeats):
        dt, b_tok = bare(llm, requests, thinking)
        b_times.append(dt)
        dt, e_tok = evalkit_backend(backend, requests, tmp)
        e_times.append(dt)
    del backend, llm

    t = Table(title=f"in-process vLLM, {a.requests} requests x <= {a.max_tokens} tokens "
                    f"(tiny Llama, CPU), best of {a.repeats}")
    for col in ("path", "wall s", "completion tokens", "tokens/s"):
        t.add_column(col)
    t.add_row("bare vllm.LLM.chat", f"{min(b_times):.2f}", str(b_tok),
              f"{b_tok / min(b_times):.0f}")
    t.add_row("evalkit --backend vllm", f"{min(e_times):.2f}", str(e_tok),
              f"{e_tok / min(e_times):.0f}")
    console.print(t)
    console.print(f"wall-time ratio evalkit / bare: [bold]{min(e_times) / min(b_times):.3f}[/] "
                  f"(same tokens: {b_tok == e_tok})")

    if a.skip_server:
        return
    rows = client_throughput(model, requests, (1, 64))
    t = Table(title="evalkit --backend openai against a vLLM server (same requests)")
    for col in ("concurrency", "wall s", "completion tokens", "tokens/s"):
        t.add_column(col)
    for c, dt, tok in rows:
        t.add_row(str(c), f"{dt:.2f}", str(tok), f"{tok / dt:.0f}")
    console.print(t)
    console.print(f"throughput ratio concurrency 64 / 1: [bold]"
                  f"{(rows[1][2] / rows[1][1]) / (rows[0][2] / rows[0][1]):.1f}x[/]")


if __name__ == "__main__":
    main()
