"""A stateful Python session: one per sample, run inside a judge container.

Reads one JSON request per line on stdin ({"code": str, "timeout": float,
"limit": int}) and answers one JSON line per request on stdout:
{"stdout": str, "stderr": str, "error": str | null, "timeout": bool,
"truncated": bool}.  Globals persist between requests (that is the state).
It knows nothing about benchmarks or models.

The soft timeout is SIGALRM raised inside the running code, so the session
(its state) survives a slow call; code that blocks or ignores the alarm is
killed from the host (the container is removed), see evalkit/tools/python.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import traceback


class CallTimeout(BaseException):
    """Raised in the user's code when the call's time is up (BaseException so
    a bare ``except Exception`` in that code does not swallow it)."""


def _alarm(_signum: int, _frame: object) -> None:
    raise CallTimeout()


def _clip(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    half = limit // 2
    note = f"\n...[{len(text) - limit} characters truncated]...\n"
    return text[:half] + note + text[-half:], True


def main() -> None:
    # The protocol channel is a private duplicate of fd 1; fd 1 itself goes to
    # /dev/null so code (or a child) writing to it directly cannot forge answers.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    namespace: dict[str, object] = {"__name__": "__main__"}
    os.chdir(os.environ.get("EVALKIT_SESSION_DIR", "/box"))
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        limit = int(req.get("limit", 10000))
        stdout, stderr = io.StringIO(), io.StringIO()
        error = None
        timed_out = False
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, float(req.get("timeout", 120.0)))
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = compile(req["code"], "<tool>", "exec")
                exec(code, namespace)
        except CallTimeout:
            timed_out = True
            error = f"TimeoutError: the call exceeded {req.get('timeout')} s"
        except SystemExit as e:
            error = f"SystemExit: {e.code}"
        except BaseException:  # noqa: BLE001 - every exception is the tool's result
            error = traceback.format_exc(limit=-5)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
        so, t1 = _clip(stdout.getvalue(), limit)
        se, t2 = _clip(stderr.getvalue(), limit)
        er, t3 = _clip(error, limit) if error else (None, False)
        out.write(json.dumps({"stdout": so, "stderr": se, "error": er, "timeout": timed_out,
                              "truncated": t1 or t2 or t3}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
