"""Engines load only when a backend that needs them runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_evalkit_and_the_other_backends_do_not_import_vllm_or_torch():
    code = ("import sys, evalkit, evalkit.cli, evalkit.pipeline, evalkit.merge, "
            "evalkit.model.openai_client, evalkit.model.serve, evalkit.model.vllm_engine\n"
            "from evalkit.model import make_backend\n"
            "make_backend('reference')\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'vllm', 'torch', 'transformers', 'httpx'}))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                       env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
