"""ICPC verdicts are a function of the submission, not of the host's load.

problemtools judges batch runs on CPU time with no wall limit; evalkit's wall
limit is a safety net, and a test it kills with CPU to spare is judged again
with a patient wall limit.  So the labelled submissions of ``icpc_sample`` get
their expected verdicts while 4x the host's cores run CPU-bound loops.  The
hogs are started by the test, end by themselves after a bounded time, and are
always killed (by pid) when the test ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import cpuload
import pytest

from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir
from tests.benchmarks.test_icpc_sample import quiet, replay_file

pytestmark = [pytest.mark.docker, pytest.mark.slow]

HOG_SECONDS = 600  # each hog ends by itself after this, even if the test is killed


@pytest.fixture
def cpu_load() -> Iterator[int]:
    """4 x cores busy-looping processes for the duration of the test."""
    with cpuload.cpu_load(seconds=HOG_SECONDS) as n:
        yield n


def test_verdicts_under_four_times_the_cores_of_cpu_load(tmp_path, docker_client, cpu_load):
    # Every labelled submission but the JVM ones, whose compiles are most of the
    # time and no verdict rule (they are judged in test_icpc_sample).
    gens, expected = replay_file(tmp_path, skip=(".java", ".kt"))
    start(RunConfig(benchmark="icpc_sample", backend="replay", generations=gens,
                    out=tmp_path / "run", workers=2), quiet())
    judged = RunDir(tmp_path / "run").judgements()
    wrong = {rel: (want, judged[key].verdict, judged[key].details.get("tests"))
             for key, (rel, want) in expected.items() if judged[key].verdict != want}
    assert not wrong
    assert all(j.judge_error is None for j in judged.values())
    rejudged = sum(j.details.get("rejudged_for_wall_timeouts", 0) for j in judged.values())
    print(f"{len(judged)} submissions under {cpu_load} hogs: {rejudged} re-judged after a "
          f"wall-clock kill with CPU to spare; load {os.getloadavg()[0]:.1f}")
