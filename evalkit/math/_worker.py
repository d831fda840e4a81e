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


def main() -> None:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr
    logging.disable(logging.CRITICAL)
    from evalkit.math._compare import decide

    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            result = bool(decide(request["gold"], request["answer"]))
        except Exception:  # noqa: BLE001 - a grader never crashes: undecidable = not equal
            result = False
        out.write(json.dumps({"equivalent": result}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
