"""Round-trip cost of the python tool against a bare ``python3 -c`` on the host (same run).

Prints trivial-call median and p99 for both, their ratio (target: median <= 2x),
and sandboxed sessions started per second.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from evalkit.tools.python import PythonSession, ToolLimits


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main(n: int = 50, starts: int = 5) -> None:
    bare = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "print(1)"], check=True, capture_output=True)
        bare.append(time.perf_counter() - t)
    tool = []
    with PythonSession(ToolLimits(max_calls=n + 1)) as s:
        s.call("pass")
        for _ in range(n):
            t = time.perf_counter()
            s.call("print(1)")
            tool.append(time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(starts):
        with PythonSession() as s:
            s.call("pass")
    rate = starts / (time.perf_counter() - t)
    bm, tm = statistics.median(bare), statistics.median(tool)
    print(f"bare python3 -c : median {bm * 1e3:.2f} ms  p99 {pct(bare, .99) * 1e3:.2f} ms")
    print(f"tool round trip : median {tm * 1e3:.2f} ms  p99 {pct(tool, .99) * 1e3:.2f} ms")
    print(f"ratio (tool/bare median): {tm / bm:.2f}x  (target <= 2x)")
    print(f"sessions started/s (container + first call): {rate:.2f}")


if __name__ == "__main__":
    main()
