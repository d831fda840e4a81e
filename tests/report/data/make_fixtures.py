"""Write the hand-made FIXTURE run directories under tests/report/data/fixtures/.

These stand in for benchmarks whose adapters are not on this branch (ICPC,
LiveCodeBench, AIME/HMMT, IMO, SWE-bench).  They follow the summary contract
(docs/architecture.md) exactly; the numbers are simulated (seeded), NOT real
results.  The lead replaces them with real run directories once those adapters
land.  Regenerate with:

    python tests/report/data/make_fixtures.py
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent / "fixtures"


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _judge(bench: str, limits: dict[str, Any]) -> dict[str, Any]:
    fp = {"benchmark": bench, "data_hash": _h(bench), "grader": f"{bench}-grader-v1",
          "limits": limits}
    return {**fp, "judge_key": _h(json.dumps(fp, sort_keys=True))[:16], "image": None}


def write_run(name: str, bench: str, model: str, headline: dict[str, Any],
              problems: dict[str, dict[str, Any]], samples: dict[str, list[float]],
              sample_max: dict[str, float], metrics: dict[str, Any], sampling: dict[str, Any],
              limits: dict[str, Any], extra_manifest: dict[str, Any] | None = None,
              answer: str = "\\boxed{{{}}}") -> None:
    """One run directory in the contract's shape."""
    run = HERE / name
    run.mkdir(parents=True)
    judge = _judge(bench, limits)
    manifest = {
        "FIXTURE": "hand-made run directory in the summary contract's shape; simulated numbers",
        "benchmark": bench, "data_hash": _h(bench), "model": model,
        "backend": {"backend": "replay"}, "sampling": sampling,
        "samples": {p: len(v) for p, v in samples.items()}, "run_id": name,
        "evalkit_version": "0.1.0", "git_sha": None, "judge": judge,
        **(extra_manifest or {}),
    }
    summary = {
        "benchmark": bench, "run_id": name, "judge_key": judge["judge_key"],
        "score": headline["value"], "max_score": headline["max"], "metrics": metrics,
        "headline": headline, "problems": problems,
        "generations": sum(len(v) for v in samples.values()),
        "judged": sum(len(v) for v in samples.values()),
    }
    gens, judgements = [], []
    for pid, scores in sorted(samples.items()):
        for i, s in enumerate(scores):
            ok = s >= sample_max[pid]
            gens.append({"problem_id": pid, "sample": i,
                         "response": f"<think>working on {pid}</think>Final answer: "
                                     + answer.format(42 if ok else 41)})
            judgements.append({"problem_id": pid, "sample": i, "judge_key": judge["judge_key"],
                               "verdict": "correct" if ok else ("partial" if s > 0 else "wrong"),
                               "score": s, "max_score": sample_max[pid],
                               "details": {"message": "matches the reference" if ok
                                           else "differs from the reference"},
                               "judge_error": None})
    for fname, data in (("manifest.json", manifest), ("summary.json", summary)):
        (run / fname).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    (run / "generations.jsonl").write_text("".join(json.dumps(g, sort_keys=True) + "\n"
                                                   for g in gens))
    (run / "judgements.jsonl").write_text("".join(json.dumps(j, sort_keys=True) + "\n"
                                                  for j in judgements))


def binary_mean_run(name: str, bench: str, model: str, n: int, k: int, skill: float,
                    seed: int, metric: str, temperature: float = 0.6,
                    dates: list[str] | None = None, window: str | None = None) -> None:
    """A rate benchmark (``mean``): each problem's value is the mean of k pass/fail samples."""
    rng = np.random.default_rng(seed)
    difficulty = np.random.default_rng(_seed(bench)).uniform(-2.5, 2.5, n)
    p_solve = 1 / (1 + np.exp(difficulty - skill))
    ids = [f"{bench}-{i:03d}" for i in range(n)]
    samples = {pid: [float(x) for x in rng.random(k) < p] for pid, p in zip(ids, p_solve,
                                                                            strict=True)}
    problems: dict[str, dict[str, Any]] = {
        pid: {"value": sum(v) / k, "max": 1.0} for pid, v in samples.items()}
    if dates:
        for i, pid in enumerate(ids):
            problems[pid]["date"] = dates[i % len(dates)]
    value = sum(p["value"] for p in problems.values()) / n
    write_run(name, bench, model,
              {"name": metric, "unit": "fraction", "aggregate": "mean", "value": value,
               "max": 1.0, "problems": n},
              problems, samples, dict.fromkeys(ids, 1.0), {"k": k},
              {"temperature": temperature, "top_p": 0.95, "max_tokens": 32768, "seed": seed},
              {"timeout_s": 6} if bench.startswith("livecode") else {},
              {"data_window": window} if window else None)


def _seed(text: str) -> int:
    return int(_h(text)[:8], 16)


def icpc_run(name: str, model: str, skill: float, seed: int, medal: str) -> None:
    """ICPC-like: 12 problems, solved if any of 5 submissions is accepted (best-of, a sum)."""
    rng = np.random.default_rng(seed)
    difficulty = np.random.default_rng(_seed("icpc")).uniform(-2, 3, 12)
    ids = [chr(ord("A") + i) for i in range(12)]
    samples = {pid: [float(x) for x in rng.random(5) < 1 / (1 + np.exp(d - skill))]
               for pid, d in zip(ids, difficulty, strict=True)}
    problems = {pid: {"value": float(max(v)), "max": 1.0} for pid, v in samples.items()}
    solved = sum(p["value"] for p in problems.values())
    write_run(name, "icpc_wf2024", model,
              {"name": "solved", "unit": "problems", "aggregate": "sum", "value": solved,
               "max": 12.0, "problems": 12},
              problems, samples, dict.fromkeys(ids, 1.0),
              {"medal": medal, "score_rule": "ICPC: a problem is solved if one of at most 5 "
                                             "submissions is accepted"},
              {"temperature": 0.6, "top_p": 0.95, "max_tokens": 65536, "seed": seed},
              {"time_multiplier": 1.0, "memory_mb": 2048})


def imo_run(name: str, model: str, seed: int) -> None:
    """IMO-like proof grading: 6 problems, 0-7 points per sample, value = mean points."""
    rng = np.random.default_rng(seed)
    ids = [f"P{i}" for i in range(1, 7)]
    samples = {pid: [float(rng.choice([0, 1, 7, 7, 7] if i < 5 else [0, 0, 0, 1]))
                     for _ in range(4)] for i, pid in enumerate(ids)}
    problems = {pid: {"value": sum(v) / 4, "max": 7.0} for pid, v in samples.items()}
    total = sum(p["value"] for p in problems.values())
    write_run(name, "imo2025", model,
              {"name": "IMO points", "unit": "points", "aggregate": "sum", "value": total,
               "max": 42.0, "problems": 6},
              problems, samples, dict.fromkeys(ids, 7.0),
              {"medal": "gold" if total >= 35 else "silver" if total >= 28 else None,
               "medal_cutoffs": {"gold": 35, "silver": 28, "bronze": 19},
               "medal_source": "IMO 2025 official cut-offs"},
              {"temperature": 1.0, "top_p": 1.0, "max_tokens": 65536, "seed": seed},
              {"grader_model": "fixture-grader"}, answer="Proof: ... {}")


def main() -> None:
    if HERE.exists():
        shutil.rmtree(HERE)
    HERE.mkdir(parents=True)
    (HERE / "README.md").write_text(
        "FIXTURES: hand-made run directories in the summary contract's shape, with simulated\n"
        "numbers, for benchmarks whose adapters are not on this branch. Written by\n"
        "../make_fixtures.py. To be replaced with real run directories.\n")
    binary_mean_run("aime2025--model-a", "aime2025", "model-a", 30, 8, 0.8, 1, "avg@8")
    binary_mean_run("aime2025--model-b", "aime2025", "model-b", 30, 8, 0.2, 2, "avg@8",
                    temperature=1.0)
    binary_mean_run("hmmt_feb2025--model-a", "hmmt_feb2025", "model-a", 30, 4, 0.0, 3, "avg@4")
    months = ["2024-10-05", "2024-11-09", "2024-12-14", "2025-01-18"]
    for model, skill, seed in (("model-a", 0.9, 4), ("model-b", 0.3, 5)):
        binary_mean_run(f"livecodebench--{model}", "livecodebench_v6", model, 48, 4, skill,
                        seed, "pass@1", dates=months, window="2024-10-01..2025-01-31")
        binary_mean_run(f"imo_answerbench--{model}", "imo_answerbench", model, 100, 1,
                        skill - 0.5, seed + 10, "accuracy")
    binary_mean_run("swebench_verified--model-a", "swebench_verified", "model-a", 500, 1, 0.6,
                    6, "resolved", temperature=0.0)
    binary_mean_run("swebench_verified--model-b", "swebench_verified", "model-b", 500, 1, 0.35,
                    7, "resolved", temperature=0.0)
    icpc_run("icpc_wf2024--model-a", "model-a", 0.8, 8, "silver")
    icpc_run("icpc_wf2024--model-b", "model-b", -0.2, 9, "bronze")
    imo_run("imo2025--model-a", "model-a", 10)


if __name__ == "__main__":
    main()
