"""Packages evalkit used to refuse, judged end to end (real Docker, real compilers).

- Multi-pass validation (2023-07 ``type: multi-pass``): a package written for
  evalkit whose validator keeps a pass counter in the feedback directory, so a
  submission is accepted only if that directory persists between passes and
  the validator's ``nextpass.in`` is each pass's input.
- A time limit derived from the accepted submissions (problemtools' rule),
  cached by package hash, recorded (with the toolchain versions of the judge
  image) in the run's ``icpc_judge.json`` and the summary.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir
from tests.benchmarks.test_icpc_sample import PROBLEMS, quiet

pytestmark = [pytest.mark.docker, pytest.mark.slow]

VALIDATOR = """\
import os
import sys

inp, ans, fb = sys.argv[1:4]
n = int(open(inp).read())
out = sys.stdin.read().split()
counter = os.path.join(fb, "passes.txt")
done = (int(open(counter).read()) if os.path.exists(counter) else 0) + 1
open(counter, "w").write(str(done))
with open(os.path.join(fb, "judgemessage.txt"), "a") as f:
    f.write(f"pass {done}: n={n} output {out}\\n")
if out != [str(2 * n)]:
    sys.exit(43)
if done < 3:
    open(os.path.join(fb, "nextpass.in"), "w").write(f"{2 * n + 1}\\n")
sys.exit(42)
"""

# Inputs per pass: 5 -> 11 -> 23 and 100 -> 201 -> 403.
SUBMISSIONS = {
    "accepted": ("python", "print(2 * int(input()))\n"),
    "accepted_cpp": ("cpp", "#include <cstdio>\nint main(){long n; std::scanf(\"%ld\", &n);"
                            " std::printf(\"%ld\\n\", 2 * n);}\n"),
    "wrong_in_pass_2": ("python", "n = int(input())\nprint(2 * n if n in (5, 100) else n)\n"),
    "crash_in_pass_3": ("python", "import sys\nn = int(input())\n"
                                  "sys.exit(3) if n in (23, 403) else print(2 * n)\n"),
}


def multipass_package(root: Path, passes: int) -> Path:
    prob = root / "doubling"
    (prob / "output_validator").mkdir(parents=True)
    (prob / "data" / "secret").mkdir(parents=True)
    (prob / "problem.yaml").write_text(
        "problem_format_version: 2023-07\nname: Doubling\nuuid: 0c2f4a7e-evalkit-doubling\n"
        f"type: multi-pass\nlimits:\n  time_limit: 1\n  validation_passes: {passes}\n")
    (prob / "output_validator" / "validate.py").write_text(VALIDATOR)
    for name, n in (("1", 5), ("2", 100)):
        (prob / "data" / "secret" / f"{name}.in").write_text(f"{n}\n")
        (prob / "data" / "secret" / f"{name}.ans").write_text("\n")
    return root


def replay(tmp: Path, data: Path, subs: dict[str, tuple[str, str]], problem: str) -> RunDir:
    gens = tmp / "gens.jsonl"
    gens.write_text("".join(json.dumps({
        "problem_id": problem, "sample": i,
        "response": f"```{tag}\n{code}```\n"}) + "\n"
        for i, (tag, code) in enumerate(subs.values())))
    start(RunConfig(benchmark="icpc_wf2025", backend="replay", data=data, generations=gens,
                    out=tmp / "run", workers=2), quiet())
    return RunDir(tmp / "run")


def test_multi_pass_feedback_persists_and_nextpass_is_the_input(tmp_path, docker_client):
    rd = replay(tmp_path, multipass_package(tmp_path / "data", passes=3), SUBMISSIONS,
                "doubling")
    got = {name: rd.judgements()[("doubling", i)] for i, name in enumerate(SUBMISSIONS)}
    assert {n: j.verdict for n, j in got.items()} == {
        "accepted": "AC", "accepted_cpp": "AC", "wrong_in_pass_2": "WA",
        "crash_in_pass_3": "RTE"}
    assert all(j.judge_error is None for j in got.values())
    wrong = got["wrong_in_pass_2"].details
    assert wrong["failed_test"] == "secret/1"
    assert wrong["tests"]["secret/1"]["message"].startswith("pass 2:")
    assert "pass 2: n=11" in wrong["tests"]["secret/1"]["message"]  # judgemessage persisted
    assert got["crash_in_pass_3"].details["tests"]["secret/1"]["message"].startswith("pass 3:")


def test_a_validator_wanting_more_passes_than_allowed_is_a_judge_error(tmp_path,
                                                                        docker_client):
    rd = replay(tmp_path, multipass_package(tmp_path / "data", passes=2),
                {"accepted": SUBMISSIONS["accepted"]}, "doubling")
    (j,) = rd.judgements().values()
    assert j.verdict == "JE" and j.judge_error and "within 2 passes" in j.judge_error


SLOW = "s = 0\nfor i in range(3_000_000):\n    s += i * i\nprint('Hello World!')\n"


def test_time_limit_derived_from_accepted_submissions_cached_and_recorded(
        tmp_path, docker_client, monkeypatch):
    monkeypatch.setenv("EVALKIT_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(PROBLEMS / "hello", data / "hello",
                    ignore=shutil.ignore_patterns("*.java", "*.kt", "lowercase.py"))
    # Legacy package, no time limit: problemtools' ceil(slowest x 5), at least 1 s.
    (data / "hello" / "submissions" / "accepted" / "slow.py").write_text(SLOW)
    rd = replay(tmp_path, data, {"ac": ("python", "print('Hello World!')\n")}, "hello")
    (j,) = rd.judgements().values()
    assert j.verdict == "AC"
    manifest = json.loads((rd.path / "manifest.json").read_text())["judge"]
    judge = json.loads((rd.path / "icpc_judge.json").read_text())
    assert manifest["time_limits"]["hello"] == judge["time_limits"]["hello"]["seconds"]
    tl = judge["time_limits"]["hello"]
    d = tl["derived"]
    assert d["slowest_submission"] == "slow.py" and d["multiplier"] == 5.0
    assert tl["seconds"] == d["time_limit"] == max(1, math.ceil(d["slowest"] * 5))
    assert set(d["times"]) == {"hello.c", "hello.cpp", "hello.py", "slow.py"}
    assert tl["source"].startswith("derived:")
    assert list((tmp_path / "cache" / "kattis-time-limits").glob("*.json"))
    # The toolchains of the judge image are in the manifest, every one present.
    assert set(judge["toolchains"]) == {"c", "cpp", "java", "kotlin", "python3", "pypy3"}
    assert all(judge["toolchains"].values()), judge["toolchains"]
    assert "gcc" in judge["toolchains"]["c"]

    # A second load reads the cache: no sandbox is opened for it.
    import evalkit.sandbox.docker as docker_mod
    from evalkit.benchmarks import load_benchmark

    def no_pool(*a, **k):
        raise AssertionError("derived again instead of read from the cache")

    monkeypatch.setattr(docker_mod, "SandboxPool", no_pool)
    again = load_benchmark("icpc_wf2025", data)
    assert again.packages()["hello"].time_limit == d["time_limit"]


def test_a_validator_that_does_not_build_is_a_judge_error_before_any_submission(
        tmp_path, docker_client):
    data = tmp_path / "data"
    for name in ("different", "hello"):
        shutil.copytree(PROBLEMS / name, data / name)
        (data / name / ".timelimit").write_text("1\n")
    (data / "different" / "output_validators" / "different_validator" / "validate.cc"
     ).write_text("int main() { this does not compile }\n")
    gens = tmp_path / "gens.jsonl"
    gens.write_text("".join(json.dumps({"problem_id": p, "sample": 0, "response": (
        f"```cpp\n{(PROBLEMS / p / 'submissions' / 'accepted' / f'{p}.cpp').read_text()}```\n")})
        + "\n" for p in ("different", "hello")))
    summary = start(RunConfig(benchmark="icpc_wf2025", backend="replay", data=data,
                              generations=gens, out=tmp_path / "run", workers=1), quiet())
    rd = RunDir(tmp_path / "run")
    bad, good = rd.judgements()[("different", 0)], rd.judgements()[("hello", 0)]
    assert bad.verdict == "JE" and bad.judge_error
    assert "different_validator: the output validator does not build" in bad.judge_error
    assert "tests_run" not in bad.details  # the submission was never run
    assert good.verdict == "AC"  # the other package is judged as usual
    facts = json.loads((rd.path / "icpc_judge.json").read_text())
    assert set(facts["broken_validators"]) == {"different"}
    assert set(summary["metrics"]["judge"]["broken_validators"]) == {"different"}
    assert summary["metrics"]["judge_errors"] == 1


JUMBLE = Path(__file__).with_name("kattis_packages") / "jumble"


def test_domjudge_jumble_legacy_multi_pass(tmp_path, docker_client):
    # DOMjudge's jumble data (legacy `validation: custom multi-pass`, 2 passes) with
    # evalkit's own validator and submissions (kattis_packages/PROVENANCE.md).
    shutil.copytree(JUMBLE, tmp_path / "data" / "jumble")
    expected = json.loads((JUMBLE / "submissions" / "EXPECTED.json").read_text())
    subs = {rel: ({".c": "c", ".py": "python"}[Path(rel).suffix], (JUMBLE / rel).read_text())
            for rel in sorted(expected)}
    rd = replay(tmp_path, tmp_path / "data", subs, "jumble")
    got = {rel: rd.judgements()[("jumble", i)] for i, rel in enumerate(subs)}
    assert {rel: j.verdict for rel, j in got.items()} == expected
    assert all(j.judge_error is None for j in got.values())
    # reverse fails in the first pass, on the first palindrome ("zaz"); forgets in
    # the second.
    reverse = got["submissions/wrong_answer/reverse.py"].details
    assert reverse["failed_test"] == "secret/charinc/2"
    forgets = got["submissions/wrong_answer/forgets.py"].details
    assert forgets["failed_test"] == "sample/1"
    assert forgets["tests"]["sample/1"]["message"].startswith("pass 2: unjumble: expected")
