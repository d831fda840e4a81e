"""Judging one LiveCodeBench sample on a sandbox pool: one run, or two.

The first run reports what the program produced; the host compares
(:func:`evalkit.judging.lcb.harness.interpret`).  If a call returned objects the
host cannot rebuild (their own ``__eq__``, numpy arrays), the sample runs once
more with those tests' expected outputs, and only those, in the spec, and the
harness compares them where the objects live.  Any failure of the judging itself
is this sample's judge error, never an exception out of here.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from evalkit.judging.lcb import harness as lcb
from evalkit.sandbox import job as sj


class Pool(Protocol):
    def mirror(self, key: str, files: dict[str, Path]) -> str: ...

    def run(self, job: sj.Job) -> sj.JobResult: ...


def mirror_harness(pool: Pool) -> str:
    """The harness's path in the containers (mirrored once per content)."""
    src = lcb.harness_path()
    key = "lcb-harness-" + hashlib.sha256(src.read_bytes()).hexdigest()[:16]
    return pool.mirror(key, {lcb.HARNESS: src}) + "/" + lcb.HARNESS


def mirror_spec(pool: Pool, spec: bytes) -> str:
    """A spec's path in the containers."""
    with tempfile.TemporaryDirectory(prefix="evalkit-lcb-") as tmp:
        path = Path(tmp) / "spec.json"
        path.write_bytes(spec)
        return pool.mirror(lcb.spec_key(spec), {"spec.json": path}) + "/spec.json"


def judge_sample(pool: Pool, code: str, mode: str, fn_name: str | None,
                 inputs: Callable[[], list[str]], expected: list[str],
                 limits: lcb.JudgeLimits, harness_file: str,
                 spec_file: str | None = None) -> lcb.SampleResult:
    """The verdict of ``code`` on one problem's tests.

    ``inputs`` gives the test inputs (called only if needed: no ``spec_file``, or
    a second run); ``spec_file``: a mirrored
    :func:`~evalkit.judging.lcb.harness.spec_json` of them, if at hand.
    """
    n = len(expected)
    try:
        if spec_file is None:
            spec_file = mirror_spec(pool, lcb.spec_json(mode, fn_name, inputs(), limits.timeout,
                                                        limits.consistent_stdin))
        job = lcb.build_job(code, harness_file, spec_file, n, limits)
        res = lcb.interpret(pool.run(job), mode, expected)
        if res.compare_in_sandbox:
            compare = {i: expected[i] for i in res.compare_in_sandbox}
            spec = lcb.spec_json(mode, fn_name, inputs(), limits.timeout,
                                 limits.consistent_stdin, compare)
            job = lcb.build_job(code, harness_file, mirror_spec(pool, spec), n, limits)
            res = lcb.interpret(pool.run(job), mode, expected, compared=True)
            if res.compare_in_sandbox:  # cannot happen: interpret decides every test here
                return lcb.SampleResult(lcb.JE, n, 0, judge_error="comparison left undecided")
        return res
    except Exception as e:  # noqa: BLE001 - a judging failure is this sample's, not the run's
        return lcb.SampleResult(lcb.JE, n, 0, judge_error=f"judging failed: {type(e).__name__}: "
                                f"{lcb.truncate(str(e))}")
