"""evalkit gives the verdicts problemtools gave on packages designed to tell rules apart.

``reference/problemtools_verdicts.json`` holds what ``verifyproblem`` (the
version named there) said about every submission of the packages in
``reference/``: memory exhaustion under RLIMIT_AS (RTE), a flood of output
(TLE), a program that ends over the output limit (OLE), a 300 MiB binary (AC:
no cap on the compiler's output), C compiled as C, multi-pass validation, a
validator asking for more passes than allowed (JE), and the time limit derived
from the accepted submissions.  evalkit judges the same sources in its sandbox.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir
from tests.benchmarks.test_icpc_sample import TAGS, quiet

pytestmark = [pytest.mark.docker, pytest.mark.slow]

REFERENCE = Path(__file__).with_name("reference")
RECORDED = json.loads((REFERENCE / "problemtools_verdicts.json").read_text())


def test_evalkit_agrees_with_problemtools(tmp_path, docker_client, monkeypatch):
    monkeypatch.setenv("EVALKIT_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    lines, want = [], {}
    for name, rec in RECORDED["packages"].items():
        shutil.copytree(REFERENCE / name, data / name)
        for sample, (rel, verdict) in enumerate(sorted(rec["verdicts"].items())):
            code = (REFERENCE / name / rel).read_text()
            lines.append({"problem_id": name, "sample": sample,
                          "response": f"```{TAGS[Path(rel).suffix]}\n{code}```\n"})
            want[(name, sample)] = (rel, verdict)
    gens = tmp_path / "gens.jsonl"
    gens.write_text("".join(json.dumps(x) + "\n" for x in lines))
    start(RunConfig(benchmark="icpc_wf2025", backend="replay", data=data, generations=gens,
                    out=tmp_path / "run", workers=2), quiet())
    rd = RunDir(tmp_path / "run")
    got = rd.judgements()
    differ = {f"{k[0]}/{rel}": (verdict, got[k].verdict, got[k].details.get("tests"))
              for k, (rel, verdict) in want.items() if got[k].verdict != verdict}
    assert not differ
    limits = json.loads((rd.path / "manifest.json").read_text())["judge"]["time_limits"]
    assert limits["kattisrules"] == RECORDED["packages"]["kattisrules"][
        "derived_time_limit"]
    # Where evalkit says more than the verdict, it says why.
    hog = next(j for k, j in got.items() if want[k][0].endswith("memory_hog.cpp"))
    assert "abort" in hog.details["tests"]["secret/hello"]["message"]
    flood = next(j for k, j in got.items() if want[k][0].endswith("flood.cpp"))
    assert "output flood" in flood.details["tests"]["secret/hello"]["message"]
