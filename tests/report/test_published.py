"""results/published/ tables regenerate byte for byte from their run directories."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "results" / "published"


def _publish_module():
    spec = importlib.util.spec_from_file_location("publish_tables",
                                                  REPO / "scripts" / "publish_tables.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_published_table_is_exactly_what_its_runs_give():
    tables = _publish_module().tables(PUBLISHED)
    assert {p.suffix for p, _ in tables} == {".md", ".tex", ".csv", ".json"}
    for path, text in tables:
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: make publish"


def test_table_check_flags_a_hand_edited_table(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    src = PUBLISHED / "ioi2024_sample.md"
    ok = subprocess.run([sys.executable, "-m", "evalkit", "table", str(PUBLISHED / "runs"),
                         "--out", str(src), "--check"], cwd=REPO, env=env, text=True,
                        capture_output=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    edited = tmp_path / "t.md"
    edited.write_text(src.read_text().replace("109.32", "119.32"))
    bad = subprocess.run([sys.executable, "-m", "evalkit", "table", str(PUBLISHED / "runs"),
                          "--out", str(edited), "--check"], cwd=REPO, env=env, text=True,
                         capture_output=True, timeout=120)
    assert bad.returncode == 1 and "differs" in bad.stderr
    assert edited.read_text().count("119.32") >= 1  # --check never writes
