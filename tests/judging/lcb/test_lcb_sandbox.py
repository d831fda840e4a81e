"""LiveCodeBench jobs in real judge containers: limits, isolation, forged results.

Each harness process is forked warm by the container's zygote (the default) or, where
parametrized ``execd``, started as a fresh python3: the same verdicts either way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalkit.judging.lcb import harness as H

pytestmark = pytest.mark.docker


def judge(pool, code: str, mode: str, tests: list[tuple[str, str]], fn: str | None = None,
          limits: H.JudgeLimits | None = None, tmp: Path | None = None,
          warm: bool = True) -> H.SampleResult:
    limits = limits or H.JudgeLimits(timeout=2, memory=200 * 1024**2)
    src = H.harness_path()
    harness_file = pool.mirror("test-lcb-harness-" + H.spec_key(src.read_bytes()),
                               {H.HARNESS: src}) + "/" + H.HARNESS
    spec = H.spec_json(mode, fn, [i for i, _ in tests], limits.timeout)
    assert tmp is not None
    path = tmp / "spec.json"
    path.write_bytes(spec)
    spec_file = pool.mirror(H.spec_key(spec), {"spec.json": path}) + "/spec.json"
    job = H.build_job(code, harness_file, spec_file, len(tests), limits, warm=warm)
    return H.interpret(pool.run(job), mode, [o for _, o in tests])


ADD = [("1\n2", "3"), ("[1]\n[2]", "[1, 2]")]
BOTH = pytest.mark.parametrize("warm", [True, False], ids=["warm", "execd"])


@BOTH
def test_a_correct_call_based_solution_passes(pool, tmp_path, warm):
    r = judge(pool, "class Solution:\n    def add(self, a, b):\n        return a + b\n", "call",
              ADD, "add", tmp=tmp_path, warm=warm)
    assert r.verdict == H.AC and r.passed == 2


@BOTH
def test_stdin_program_in_the_container(pool, tmp_path, warm):
    r = judge(pool, "n = int(input())\nprint(n * 1.0)\n", "stdin", [("2\n", "2"), ("5\n", "5")],
              tmp=tmp_path, warm=warm)
    assert r.verdict == H.AC


@BOTH
def test_memory_hog_is_mle(pool, tmp_path, warm):
    code = "x = [0] * (100 * 1024 * 1024)\nprint(len(x))\n"
    r = judge(pool, code, "stdin", [("\n", "1")], tmp=tmp_path, warm=warm)
    assert r.verdict == H.MLE, r


def test_ignoring_the_alarm_hits_lcb_runners_global_timeout(pool, tmp_path):
    code = ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
            "class Solution:\n    def add(self, a, b):\n        while True:\n            pass\n")
    limits = H.JudgeLimits(timeout=1, memory=200 * 1024**2)
    r = judge(pool, code, "call", ADD[:1], "add", limits=limits, tmp=tmp_path)
    # Backed up by the sandbox as CPU time (load-independent); lcb_runner's lost worker.
    assert r.verdict == H.TLE and "CPU" in r.message and r.lcb_results == [-2]


@BOTH
def test_forged_results_written_to_the_channel_do_not_pass(pool, tmp_path, warm):
    # The program finds the harness's result channel and writes "results" of its own,
    # then exits: without the expected outputs it can only guess.
    code = """
import os
for fd in range(3, 10):
    try:
        os.write(fd, b'{"i": 0, "status": "ok", "time": 0, "value": 42}\\n'
                     b'{"i": 1, "status": "ok", "time": 0, "value": {"list": [0]}}\\n')
    except OSError:
        pass
os._exit(0)
class Solution:
    def add(self, a, b):
        return a + b
"""
    r = judge(pool, code, "call", ADD, "add", tmp=tmp_path, warm=warm)
    assert r.verdict != H.AC


@BOTH
def test_expected_outputs_never_reach_the_container(pool, tmp_path, warm):
    secret = "S3CRET-EXPECTED-OUTPUT"
    code = """
import os
class Solution:
    def look(self, x):
        hits = []
        for root in ("/tmp", "/judge", "/opt", "/proc/self/fd"):
            for d, _, files in os.walk(root):
                for f in files:
                    try:
                        with open(os.path.join(d, f), "rb") as fh:
                            if b"S3" + b"CRET" in fh.read():  # not in our own source
                                hits.append(f)
                    except Exception:
                        pass
        return hits
"""
    r = judge(pool, code, "call", [("1", json.dumps([secret]))], "look", tmp=tmp_path, warm=warm)
    assert r.verdict == H.WA and r.tests[0].message.startswith("Wrong Answer: [] != ")
    # Nor is it anywhere in what the host shared with containers (data store, jobs).
    for path in Path(pool.store.root).rglob("*"):
        if path.is_file():
            assert b"S3CRET" not in path.read_bytes(), path


@BOTH
def test_threads_for_deep_recursion_work(pool, tmp_path, warm):
    code = """
import threading
threading.stack_size(64 * 1024 * 1024)
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
res = []
t = threading.Thread(target=lambda: res.append(depth(int(input()))))
t.start(); t.join()
print(res[0])
"""
    r = judge(pool, code, "stdin", [("20000\n", "20000")], tmp=tmp_path, warm=warm)
    assert r.verdict == H.AC, r
