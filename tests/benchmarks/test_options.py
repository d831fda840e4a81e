"""Typed benchmark options (evalkit/benchmarks/options.py): spec keys checked, --set overrides.

Rules: every key of a spec file is one of its adapter's options, of the declared type, or
the benchmark does not load (a one-line error naming the file and key); ``--set KEY=VALUE``
overrides an option by its dotted name (value read as TOML, else text); overrides reach the
adapter, land in the manifest and are reused by ``evalkit judge``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import evalkit.benchmarks as registry
from evalkit.benchmarks import list_specs, load_benchmark, options_class
from evalkit.benchmarks.options import parse_sets, parse_value
from evalkit.cli.run import parse_aliases
from evalkit.errors import EvalkitError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", [s.name for s in list_specs()])
def test_every_bundled_spec_validates_against_its_adapter(name):
    spec = registry.load_spec(REPO / "benchmarks" / f"{name}.toml")
    opts = options_class(name).parse(spec.settings, str(spec.spec_path))
    assert type(opts) is options_class(name)


@pytest.fixture
def spec_dir(tmp_path, monkeypatch) -> Path:
    """A benchmarks folder with copies of the bundled specs (and their data links)."""
    for spec in (REPO / "benchmarks").glob("*.toml"):
        shutil.copy(spec, tmp_path / spec.name)
        data = REPO / "benchmarks" / spec.stem
        if data.is_dir():
            (tmp_path / spec.stem).symlink_to(data)
    monkeypatch.setattr(registry, "benchmarks_dir", lambda: tmp_path)
    return tmp_path


# (spec, text to replace, replacement, the key the error must name)
@pytest.mark.parametrize("name, old, new, key", [
    ("icpc_sample", "solved_at =", "solvd_at =", "solvd_at"),             # a typo: unknown
    ("icpc_sample", "[time_limits]", "[judge]\nprocesses = \"16\"\n[time_limits]",
     "judge.processes"),                                                    # mistyped
    ("livecodebench_sample", "pass_k = [1, 2, 5]", "pass_k = 5", "pass_k"),  # not a list
    ("swebench_sample", "retries = 2", "retry = 2", "judge.retry"),        # in a table
    ("ioi2024_sample", "max_submissions = 50", "max_submissions = 50\n[medals]\ngold = \"high\"",
     "medals.gold"),
    ("aime2025", "format =", "promt = \"{problem}\"\nformat =", "promt"),
])
def test_a_bad_spec_key_is_a_one_line_error_naming_file_and_key(spec_dir, name, old, new, key):
    path = spec_dir / f"{name}.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(EvalkitError) as e:
        load_benchmark(name)
    msg = str(e.value)
    assert msg.startswith(f"{path}: ") and f"'{key}'" in msg and "\n" not in msg


@pytest.mark.parametrize("text, value", [
    ("900", 900), ("1.5", 1.5), ("true", True), ("[1, 5]", [1, 5]), ('"a b"', "a b"),
    ("release_v5", "release_v5"), ("2024-08-01", "2024-08-01"),
])
def test_set_values_are_read_as_toml_else_text(text, value):
    got = parse_value(text)
    assert (got.isoformat() if hasattr(got, "isoformat") else got) == value


def test_set_needs_key_equals_value():
    assert parse_sets(["judge.timeout=6", "pass_k=[1,2]"]) == {"judge.timeout": 6,
                                                                 "pass_k": [1, 2]}
    with pytest.raises(EvalkitError, match="expected key=value"):
        parse_sets(["judge.timeout"])


@pytest.mark.parametrize("name, options, attr, value", [
    ("swebench_sample", {"judge.timeout": 6}, "timeout", 6.0),
    ("swebench_sample", {"judge.clean_images": True}, "clean_images", True),
    ("icpc_sample", {"solved_at": [1, 2]}, "ks", (1, 2)),
    ("icpc_sample", {"python": "python3"}, "python", None),
    ("livecodebench_sample", {"pass_k": [1]}, "k_list", [1]),
    ("livecodebench_sample", {"judge.timeout": 2}, "limits", None),
    ("aime2025", {"prompt": "Q: {problem}"}, "template", "Q: {problem}"),
    ("imo_proofbench", {"headline": "points"}, "headline_kind", "points"),
])
def test_overrides_reach_the_adapter(name, options, attr, value):
    bench = load_benchmark(name, options=options)
    assert bench.spec.overrides == options
    if attr == "python":
        assert bench.python.name == "python3"  # type: ignore[attr-defined]
    elif attr == "limits":
        assert bench.limits.timeout == 2  # type: ignore[attr-defined]
    else:
        assert getattr(bench, attr) == value


@pytest.mark.parametrize("name, options, message", [
    ("aime2025", {"judge.timeout": 6}, "aime2025 has no option 'judge.timeout'"),
    ("swebench_sample", {"judge.timeout": -1}, "must be positive"),
    ("swebench_sample", {"judge.timeout": "soon"}, "--set judge.timeout: key 'judge.timeout'"),
    ("icpc_sample", {"judge": 3}, "'judge'"),
])
def test_bad_override_is_a_one_line_error_naming_the_key(name, options, message):
    with pytest.raises(EvalkitError, match=message):
        load_benchmark(name, options=options)


def test_benchmark_flags_are_aliases_of_options():
    """SWE-bench's --eval-timeout/--clean-images still work, as its options' aliases."""
    swe = options_class("swebench_sample")
    assert parse_aliases(["--eval-timeout", "60", "--clean-images"], swe, "swebench_sample") \
        == {"judge.timeout": 60, "judge.clean_images": True}
    assert parse_aliases(["--eval-timeout=7"], swe, "s") == {"judge.timeout": 7}
    with pytest.raises(EvalkitError, match="unknown option '--eval-timeout'"):
        parse_aliases(["--eval-timeout", "60"], options_class("aime2025"), "aime2025")


def test_options_land_in_the_manifest_and_judge_reuses_them(tmp_path):
    """A run with --set writes the options; `evalkit judge` loads the benchmark with them."""
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": "aime_2025_I-1", "sample": 0,
                                "response": "\\boxed{70}"}) + "\n")
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "evalkit", "run", "aime2025", "--backend", "replay",
           "--generations", str(gens), "--limit", "1", "--out", str(out), "--workers", "1",
           "--set", 'prompt="Answer in a box. {problem}"']
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"] == {"prompt": "Answer in a box. {problem}"}
    assert manifest["benchmark_options"]["prompt"] == "Answer in a box. {problem}"
    assert manifest["benchmark_options"]["parts"] == ["aime_2025_I", "aime_2025_II"]
    assert manifest["subset"]["problems"] == ["aime_2025_I-1"]
    r = subprocess.run([sys.executable, "-m", "evalkit", "judge", str(out), "--force",
                        "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.jsonl", "run"]  # nothing in cwd


def test_benchmarks_lists_a_benchmarks_options():
    r = subprocess.run([sys.executable, "-m", "evalkit", "benchmarks", "--options",
                        "swebench_sample"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "judge.timeout" in r.stdout and "300.0" in r.stdout and "--eval-timeout" in r.stdout


def test_predictions_are_converted_under_the_run_never_into_the_cwd(tmp_path):
    """--predictions used to write ./results/predictions; now under --out (or --results)."""
    mixed = REPO / "benchmarks" / "swebench_sample" / "predictions" / "mixed.jsonl"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    out = tmp_path / "run"
    # The empty patch is graded without a container (the official rule).
    cmd = [sys.executable, "-m", "evalkit", "run", "swebench_sample", "--predictions",
           str(mixed), "--problems", "evalkit-samples__textkit-2", "--out", str(out),
           "--workers", "1", "--eval-timeout", "60"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert r.returncode == 0, r.stderr
    assert list(cwd.iterdir()) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert Path(manifest["backend"]["generations_file"]).parent == out / "predictions"
    assert manifest["options"] == {"judge.timeout": 60}  # the alias, as an option
