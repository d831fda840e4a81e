#!/usr/bin/env python3
"""evalkit's LiveCodeBench harness: runs one sample's tests in one interpreter.

Runs INSIDE a judge container as the untrusted uid, together with the
untrusted program, so nothing it prints can be trusted: it never sees the
expected outputs and never decides a verdict.  It reports, per test, what
the program produced (a call's returned value, or a stdin program's stdout),
whether it raised or timed out, and the time; the host compares
(evalkit/judging/lcb/compare.py).  Standard library only: it runs on the
image's python3.

Usage: harness.py SOLUTION.py < spec.json
spec = {"mode": "call" | "stdin", "fn_name": str | null, "inputs": [str], "timeout": int}

Execution mirrors lcb_runner/evaluation/testing_util.py (LiveCodeBench):
- ``reliability_guard()`` first (quit, os.kill/fork/remove/getcwd/..., subprocess.Popen,
  shutil.rmtree, ... set to None; resource/psutil/... unimportable), no memory limit;
  ``sys.set_int_max_str_digits(50000)`` as compute_code_generation_metrics.py does.
- call-based (``grade_call_based``): the import prelude + code is exec'd as module
  ``tmp_sol`` under an alarm; if the code contains "class Solution", one instance
  ``Solution()`` serves every test; each input line is ``json.loads``'ed into an
  argument; each call runs under ``signal.alarm(timeout)``.
- stdin (``grade_stdio``): a final ``if __name__ == '__main__':`` block is unwrapped,
  top-level imports are hoisted and every other statement becomes the body of
  ``wrapped_function``; per test, ``sys.stdin`` is a StringIO of the input,
  ``builtins.open`` is ``mock_open(read_data=input)`` (shadowed for the program by
  ``io.open`` of the prelude's ``from io import *``), ``sys.stdout`` a StringIO (its
  ``close`` replaced by a one-argument lambda, as LiveCodeBench's ``Capturing``
  does), ``SystemExit`` ends the test normally.
- the first exception or timeout ends the run (LiveCodeBench returns there).
Protocol: one JSON line per event on a private copy of fd 1; fd 1 itself is
/dev/null, so prints of call-based code (uncompared by LiveCodeBench) go nowhere.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import os
import signal
import sys
import time
import types
from decimal import Decimal
from fractions import Fraction

# The module prefix lcb_runner puts before every program (testing_util.import_string).
PRELUDE = """from string import *
from re import *
from datetime import *
from collections import *
from heapq import *
from bisect import *
from copy import *
from math import *
from random import *
from statistics import *
from itertools import *
from functools import *
from operator import *
from io import *
from sys import *
from json import *
from builtins import *
from typing import *
import string
import re
import datetime
import collections
import heapq
import bisect
import copy
import math
import random
import statistics
import itertools
import functools
import operator
import io
import sys
import json
sys.setrecursionlimit(50000)
"""

BIG_INT = 1 << 53  # larger ints travel as hex: no decimal-digit limits on either side
OPAQUE_REPR = 200


class TimeoutException(Exception):
    """Raised by the alarm, as in lcb_runner (detected by name, like it does)."""


def _alarm(signum, frame):
    raise TimeoutException


class Channel:
    """The private result channel: a dup of the original fd 1."""

    def __init__(self) -> None:
        self.fd = os.dup(1)

    def emit(self, record: dict) -> None:
        data = (json.dumps(record) + "\n").encode()
        while data:
            n = os.write(self.fd, data)
            data = data[n:]


# --------------------------------------------------------------------------
# Returned values, typed so the host can rebuild them exactly (a tuple inside
# a list must stay a tuple: [(1, 2)] != [[1, 2]] in LiveCodeBench's ``==``).


def encode(v, depth: int = 0):
    if depth > 10000:
        raise RecursionError("value nested too deeply")
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return v if -BIG_INT < v < BIG_INT else {"int": hex(v)}
    if t is float:
        return v if v == v and v not in (float("inf"), float("-inf")) else {"float": repr(v)}
    if t is list:
        return {"list": [encode(x, depth + 1) for x in v]}
    if t is tuple:
        return {"tuple": [encode(x, depth + 1) for x in v]}
    if t is dict:
        return {"dict": [[encode(k, depth + 1), encode(x, depth + 1)] for k, x in v.items()]}
    if t is set or t is frozenset:
        return {t.__name__: [encode(x, depth + 1) for x in v]}
    if t is Decimal:
        return {"decimal": str(v)}
    if t is Fraction:
        return {"fraction": [encode(v.numerator), encode(v.denominator)]}
    if t is complex:
        return {"complex": [repr(v.real), repr(v.imag)]}
    # Subclasses that keep their base's equality (namedtuple, defaultdict, Counter,
    # OrderedDict against a plain dict, IntEnum, ...) compare like the base.
    for base in (bool, int, float, str, tuple, list, dict, set, frozenset):
        if (isinstance(v, base) and t.__eq__ is base.__eq__) or (
                isinstance(v, dict) and base is dict):
            return encode(base(v) if base is not dict else dict(v), depth)
    try:
        text = repr(v)[:OPAQUE_REPR]
    except Exception:  # noqa: BLE001 - an untrusted __repr__ may raise anything
        text = "?"
    return {"opaque": t.__name__, "repr": text}


def encode_safely(v):
    try:
        return encode(v)
    except Exception as e:  # noqa: BLE001 - cycles, hostile __eq__/__iter__...
        return {"opaque": type(v).__name__, "repr": f"unencodable: {type(e).__name__}"}


# --------------------------------------------------------------------------
# LiveCodeBench's program transforms (testing_util.clean_if_name / make_function)


def clean_if_name(code: str) -> str:
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            return ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:  # noqa: BLE001 - unparsable code is left as is, like lcb_runner
        pass
    return code


def make_function(code: str) -> str:
    try:
        tree = ast.parse(code)
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        others = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        fn = ast.FunctionDef(
            name="wrapped_function",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                               defaults=[]),
            body=others, decorator_list=[], lineno=-1)
        return PRELUDE + "\n" + ast.unparse(imports) + "\n" + ast.unparse(fn)
    except Exception:  # noqa: BLE001 - as lcb_runner: fall back to the code unchanged
        return code


def reliability_guard() -> None:
    """lcb_runner's reliability_guard(None): not a sandbox, but it changes what runs."""
    import shutil
    import subprocess

    builtins.quit = None
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir",
                 "setuid", "fork", "forkpty", "killpg", "rename", "renames", "truncate",
                 "replace", "unlink", "fchmod", "fchown", "chmod", "chown", "chroot",
                 "lchflags", "lchmod", "lchown", "getcwd", "chdir"):
        setattr(os, name, None)
    shutil.rmtree = None
    shutil.move = None
    shutil.chown = None
    subprocess.Popen = None
    builtins.help = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[name] = None


def compile_module(code: str, timeout: int):
    signal.alarm(timeout)
    try:
        module = types.ModuleType("tmp_sol", "")
        exec(code, module.__dict__)
        target = module.Solution() if "class Solution" in code else module
    finally:
        signal.alarm(0)
    return target


def _failure(e: BaseException) -> tuple[str, str]:
    if "timeoutexception" in repr(e).lower():
        return "timeout", "Time Limit Exceeded"
    return "error", repr(e)[:1000]


def run_call(target, fn_name: str, inputs: list, timeout: int, out: Channel) -> None:
    method = getattr(target, fn_name, None)
    if method is None:
        out.emit({"event": "setup_error", "kind": "error",
                  "error": f"no function {fn_name!r} in the program"})
        return
    try:
        args_list = [[json.loads(line) for line in inp.split("\n")] for inp in inputs]
    except ValueError as e:
        out.emit({"event": "setup_error", "kind": "error", "error": f"bad test input: {e!r}"})
        return
    out.emit({"event": "ready"})
    for i, args in enumerate(args_list):
        signal.alarm(timeout)
        start = time.time()
        try:
            value = method(*args)
            elapsed = time.time() - start
            signal.alarm(0)
        except BaseException as e:  # noqa: BLE001 - the program's failure is the result
            signal.alarm(0)
            status, message = _failure(e)
            out.emit({"i": i, "status": status, "time": time.time() - start, "error": message})
            return
        out.emit({"i": i, "status": "ok", "time": elapsed, "value": encode_safely(value)})


class _Capture(io.StringIO):
    pass


def open_reading(text: str):
    """``mock_open(read_data=text)`` as lcb_runner patches ``open``, imported on first use.

    unittest.mock costs ~0.1 s to import; most programs never call ``open``.
    """

    def _open(*args, **kwargs):
        from unittest.mock import mock_open

        return mock_open(read_data=text)(*args, **kwargs)

    return _open


def run_stdin(target, inputs: list, timeout: int, out: Channel) -> None:
    method = getattr(target, "wrapped_function", None)
    if method is None:
        out.emit({"event": "setup_error", "kind": "error",
                  "error": "the program could not be wrapped into a function"})
        return
    out.emit({"event": "ready"})
    real_stdin, real_stdout, real_open = sys.stdin, sys.stdout, builtins.open
    for i, inp in enumerate(inputs):
        captured = _Capture()
        captured.close = lambda x: 1  # as lcb_runner's Capturing: close() itself fails
        sys.stdin, sys.stdout, builtins.open = io.StringIO(inp), captured, open_reading(inp)
        signal.alarm(timeout)
        start = time.time()
        try:
            try:
                method()
            except SystemExit:
                pass
            elapsed = time.time() - start
            signal.alarm(0)
        except BaseException as e:  # noqa: BLE001 - the program's failure is the result
            signal.alarm(0)
            sys.stdin, sys.stdout, builtins.open = real_stdin, real_stdout, real_open
            status, message = _failure(e)
            out.emit({"i": i, "status": status, "time": time.time() - start, "error": message})
            return
        sys.stdin, sys.stdout, builtins.open = real_stdin, real_stdout, real_open
        out.emit({"i": i, "status": "ok", "time": elapsed,
                  "stdout": io.StringIO.getvalue(captured)})


def main() -> int:
    out = Channel()
    spec = json.loads(sys.stdin.buffer.read())
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        code = f.read()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    sys.set_int_max_str_digits(50000)
    signal.signal(signal.SIGALRM, _alarm)
    timeout = int(spec["timeout"])
    mode = spec["mode"]
    reliability_guard()
    if mode == "call":
        code = PRELUDE + "\n\n" + code
    else:
        code = make_function(clean_if_name(code))
    try:
        target = compile_module(code, timeout)
    except BaseException as e:  # noqa: BLE001 - the program's failure is the result
        kind = "syntax" if isinstance(e, SyntaxError) else _failure(e)[0]
        out.emit({"event": "setup_error", "kind": kind, "error": repr(e)[:1000]})
        return 0
    if mode == "call":
        run_call(target, spec["fn_name"], spec["inputs"], timeout, out)
    else:
        run_stdin(target, spec["inputs"], timeout, out)
    out.emit({"event": "end"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
