#!/usr/bin/env python3
"""Speed of the default output validator on a large output (prints figures).

Compares evalkit's validator (C-level token split, byte scan only on rejection)
with its own byte-by-byte scan (the reference path, problemtools' algorithm)
on the same 8 MiB output (the default output limit), with and without a
float tolerance.  Ratios are against the byte scan measured in the same run.
"""

from __future__ import annotations

import random
import time

from evalkit.judging.kattis.default_validator import _scan, compare, parse_flags


def timed(fn, *args) -> float:
    start = time.perf_counter()
    ok, _ = fn(*args)
    assert ok
    return time.perf_counter() - start


def main() -> None:
    rng = random.Random(1)
    ints = b"\n".join(str(rng.randrange(10**9)).encode() for _ in range(800_000)) + b"\n"
    values = [rng.random() * 1e6 for _ in range(450_000)]
    floats = b"\n".join(f"{v:.9f}".encode() for v in values) + b"\n"
    floats_e = b" ".join(f"{v:.12e}".encode() for v in values)
    plain = parse_flags([])
    tol = parse_flags(["float_tolerance", "1e-6"])
    print(f"{'case':34} {'size':>8} {'scan s':>8} {'fast s':>8} {'speed-up':>9}")
    for name, data, team, opts in (
            ("integers, exact", ints, ints.replace(b"\n", b" "), plain),
            ("floats, same text, tolerance", floats, floats.replace(b"\n", b" "), tol),
            ("floats, other notation, tolerance", floats, floats_e, tol)):
        slow = timed(_scan, data, team, opts)
        fast = timed(compare, data, team, opts)
        print(f"{name:34} {len(data) / 2**20:6.1f}Mi {slow:8.2f} {fast:8.2f} {slow / fast:8.1f}x")


if __name__ == "__main__":
    main()
