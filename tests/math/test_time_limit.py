"""The hard time limit: pathological input returns False in time, from threads
and from (daemonic) multiprocessing workers, and the grader keeps working."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from evalkit.math import equivalent, grade

PATHOLOGICAL = [
    (r"\boxed{9^{9^{9^{9}}}}", "1"),
    ("x^(10^10)", "x^(10^10) + 1"),
    (r"2^{2^{2^{2^{2^{2}}}}}", "7"),
]


@pytest.mark.parametrize(("gold", "answer"), PATHOLOGICAL)
def test_pathological_input_times_out_to_false(gold: str, answer: str) -> None:
    equivalent("1", "1.0")  # a started worker, so the timing is the comparison's
    start = time.monotonic()
    assert equivalent(gold, answer, timeout=1.0) is False
    assert time.monotonic() - start < 3 * 1.0 + 2.0  # CPU budget, wall cap, kill: no hang
    assert equivalent(r"\frac{1}{2}", "0.5") is True  # a fresh worker takes over


CASES = [
    (r"\frac{1}{2}", "0.5", True),
    ("(1,2)", "(2,1)", False),
    (r"\{1,2\}", r"\{2,1\}", True),
    (r"\frac{1}{2004!}", r"\frac{1}{2006!}", False),
    (r"x \in [1,2]", r"1 \le x \le 2", True),
    ("x=3", "3", True),
] * 4


@pytest.mark.slow  # starts several workers (seconds each on a loaded machine)
def test_threads_call_equivalent_concurrently() -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda c: equivalent(c[0], c[1]), CASES))
    assert got == [c[2] for c in CASES]


@pytest.mark.slow  # starts several workers (seconds each on a loaded machine)
def test_a_timeout_in_one_thread_does_not_disturb_the_others() -> None:
    jobs = [(PATHOLOGICAL[0][0], PATHOLOGICAL[0][1], False), *CASES[:6]]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        got = list(pool.map(lambda c: equivalent(c[0], c[1], timeout=2.0), jobs))
    assert got == [c[2] for c in jobs]


def _grade_case(case: tuple[str, str, bool]) -> bool:
    return grade(case[0], f"So the answer is $\\boxed{{{case[1]}}}$.")


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_pool_workers_can_grade(method: str) -> None:
    # Pool workers are daemonic and may not use multiprocessing children;
    # the grader's worker is a plain subprocess, so this works
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        got = pool.map(_grade_case, CASES[:6])
    assert got == [c[2] for c in CASES[:6]]


@pytest.mark.slow  # starts several workers (seconds each on a loaded machine)
def test_a_worker_killed_while_idle_is_replaced() -> None:
    from evalkit.math._timeout import POOL

    assert equivalent("2", "2.0") is True
    for worker in list(POOL._idle):
        worker.proc.kill()
        worker.proc.wait()
    assert equivalent(r"\frac{1}{2}", "0.5") is True
