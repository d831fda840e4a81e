"""Suites: a suite file's options and errors; three bundled benchmarks run as one unit into
one folder (one backend shared, resumed as a unit), listed by `evalkit runs` and gated
folder against folder with one exit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.errors import EvalkitError
from evalkit.pipeline import RunConfig
from evalkit.runlist import COMPLETE, PARTIAL, list_runs
from evalkit.suite import SUITE_JSON, entry_config, load_suite, run_suite, suite_of

REPO = Path(__file__).resolve().parents[1]
THREE = ("ioi2024_sample", "icpc_sample", "livecodebench_sample")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_suite_file_layers_defaults_under_entries(tmp_path):
    (tmp_path / "d").mkdir()
    s = load_suite(write(tmp_path / "s.toml", """
name = "mine"
[defaults]
samples = 2
max_tokens = 100
limit = 2
[[benchmark]]
name = "icpc_sample"
max_tokens = 50
problems = ["hello", "guess"]
[[benchmark]]
name = "imo_answerbench"
data = "d"
samples = 3
limit = 1
"""))
    assert s.name == "mine"
    a, b = s.entries
    assert (a.benchmark, a.samples, a.sampling) == ("icpc_sample", 2, {"max_tokens": 50})
    assert (b.samples, b.sampling, b.data) == (3, {"max_tokens": 100}, tmp_path / "d")
    # A subset per benchmark, as --limit / --problems: the entry's, else [defaults]'.
    assert (a.limit, a.problems, b.limit, b.problems) == (2, ("hello", "guess"), 1, None)
    assert entry_config(RunConfig(benchmark=""), a, tmp_path).problems == ["hello", "guess"]
    assert entry_config(RunConfig(benchmark="", limit=5), b, tmp_path).limit == 5
    # The command line wins over the suite file; unset options (None) do not.
    cfg = RunConfig(benchmark="", samples=None, overrides={"max_tokens": 7, "top_p": None})
    c = entry_config(cfg, a, tmp_path / "out")
    assert (c.benchmark, c.samples, c.overrides, c.results_root) == \
        ("icpc_sample", 2, {"max_tokens": 7}, tmp_path / "out")


@pytest.mark.parametrize(("text", "message"), [
    ('[[benchmark]]\nname = "a"\nmax_model_len = 5\n', "unknown option 'max_model_len'"),
    ('[[benchmark]]\nname = "a"\n[[benchmark]]\nname = "a"\n', "listed twice"),
    ('[[benchmark]]\nname = "a"\ndata = "${EVALKIT_NO_SUCH_VAR}/x"\n', "unset environment"),
    ('[[benchmark]]\nname = "a"\nsamples = 0\n', "'samples' must be a positive integer"),
    ('[[benchmark]]\nname = "a"\nlimit = 0\n', "'limit' must be a positive integer"),
    ('[[benchmark]]\nname = "a"\nproblems = "p1"\n', "'problems' must be a list"),
    ('name = "x"\n', "needs at least one [[benchmark]]"),
    ('[[benchmark]]\nsamples = 1\n', 'needs name = "<benchmark>"'),
    ("[[benchmark]\n", "not valid TOML"),
])
def test_bad_suite_file_is_one_clear_error(tmp_path, text, message):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(EvalkitError, match=r"bad\.toml") as e:
        load_suite(path)
    assert message in str(e.value)


def test_bundled_suites_load_and_name_known_benchmarks(monkeypatch):
    from evalkit.benchmarks import list_specs

    available = {s.name for s in list_specs()}
    monkeypatch.setenv("EVALKIT_DATA", "/data")
    nemotron = suite_of(["nemotron-cascade-2.toml"])
    assert {e.benchmark for e in nemotron.entries} == {
        "imo2025", "imo_answerbench", "imo_proofbench", "aime2025", "hmmt_feb2025",
        "livecodebench_v6", "ioi2025", "icpc_wf2025"}
    demo = suite_of(["demo.toml"])
    for e in (*nemotron.entries, *demo.entries):
        assert e.benchmark in available
    # A listed suite gets a stable name, so the same command resumes the same folder.
    assert suite_of(list(THREE)).name == suite_of(list(THREE)).name


def evalkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=REPO, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)},
                          timeout=600)


@pytest.fixture(scope="module")
def suite_dir(docker_client, tmp_path_factory) -> Path:
    """Three bundled benchmarks run as one suite with reference solutions."""
    folder = tmp_path_factory.mktemp("suite") / "three"
    cfg = RunConfig(benchmark="", workers=2, out=folder)
    with open(os.devnull, "w") as sink:
        quiet = Console(file=sink)
        run_suite(suite_of(list(THREE)), cfg, quiet, quiet)
    return folder


@pytest.mark.docker
@pytest.mark.slow
def test_suite_runs_into_one_folder_and_resumes_as_a_unit(suite_dir):
    record = json.loads((suite_dir / SUITE_JSON).read_text())
    assert [b["benchmark"] for b in record["benchmarks"]] == list(THREE)
    assert set(record["runs"]) == set(THREE)
    rows = {r.benchmark: r for r in list_runs(suite_dir)}
    assert set(rows) == set(THREE)
    assert all(r.status == COMPLETE for r in rows.values()), rows
    assert rows["ioi2024_sample"].headline.startswith("IOI score ")  # ours is the suite, not
    assert rows["ioi2024_sample"].headline.endswith("/300")           # the IOI verdicts
    # Re-running the same command: every run resumes; nothing is generated or judged again.
    before = {b: (suite_dir / d / "judgements.jsonl").read_text()
              for b, d in record["runs"].items()}
    proc = evalkit("run", *THREE, "--out", str(suite_dir), "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.count("resuming") == 3
    assert before == {b: (suite_dir / d / "judgements.jsonl").read_text()
                      for b, d in record["runs"].items()}
    assert "suite" in proc.stdout and "/ 300" in proc.stdout and "/ 5" in proc.stdout
    # Another suite in the same folder is refused.
    other = evalkit("run", "ioi2024_sample", "icpc_sample", "--out", str(suite_dir))
    assert other.returncode == 2 and "holds another suite" in other.stderr


@pytest.mark.docker
@pytest.mark.slow
def test_gate_compares_two_suite_folders_benchmark_by_benchmark(suite_dir, tmp_path):
    same = evalkit("gate", "--baseline", str(suite_dir), "--candidate", str(suite_dir))
    assert same.returncode == 0, same.stdout + same.stderr
    for bench in THREE:
        assert bench in same.stdout
    # A candidate suite that lost a benchmark cannot pass: exit 2, naming it.
    fewer = tmp_path / "fewer"
    shutil.copytree(suite_dir, fewer)
    record = json.loads((fewer / SUITE_JSON).read_text())
    shutil.rmtree(fewer / record["runs"]["icpc_sample"])
    gone = evalkit("gate", "--baseline", str(suite_dir), "--candidate", str(fewer))
    assert gone.returncode == 2 and "icpc_sample" in gone.stdout
    # `evalkit runs` on the damaged copy: a run without its summary is partial.
    lcb = fewer / record["runs"]["livecodebench_sample"]
    (lcb / "summary.json").unlink()
    status = {r.benchmark: r.status for r in list_runs(fewer)}
    assert status == {"ioi2024_sample": COMPLETE, "livecodebench_sample": PARTIAL}


def test_a_suite_uses_the_callers_engine_and_leaves_it_running(tmp_path):
    """run_suite(backend=...): every benchmark generates through the caller's backend (one
    engine for a whole test session), and the suite never closes it."""
    from evalkit.model.replay import ReplayBackend

    class Counted(ReplayBackend):
        closed = 0

        def close(self) -> None:
            self.closed += 1

    data = REPO / "benchmarks" / "suites" / "data" / "answerbench_short"
    gens = write(tmp_path / "gens.jsonl", "".join(
        json.dumps({"problem_id": p, "sample": 0, "response": "$\\boxed{7}$"}) + "\n"
        for p in ("imo-bench-number_theory-052", "imo-bench-number_theory-068")))
    suite = load_suite(write(tmp_path / "s.toml", f"""name = "borrowed"
[[benchmark]]
name = "imo_answerbench"
data = "{data}"
problems = ["imo-bench-number_theory-052", "imo-bench-number_theory-068"]
"""))
    shared = Counted(gens)
    cfg = RunConfig(benchmark="", backend="replay", generations=gens, workers=1,
                    out=tmp_path / "out")
    with open(os.devnull, "w") as sink:
        quiet = Console(file=sink)
        summaries = run_suite(suite, cfg, quiet, quiet, backend=shared)
    assert shared.closed == 0
    s = summaries["imo_answerbench"]
    assert s["generations"] == s["judged"] == 2  # the entry's two problems, no more
    assert s["subset"]["problems"] == ["imo-bench-number_theory-052",
                                       "imo-bench-number_theory-068"]
