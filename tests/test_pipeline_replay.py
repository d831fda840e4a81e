"""A generations file that names problems the benchmark does not have.

Rule (evalkit/pipeline.py ``check_replay_ids``): such generations are never
judged; the run says how many there are and of how many problem ids (a
warning, exit 0), and ``--strict-ids`` makes it a one-line error before
anything is judged.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.pipeline import RunConfig, start


def rows_with_strangers(path: Path) -> Path:
    ids = [p.id for p in load_benchmark("aime2025").problems()]
    rows = [{"problem_id": pid, "response": "\\boxed{0}"} for pid in ids]
    rows += [{"problem_id": "nope", "sample": s, "response": "x"} for s in range(3)]
    rows += [{"problem_id": "gone", "response": "x"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_unknown_problem_ids_are_counted_in_a_warning(tmp_path):
    buf = io.StringIO()
    s = start(RunConfig(benchmark="aime2025", backend="replay", workers=1,
                        generations=rows_with_strangers(tmp_path / "g.jsonl"),
                        out=tmp_path / "run"), Console(file=buf, width=400))
    assert s["judged"] == 30
    assert ("4 generation(s) of 2 problem id(s) not in the benchmark ('gone', 'nope')"
            in buf.getvalue())


def test_strict_ids_refuses_them_before_judging(tmp_path):
    with pytest.raises(EvalkitError, match=r"g\.jsonl: 4 generation\(s\) of 2 problem id"):
        start(RunConfig(benchmark="aime2025", backend="replay", strict_ids=True,
                        generations=rows_with_strangers(tmp_path / "g.jsonl"),
                        out=tmp_path / "run"), Console(file=io.StringIO()))
    assert not (tmp_path / "run" / "judgements.jsonl").exists()
