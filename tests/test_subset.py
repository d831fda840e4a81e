"""Runs on a subset (``--limit N``, ``--problems ID,...``), for every bundled benchmark.

Rules (evalkit/pipeline.py select_problems): ``--problems`` keeps the named problems in the
benchmark's order (an unknown id is an error naming it), ``--limit N`` then keeps the first
N; a subset is recorded in the manifest (and summary), gets its own run id, judges and
re-judges only its problems; tables mark it and the gate refuses it against a full run
unless --force.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import list_specs, load_benchmark
from evalkit.errors import EvalkitError
from evalkit.gating import INCOMPARABLE, gate
from evalkit.judging.llm import JudgeSettings
from evalkit.merge import merge_runs
from evalkit.pipeline import RunConfig, rejudge, select_problems, start
from evalkit.report.table import build_leaderboard
from evalkit.results import load_run

REPO = Path(__file__).resolve().parents[1]
FORMAT1_FULL = REPO / "tests" / "run" / "data" / "format1_aime2025"  # a full aime2025 run
BUNDLED = [s.name for s in list_specs() if s.data is not None]


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)


@pytest.mark.parametrize("name", BUNDLED)
def test_limit_and_problems_select_in_benchmark_order(name):
    problems = load_benchmark(name).problems()
    ids = [p.id for p in problems]
    assert len(ids) >= 3, name
    chosen, sub = select_problems(problems, 2, None, name)
    assert [p.id for p in chosen] == ids[:2] and sub is not None
    assert sub.of == len(ids) and sub.limit == 2
    chosen, sub = select_problems(problems, None, [ids[2], ids[0]], name)
    assert [p.id for p in chosen] == [ids[0], ids[2]]  # the benchmark's order, not the flag's
    assert sub is not None and sub.requested == (ids[2], ids[0])
    chosen, sub = select_problems(problems, 1, [ids[2], ids[1]], name)
    assert [p.id for p in chosen] == [ids[1]]
    assert select_problems(problems, len(ids) + 5, None, name) == (problems, None)  # all: full
    with pytest.raises(EvalkitError, match=f"--problems: {name} has no problem 'nope'"):
        select_problems(problems, None, [ids[0], "nope"], name)
    with pytest.raises(EvalkitError, match="--limit must be at least 1"):
        select_problems(problems, 0, None, name)


def _check_subset_run(out: Path, expected: list[str]) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["subset"]["problems"] == expected
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary["problems"]) == sorted(expected)
    assert summary["subset"]["problems"] == expected
    gens = [json.loads(x)["problem_id"] for x in (out / "generations.jsonl").read_text()
            .splitlines()]
    assert set(gens) == set(expected)
    prompts = [json.loads(x)["problem_id"] for x in (out / "prompts.jsonl").read_text()
               .splitlines()]
    assert prompts == expected
    assert load_run(out).subset is not None


def _replay_rows(name: str, ids: list[str]) -> list[dict]:
    problems = {p.id: p for p in load_benchmark(name).problems()}
    return [{"problem_id": i, "sample": 0,
             "response": f"Proof. $\\boxed{{{problems[i].meta.get('answer', '0')}}}$"}
            for i in ids]


# Benchmarks judged without Docker: replayed answers (and a replayed judge for proofs).
@pytest.mark.parametrize("name", ["aime2025", "hmmt_feb2025", "imo_answerbench", "imo2025",
                                  "imo_proofbench"])
def test_subset_run_end_to_end_without_docker(name, tmp_path):
    ids = [p.id for p in load_benchmark(name).problems()]
    wanted = [ids[1], ids[0]]
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(json.dumps(r) + "\n" for r in _replay_rows(name, ids)))
    judge = None
    if load_benchmark(name).needs_judge_model:
        verdicts = tmp_path / "v.jsonl"
        verdicts.write_text("".join(json.dumps({"problem_id": f"{i}#0", "sample": 0,
                                                "response": "<points>7 out of 7</points>"})
                                    + "\n" for i in ids[:2]))
        judge = JudgeSettings(backend="replay", generations=str(verdicts))
    out = tmp_path / "run"
    start(RunConfig(benchmark=name, backend="replay", generations=gens, out=out, workers=1,
                    problems=wanted, limit=2, judge=judge), quiet())
    _check_subset_run(out, [ids[0], ids[1]])
    # `evalkit judge` re-judges the subset only (the replay holds every problem).
    summary = rejudge(out, workers=1, console=quiet(), force=True, out=quiet())
    assert sorted(summary["problems"]) == sorted([ids[0], ids[1]])


@pytest.mark.docker
@pytest.mark.parametrize("name, limit, problems", [
    ("ioi2024_sample", None, ["aplusb"]),
    ("icpc_sample", 1, None),
    ("livecodebench_sample", None, ["1873_A"]),
    ("swebench_sample", 1, None),
])
def test_subset_run_end_to_end_with_the_real_judge(name, limit, problems, tmp_path):
    if name == "swebench_sample":
        from evalkit.swebench.images import build_sample_images

        build_sample_images(log=lambda _msg: None)  # no-op when `make swe-images` built them
    ids = [p.id for p in load_benchmark(name).problems()]
    expected = problems or ids[:limit]
    out = tmp_path / "run"
    summary = start(RunConfig(benchmark=name, out=out, workers=2, limit=limit,
                              problems=problems), quiet())
    _check_subset_run(out, expected)
    assert summary["headline"]["value"] == summary["headline"]["max"]  # reference: full marks


def _aime_subset(tmp_path: Path, limit: int) -> Path:
    rows = [json.loads(x) for x in (FORMAT1_FULL / "generations.jsonl").read_text()
            .splitlines()]
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(json.dumps({k: r[k] for k in ("problem_id", "sample", "response")})
                            + "\n" for r in rows))
    out = tmp_path / f"sub{limit}"
    start(RunConfig(benchmark="aime2025", model="format1-model", backend="replay",
                    generations=gens, out=out, workers=1, limit=limit), quiet())
    return out


def test_subset_is_marked_in_tables_and_refused_by_the_gate_against_a_full_run(tmp_path):
    sub = load_run(_aime_subset(tmp_path, 3))
    full = load_run(FORMAT1_FULL)
    lb = build_leaderboard([full, sub], resamples=200)
    flags = sorted(lb.cells["flag"])
    assert flags[0] == "a" and flags[1].endswith("subset")
    assert any("subset: 3 of 30 problems (--limit 3)" in n for n in lb.notes)
    alone = build_leaderboard([sub], resamples=200)
    assert "SUBSET RUN (subset: 3 of 30 problems (--limit 3))" in alone.notes[0]
    result = gate([full], [sub])
    assert result.exit_code == 2 and result.decisions[0].verdict == INCOMPARABLE
    assert any("subset run" in r for r in result.decisions[0].reasons)
    forced = gate([full], [sub], force=True)
    assert forced.exit_code == 0 and forced.decisions[0].problems == 3
    assert gate([sub], [sub]).exit_code == 0  # the same subset on both sides compares


def test_subset_shards_merge_into_the_subset_run(tmp_path):
    rows = [{"problem_id": p.id, "sample": 0, "response": "\\boxed{1}"}
            for p in load_benchmark("aime2025").problems()]
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(json.dumps(r) + "\n" for r in rows))
    shards = []
    for i in range(2):
        out = tmp_path / f"s{i}"
        start(RunConfig(benchmark="aime2025", backend="replay", generations=gens, out=out,
                        workers=1, limit=4, shard=(i, 2)), quiet())
        shards.append(out)
    summary = merge_runs(shards, tmp_path / "merged", quiet(), quiet())
    assert summary is not None and len(summary["problems"]) == 4
    _check_subset_run(tmp_path / "merged", [r["problem_id"] for r in rows[:4]])


def test_resuming_with_another_subset_is_refused(tmp_path):
    out = _aime_subset(tmp_path, 2)
    with pytest.raises(EvalkitError, match=r"different '(samples|subset)'"):
        start(RunConfig(benchmark="aime2025", model="format1-model", backend="replay",
                        generations=tmp_path / "g.jsonl", out=out, workers=1, limit=3), quiet())


def test_cli_limit_and_problems(tmp_path):
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": "aime_2025_I-2", "sample": 0,
                                "response": "\\boxed{588}"}) + "\n")
    r = subprocess.run([sys.executable, "-m", "evalkit", "run", "aime2025", "--backend",
                        "replay", "--generations", str(gens), "--problems", "aime_2025_I-2",
                        "--results", str(tmp_path / "res"), "--workers", "1"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (run,) = (tmp_path / "res").iterdir()
    assert "--subset1--" in run.name  # its own run id: never resumes into the full run
    _check_subset_run(run, ["aime_2025_I-2"])
