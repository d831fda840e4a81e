"""The in-sandbox harness (run here as a plain subprocess) and the host's verdicts.

The harness is the real script shipped to the container; running it on the host
checks its LiveCodeBench semantics quickly.  Isolation is tested in Docker
(test_lcb_sandbox.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.judging.lcb import harness as H
from evalkit.sandbox import job as sj


def run(tmp_path: Path, code: str, mode: str, inputs: list[str], fn: str | None = None,
        timeout: int = 2, consistent_stdin: bool = False) -> list[dict]:
    sol = tmp_path / "solution.py"
    sol.write_text(code)
    spec = H.spec_json(mode, fn, inputs, timeout, consistent_stdin)
    out = subprocess.run([sys.executable, "-I", str(H.harness_path()), str(sol)], input=spec,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def results(records: list[dict]) -> list[dict]:
    return [r for r in records if "i" in r]


CALL = """
class Solution:
    def __init__(self):
        self.calls = 0
    def f(self, x):
        self.calls += 1
        print("debug output is not the result")
        import os; os.write(1, b"nor is this")
        return (x, self.calls)
"""


def test_call_based_shares_one_solution_and_keeps_prints_out_of_the_channel(tmp_path):
    recs = run(tmp_path, CALL, "call", ["1", "2"], "f")
    assert recs[0] == {"event": "ready"} and recs[-1] == {"event": "end"}
    values = [r["value"] for r in results(recs)]
    assert values == [{"tuple": [1, 1]}, {"tuple": [2, 2]}]  # one instance, as lcb_runner


def test_each_input_line_is_one_json_argument(tmp_path):
    code = "class Solution:\n    def f(self, a, s):\n        return [len(a), s]\n"
    recs = run(tmp_path, code, "call", ['[1, 2, 3]\n"xy"'], "f")
    assert results(recs)[0]["value"] == {"list": [3, "xy"]}


def test_values_are_encoded_with_their_types(tmp_path):
    code = """
from collections import namedtuple, defaultdict
P = namedtuple("P", "a b")
class AlwaysEqual:
    def __eq__(self, other):
        return True
class Solution:
    def f(self, k):
        return [None, True, 2 ** 80, float("nan"), {1, 2}, P(1, 2), defaultdict(int, a=1),
                AlwaysEqual()][k]
"""
    recs = run(tmp_path, code, "call", [str(k) for k in range(8)], "f")
    values = [r["value"] for r in results(recs)]
    assert values[:6] == [None, True, {"int": hex(2 ** 80)}, {"float": "nan"}, {"set": [1, 2]},
                          {"tuple": [1, 2]}]
    assert values[6] == {"dict": [["a", 1]]}
    assert values[7]["opaque"] == "AlwaysEqual"


def test_stdin_programs_see_lcb_runners_mocked_stdin(tmp_path):
    code = """
import sys
a = input()
b = sys.stdin.readline()
rest = sys.stdin.read()
fd0 = open(0).read()
print(repr(a), repr(b), repr(rest), repr(fd0))
"""
    recs = run(tmp_path, code, "stdin", ["x\ny\nz\n"])
    # lcb_runner's mock: read() is the whole input whatever was read before.  ``open`` is
    # io.open from the prelude's ``from io import *``, so lcb_runner's patched
    # builtins.open never reaches the program, and fd 0 is /dev/null: open(0) reads nothing.
    assert results(recs)[0]["stdout"] == "'x' 'y\\n' 'x\\ny\\nz\\n' ''\n"
    # With the consistent_stdin option, one file read by every route.
    recs = run(tmp_path, code, "stdin", ["x\ny\nz\n"], consistent_stdin=True)
    assert results(recs)[0]["stdout"] == "'x' 'y\\n' 'z\\n' ''\n"


STDIN_ROUTES = """
import sys
from sys import stdin
first = stdin.readline()
lines = [l for l in sys.stdin]
print(repr(first), len(lines), repr(sys.stdin.read(3)))
"""


def test_consistent_stdin_is_iterable_and_shares_one_position(tmp_path):
    recs = run(tmp_path, STDIN_ROUTES, "stdin", ["a\nb\nc\n"], consistent_stdin=True)
    assert results(recs)[0]["stdout"] == "'a\\n' 2 ''\n"
    recs = run(tmp_path, STDIN_ROUTES, "stdin", ["a\nb\nc\n"])  # lcb_runner: not iterable
    assert results(recs)[0]["status"] == "error" and "not iterable" in results(recs)[0]["error"]


def test_main_guard_is_unwrapped_and_sys_exit_ends_the_test_normally(tmp_path):
    code = ("import sys\ndef main():\n    print(int(input()) * 2)\n    sys.exit(0)\n"
            "if __name__ == \"__main__\":\n    main()\n")
    recs = run(tmp_path, code, "stdin", ["2\n", "5\n"])
    assert [(r["status"], r["stdout"]) for r in results(recs)] == [("ok", "4\n"), ("ok", "10\n")]


def test_reliability_guard_applies(tmp_path):
    recs = run(tmp_path, "import os\nprint(os.getcwd())\n", "stdin", ["\n"])
    assert results(recs)[0]["status"] == "error" and "TypeError" in results(recs)[0]["error"]
    recs = run(tmp_path, "import resource\n", "stdin", ["\n"])
    assert recs[0]["event"] == "setup_error"  # hoisted import runs at module level


def test_per_test_timeout_and_first_failure_stops(tmp_path):
    code = ("class Solution:\n    def f(self, x):\n        while x:\n            pass\n"
            "        return x\n")
    recs = run(tmp_path, code, "call", ["0", "1", "0"], "f", timeout=1)
    assert [r["status"] for r in results(recs)] == ["ok", "timeout"]


def test_setup_errors(tmp_path):
    assert run(tmp_path, "def (:\n", "call", ["1"], "f")[0]["kind"] == "syntax"
    assert run(tmp_path, "while True: pass\n", "call", ["1"], "f", timeout=1)[0]["kind"] == \
        "timeout"
    recs = run(tmp_path, "class Solution:\n    pass\n", "call", ["1"], "f")
    assert recs[0]["event"] == "setup_error" and "no function 'f'" in recs[0]["error"]
    # "class Solution" in a stdin program: lcb_runner looks for it after wrapping and fails.
    recs = run(tmp_path, "class Solution:\n    pass\nprint(1)\n", "stdin", ["\n"])
    assert recs[0]["event"] == "setup_error"


# ---------------------------------------------------------------------------
# Host-side interpretation of what came back


def job_result(stdout: str, verdict: str = sj.OK, **proc) -> sj.JobResult:
    p = sj.ProcResult(verdict=verdict, exit_code=0 if verdict == sj.OK else None, signal=None,
                      cpu_time=1.0, wall_time=proc.pop("wall_time", 1.0), max_rss_kb=1000,
                      stdout=stdout, **proc)
    return sj.JobResult(tests={"all": sj.TestResult("all", {"harness": p}, None)}, done=True)


def lines(*recs: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in recs)


READY = {"event": "ready"}


def test_all_tests_equal_is_ac():
    out = lines(READY, {"i": 0, "status": "ok", "time": 0.1, "stdout": "1.0\n"},
                {"i": 1, "status": "ok", "time": 0.2, "stdout": "x"}, {"event": "end"})
    r = H.interpret(job_result(out), "stdin", ["1", "x\n"])
    assert r.ok and r.passed == 2 and r.details()["max_time"] == 0.2


def test_first_failure_decides_the_verdict():
    out = lines(READY, {"i": 0, "status": "ok", "time": 0.1, "value": 5},
                {"i": 1, "status": "ok", "time": 0.1, "value": 6})
    r = H.interpret(job_result(out), "call", ["5", "7"])
    assert r.verdict == H.WA and r.passed == 1 and r.details()["first_failure"]["test"] == 1


def test_a_killed_interpreter_fails_the_first_unreported_test():
    torn = lines(READY, {"i": 0, "status": "ok", "time": 0.1, "value": 1}) + '{"i": 1, "sta'
    for verdict, expected in ((sj.WALL, H.TLE), (sj.MLE, H.MLE), (sj.SIG, H.RE),
                              (sj.OLE, H.OLE)):
        r = H.interpret(job_result(torn, verdict), "call", ["1", "2", "3"])
        assert (r.verdict, r.passed) == (expected, 1), verdict


def test_an_interpreter_that_exits_early_fails():
    r = H.interpret(job_result(lines(READY)), "call", ["1"])
    assert r.verdict == H.RE and "ended the interpreter" in r.message


def test_forged_lines_cannot_pass_and_garbage_is_a_failure():
    forged = lines(READY, {"i": 0, "status": "ok", "time": 0.0, "value": 999})
    assert H.interpret(job_result(forged), "call", ["5"]).verdict == H.WA
    assert H.interpret(job_result(lines(READY) + "PASSED\n"), "call", ["5"]).verdict == H.RE
    weird = lines(READY, {"i": 0, "status": "ok", "time": 0.0, "value": {"list": 3}})
    assert H.interpret(job_result(weird), "call", ["5"]).verdict == H.RE


@pytest.mark.parametrize(("result", "why"), [
    (sj.JobResult(error="engine died"), "engine died"),
    (sj.JobResult(done=True), "no result for the harness"),
    (job_result("", sj.XX, error="ENOENT"), "could not start python3"),
])
def test_judge_side_failures_are_judge_errors(result, why):
    r = H.interpret(result, "stdin", ["1"])
    assert r.verdict == H.JE and why in (r.judge_error or "")


def test_the_job_carries_inputs_only():
    job = H.build_job("print(1)", "/judge/h/harness.py", "/judge/s/spec.json", 3, H.JudgeLimits())
    payload = json.dumps(job.to_json([1000]))
    assert "spec.json" in payload and "print(1)" in payload
    (test,) = job.tests
    # Placed by the runner (no compile step); the harness forked warm by its zygote,
    # which loads it from the data store; argv is what an exec'd python3 would get.
    assert job.compile is None and set(job.files) == {H.HARNESS, H.SOLUTION}
    assert job.files[H.HARNESS] == "/judge/h/harness.py" and job.zygote
    assert test.run[0].zygote == "/judge/h/harness.py"
    assert test.run[0].argv == [H.PYTHON, "-I", "{bin}/harness.py", "{bin}/solution.py"]
    assert not H.build_job("print(1)", "/h.py", "/s.json", 3, H.JudgeLimits(),
                           warm=False).zygote
    # lcb_runner's global timeout, enforced by the harness on effective time; the sandbox
    # backs it up as CPU time and, far above, wall time (a starved run may stretch).
    assert test.run[0].limits.cpu == (6 + 1) * 3 + 5
    assert test.run[0].limits.wall == ((6 + 1) * 3 + 5) * H.STRETCH + 10
    assert test.check is None  # no expected output, no checker in the sandbox
