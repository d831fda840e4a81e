"""Untrusted text through every benchmark family: no traceback, the run completes.

Rule (issue 12; docs/architecture.md "Untrusted text"): model responses,
generations-file fields and program output are data, never a reason for
evalkit to stop.  Random bytes (read as text with lone surrogates), lone
surrogates, NULs and multi-megabyte lines go in as responses and reasoning of
a replayed generations file, and as the output of programs (C++ writing raw
bytes, Python printing ``"\\ud800"``), through the math, LiveCodeBench, ICPC and
IOI pipelines.  Every generation gets a judgement, the run files stay valid
UTF-8 JSON lines that read back, a summary is written, and a second run
resumes with nothing to do.  The generator is seeded: a failure is reproducible.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.jsonl import read_jsonl
from evalkit.pipeline import RunConfig, start

SEED = 12


def junk(rng: random.Random) -> list[str]:
    """Responses no model should write, and some do."""
    raw = bytes(rng.randrange(256) for _ in range(3000))
    return [
        raw.decode("utf-8", errors="surrogateescape"),  # lone surrogates \udc80-\udcff
        "\ud800" + "answer \udfff \\boxed{\ud83d}",
        "\x00" * 500 + "<think>\x00</think>\x00\\boxed{\x00}",
        "x" * 2_000_000,  # one huge line
        "<think>" + "never closed " * 50_000,
        "".join(chr(rng.randrange(0x110000)) for _ in range(2000)),
    ]


def cpp_printing_bytes(rng: random.Random) -> str:
    data = bytes(rng.randrange(256) for _ in range(512)) + b"\xed\xa0\x80\x00\xff\xfe"
    hexes = ",".join(str(b) for b in data)
    return ("```cpp\n#include <cstdio>\nint main(){static const unsigned char d[]={" + hexes +
            "};for(int r=0;r<64;r++)fwrite(d,1,sizeof d,stdout);"
            "for(int i=0;i<1000000;i++)putchar('z');return 0;}\n```")


PY_PRINTS = [
    '```python\nimport sys\nprint("\\ud800")\n```',
    '```python\nimport sys\nsys.stdout.buffer.write(bytes(range(256)) * 100)\n```',
    '```python\nprint("\\x00" * 1000 + "y" * 3000000)\n```',
]


def generations(bench: str, rng: random.Random, programs: list[str]) -> list[dict]:
    """Every problem gets the junk; the first one the programs too."""
    rows = []
    for k, p in enumerate(load_benchmark(bench).problems()):
        texts = junk(rng) + (programs if k == 0 else [])
        for s, text in enumerate(texts):
            row: dict = {"problem_id": p.id, "sample": s, "response": text,
                         "finish_reason": rng.choice(["stop", "length", None])}
            if s % 2:
                row["reasoning"] = "\udcff\x00" * 100
            rows.append(row)
    return rows


def run_fuzz(tmp_path: Path, bench: str, programs: list[str]) -> None:
    rng = random.Random(SEED)
    rows = generations(bench, rng, programs)
    gens = tmp_path / "g.jsonl"
    # ensure_ascii: the file itself is valid UTF-8; the strings hold the surrogates
    gens.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "run"
    cfg = RunConfig(benchmark=bench, backend="replay", generations=gens, out=out, workers=2)
    summary = start(cfg, Console(file=io.StringIO(), width=200))
    assert summary["judged"] == len(rows), summary
    for name in ("generations.jsonl", "judgements.jsonl"):
        (out / name).read_bytes().decode("utf-8")  # strict: the files stay UTF-8
        assert len(list(read_jsonl(out / name))) == len(rows)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["judged"] == len(rows)
    again = start(cfg, Console(file=io.StringIO(), width=200))  # resumes, nothing to do
    assert again["judged"] == len(rows)


def test_math_survives_untrusted_text(tmp_path):
    run_fuzz(tmp_path, "aime2025", [])


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("bench,programs", [
    ("livecodebench_sample", PY_PRINTS),
    ("icpc_sample", [cpp_printing_bytes(random.Random(SEED)), *PY_PRINTS[:1]]),
    ("ioi2024_sample", [cpp_printing_bytes(random.Random(SEED))]),
], ids=["lcb", "icpc", "ioi"])
def test_code_benchmarks_survive_untrusted_text_and_output(tmp_path, bench, programs):
    run_fuzz(tmp_path, bench, programs)
