"""The comparison worker: reads JSON requests on stdin, answers on stdout.

Run by ``_timeout.WorkerPool`` as ``python -m evalkit.math._worker``; never
imported by callers.  Anything sympy or latex2sympy print goes to stderr so the
protocol stream stays clean.
"""

from __future__ import annotations

import json
import logging
import os
import sys

_WARM_UP = [
    (r"x \in [1,2]", r"1 \le x \le 2"),
    (r"\frac{\sqrt{3}}{2}", "0.8660254037844386"),
    ("2x+4y-3=0", "y = -x/2 + 3/4"),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{bmatrix}1&2\\3&4\end{bmatrix}"),
    (r"(-\infty,1]\cup[10,+\infty)", r"c \in (-\infty, 1]\cup[10,+\infty)"),
    (r"\frac{n(n-1)}{2}", r"\frac{n^2-n}{2}"),
]


def main() -> None:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr
    logging.disable(logging.CRITICAL)
    from evalkit.math._compare import decide

    # warm-up outside any caller's time budget: the first solveset/simplify
    # calls load sympy's lazy machinery (seconds on a loaded machine)
    for gold, answer in _WARM_UP:
        decide(gold, answer)
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            result = bool(decide(request["gold"], request["answer"], request.get("question")))
        except Exception:  # noqa: BLE001 - a grader never crashes: undecidable = not equal
            result = False
        out.write(json.dumps({"equivalent": result}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
