"""The committed FIXTURE run directories are exactly what their generator writes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def test_fixtures_match_their_generator(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "HERE", tmp_path / "fixtures")
    mod.main()
    made = {p.relative_to(tmp_path / "fixtures"): p.read_bytes()
            for p in (tmp_path / "fixtures").rglob("*") if p.is_file()}
    committed = {p.relative_to(DATA / "fixtures"): p.read_bytes()
                 for p in (DATA / "fixtures").rglob("*") if p.is_file()}
    assert made.keys() == committed.keys()
    stale = [str(k) for k in made if made[k] != committed[k]]
    assert not stale, f"regenerate: python tests/report/data/make_fixtures.py ({stale[:3]})"
