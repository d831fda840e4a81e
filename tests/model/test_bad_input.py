"""Bad generation input: one clear line (exit 2), before any engine starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def one_error_line(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert lines[-1].startswith("error: ") and "Traceback" not in r.stderr, r.stderr
    return lines[-1]


def test_unknown_preset(tmp_path):
    line = one_error_line(evalkit("run", "ioi2024_sample", "--backend", "vllm", "--preset",
                                  "gpt-17", "--model", "m", "--out", str(tmp_path / "r")))
    assert "unknown preset 'gpt-17'" in line and "nemotron-cascade-2" in line


def test_missing_model_directory(tmp_path):
    missing = tmp_path / "no-such-model"
    for backend in ("vllm", "serve"):
        line = one_error_line(evalkit("run", "ioi2024_sample", "--backend", backend, "--model",
                                      str(missing), "--out", str(tmp_path / backend)))
        assert f"--model {missing}: no such model directory" in line


def test_server_unreachable(tmp_path):
    line = one_error_line(evalkit("run", "ioi2024_sample", "--backend", "openai", "--base-url",
                                  "http://127.0.0.1:9/v1", "--out", str(tmp_path / "r")))
    assert "http://127.0.0.1:9/v1: server unreachable" in line


def test_bad_shard(tmp_path):
    line = one_error_line(evalkit("run", "ioi2024_sample", "--shard", "3/2", "--out",
                                  str(tmp_path / "r")))
    assert "--shard '3/2'" in line
