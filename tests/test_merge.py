"""Sharded runs (--shard i/n) and `evalkit merge`: together they equal one run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.jsonl import read_jsonl
from evalkit.pipeline import shard_pairs
from evalkit.records import Problem

REPO = Path(__file__).resolve().parents[1]


def evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_shards_are_disjoint_deterministic_and_cover_everything():
    problems = [Problem(id=p, title=p, messages=[]) for p in ("a", "b", "c")]
    samples = {"a": 3, "b": 1, "c": 2}
    slices = [[(p.id, i) for p, i in shard_pairs(problems, samples, (k, 4))] for k in range(4)]
    every = [(p.id, i) for p, i in shard_pairs(problems, samples, None)]
    assert sorted(x for s in slices for x in s) == sorted(every) and len(every) == 6
    assert slices[0] == [("a", 0), ("c", 0)]  # every 4th from 0, in problem/sample order
    assert slices == [[(p.id, i) for p, i in shard_pairs(problems, samples, (k, 4))]
                      for k in range(4)]


@pytest.mark.docker
@pytest.mark.slow
def test_merged_shards_equal_a_single_run_and_bad_sets_are_refused(tmp_path, docker_client):
    gens = tmp_path / "gens.jsonl"
    gens.write_text("".join(
        json.dumps({"problem_id": p, "sample": i, "response": f"no code here {p} {i}"}) + "\n"
        for p in ("aplusb", "message", "sphinx") for i in range(3)))
    base = ["run", "ioi2024_sample", "--backend", "replay", "--generations", str(gens),
            "--samples", "3", "--workers", "1"]
    for name, extra in (("s0", ["--shard", "0/2"]), ("s1", ["--shard", "1/2"]), ("full", []),
                        ("other", ["--shard", "1/2", "--seed", "5"])):
        r = evalkit(*base, *extra, "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
    n0 = len(list(read_jsonl(tmp_path / "s0" / "generations.jsonl")))
    n1 = len(list(read_jsonl(tmp_path / "s1" / "generations.jsonl")))
    assert (n0, n1) == (5, 4)

    r = evalkit("merge", str(tmp_path / "s0"), str(tmp_path / "s1"), "--out",
                str(tmp_path / "merged"))
    assert r.returncode == 0, r.stderr
    merged = json.loads((tmp_path / "merged" / "summary.json").read_text())
    full = json.loads((tmp_path / "full" / "summary.json").read_text())
    assert merged["score"] == full["score"] and merged["metrics"] == full["metrics"]
    assert merged["generation"]["samples"] == 9 and merged["judged"] == 9
    manifest = json.loads((tmp_path / "merged" / "manifest.json").read_text())
    assert manifest["shard"] is None and len(manifest["merged_from"]) == 2

    def refused(*dirs: str) -> str:
        r = evalkit("merge", *[str(tmp_path / d) for d in dirs], "--out",
                    str(tmp_path / f"bad-{'-'.join(dirs)}"))
        assert r.returncode == 2, r.stderr
        return r.stderr.strip().splitlines()[-1]

    assert "missing shard(s) 1/2" in refused("s0")
    assert "shard 0/2 given twice" in refused("s0", "s0", "s1")
    assert "'sampling' differs" in refused("s0", "other")
    assert "not a shard" in refused("full")
