#!/usr/bin/env python3
"""evalkit's LiveCodeBench harness: runs one sample's tests in one interpreter.

Runs INSIDE a judge container as the untrusted uid, together with the
untrusted program, so nothing it prints can be trusted: it never sees the
expected outputs and never decides a verdict.  It reports, per test, what
the program produced (a call's returned value, or a stdin program's stdout),
whether it raised or timed out, and the time; the host compares
(evalkit/judging/lcb/compare.py).  Standard library only: it runs on the
image's python3.

Usage: harness.py SOLUTION.py < spec.json  (or forked warm by the runner's zygote,
which imports this file and calls zygote_preload() once, then main() per sample)
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


# lcb_runner's timeout_handler prints this before raising: in a stdin program the
# text lands in the captured output (a program that swallows the exception fails).
ALARM_MESSAGE = "timeout occured: alarm went off"
# The per-test limit is on "effective" time: wall time minus the time the program
# waited for a CPU it was ready to use (the kernel's run-queue delay,
# /proc/<tid>/schedstat).  On a quiet host that is the wall time lcb_runner's
# signal.alarm measures (sleeping counts, as there); on a loaded one it does not
# grow with the load, so a verdict is a function of the program.  Bounded: after
# STRETCH times the limit in wall time the alarm fires whatever the delays.
STRETCH = 40

_listdir = os.listdir
_os_open, _os_read, _os_close = os.open, os.read, os.close


def _run_delays() -> dict:
    """Run-queue delay (ns) of each thread of this process; {} where unavailable."""
    delays = {}
    try:
        tids = _listdir("/proc/self/task")
    except OSError:
        return delays
    for tid in tids:
        try:
            fd = _os_open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
            try:
                delays[tid] = int(_os_read(fd, 200).split()[1])
            finally:
                _os_close(fd)
        except (OSError, ValueError, IndexError):
            continue
    return delays


class Clock:
    """One alarm at a time (a test, a compile), on effective time (see STRETCH)."""

    def __init__(self) -> None:
        self.limit = 0.0
        self.start = 0.0
        self.delays: dict = {}
        self.armed = False
        # lcb_runner's global timeout, (timeout + 1) * n_tests + 5 s for the whole
        # process: only reachable by a program that swallows the alarm and runs on.
        self.global_limit = 0.0
        self.global_start = time.monotonic()
        self.global_delays: dict = {}
        self.channel = None

    def arm(self, limit: float) -> None:
        self.limit, self.start, self.delays = float(limit), time.monotonic(), _run_delays()
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.limit)

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def start_global(self, limit: float, channel) -> None:
        self.global_limit, self.channel = float(limit), channel
        self.global_start, self.global_delays = time.monotonic(), _run_delays()

    @staticmethod
    def _effective(start: float, delays: dict) -> tuple[float, float]:
        wall = time.monotonic() - start
        now = _run_delays()
        waited = max((now[t] - delays.get(t, 0) for t in now), default=0) / 1e9
        return wall, wall - max(0.0, waited)

    def effective(self) -> float:
        return self._effective(self.start, self.delays)[1]

    def on_alarm(self, signum, frame):
        if self.armed:
            wall, eff = self._effective(self.start, self.delays)
            left = self.limit - eff
            if left > 0.005 and wall < self.limit * STRETCH:
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.01))  # starved: not yet
                return
            self.armed = False
            self._arm_global()
            print(ALARM_MESSAGE)
            raise TimeoutException
        # The alarm was swallowed and the program ran on: lcb_runner's global timeout.
        wall, eff = self._effective(self.global_start, self.global_delays)
        left = self.global_limit - eff
        if left > 0.005 and wall < self.global_limit * STRETCH:
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.01))
            return
        if self.channel is not None:
            self.channel.emit({"event": "crash", "kind": "global_timeout",
                               "error": "global timeout"})
        os._exit(0)

    def _arm_global(self) -> None:
        _, eff = self._effective(self.global_start, self.global_delays)
        signal.setitimer(signal.ITIMER_REAL, max(self.global_limit - eff, 0.01))


CLOCK = Clock()


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
    if t.__module__ == "numpy" and getattr(v, "ndim", None) == 0 and t.__name__ != "str_":
        # numpy scalars (np.int64, np.float64, np.bool_, ...) compare like their item();
        # arrays and the rest stay opaque and are compared in the sandbox.
        item = v.item()
        if type(item) in (int, float, bool, complex):
            return encode(item, depth + 1)
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
    import ast  # stdin programs only: ~10 ms a call-based sample need not pay

    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            return ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:  # noqa: BLE001 - unparsable code is left as is, like lcb_runner
        pass
    return code


def make_function(code: str) -> str:
    import ast

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


# Module attributes reliability_guard sets to None.  lcb_runner imports these modules
# to do it; importing shutil and subprocess costs a fresh interpreter ~30 ms (bz2, lzma,
# threading, ...), so they are patched when first imported, by the program or by
# anything it imports, which a program cannot tell apart.
GUARDED = {"shutil": ("rmtree", "move", "chown"), "subprocess": ("Popen",)}


class GuardedImport:
    """A meta path finder: the modules of GUARDED come back guarded."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in GUARDED:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        real_exec = spec.loader.exec_module

        def exec_module(module, real_exec=real_exec, names=GUARDED[name]):
            real_exec(module)
            for attr in names:
                setattr(module, attr, None)

        spec.loader.exec_module = exec_module
        return spec


def reliability_guard() -> None:
    """lcb_runner's reliability_guard(None): not a sandbox, but it changes what runs."""
    builtins.quit = None
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir",
                 "setuid", "fork", "forkpty", "killpg", "rename", "renames", "truncate",
                 "replace", "unlink", "fchmod", "fchown", "chmod", "chown", "chroot",
                 "lchflags", "lchmod", "lchown", "getcwd", "chdir"):
        setattr(os, name, None)
    for module, names in GUARDED.items():
        if module in sys.modules:  # already imported (numpy may import them): patch now
            for attr in names:
                setattr(sys.modules[module], attr, None)
    sys.meta_path.insert(0, GuardedImport)
    builtins.help = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[name] = None


def compile_module(code: str, timeout: int):
    CLOCK.arm(timeout)
    try:
        module = types.ModuleType("tmp_sol", "")
        exec(code, module.__dict__)
        target = module.Solution() if "class Solution" in code else module
    finally:
        CLOCK.disarm()
    return target


def _failure(e: BaseException) -> tuple[str, str]:
    """lcb_runner's classification of an exception that ended a test."""
    if not isinstance(e, Exception):
        # KeyboardInterrupt, GeneratorExit, SystemExit in a call: lcb_runner's
        # ``except Exception`` misses them and its worker process dies.
        return "crash", repr(e)[:1000]
    if "timeoutexception" in repr(e).lower():
        return "timeout", "Time Limit Exceeded"
    return "error", repr(e)[:1000]


def _repr_fails(value) -> bool:
    """lcb_runner's Wrong Answer report calls str() on the value; can that raise?"""
    try:
        str(value)
    except Exception:  # noqa: BLE001 - e.g. an int over the 50,000-digit limit
        return True
    return False


def compare_here(value, expected_json: str) -> dict:
    """grade_call_based's comparison, run where the returned object lives.

    Only for values the host cannot rebuild (objects with their own ``__eq__``,
    numpy arrays, ...): the host sends those tests' expected outputs in a second
    run (evalkit/judging/lcb/harness.py).
    """
    try:
        expected = json.loads(expected_json)
        prediction = list(value) if isinstance(value, tuple) else value
        result = prediction == expected
    except Exception as e:  # noqa: BLE001 - inside lcb_runner's try: a Runtime Error
        status, message = _failure(e)
        return {"status": status, "error": message}
    try:
        passed = not (not result)  # lcb_runner: ``if not tmp_result`` is its test
    except Exception as e:  # noqa: BLE001 - e.g. a numpy array of several booleans
        # lcb_runner has already appended the result (an array: its first element,
        # evaluate_generations' ``e.item(0)``), then records a Runtime Error.
        status, message = _failure(e)
        record = {"status": status, "error": message}
        try:
            first = result.item(0) if type(result).__name__ == "ndarray" else result
            record["appended"] = bool(first)
        except Exception:  # noqa: BLE001 - an untrusted __bool__
            pass
        return record
    record = {"status": "compared", "passed": passed}
    if not passed and _repr_fails(value):
        record["repr_error"] = True
    return record


def run_call(target, fn_name: str, inputs: list, timeout: int, out: Channel,
             expected: dict) -> None:
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
        start = time.time()
        CLOCK.arm(timeout)
        try:
            value = method(*args)
            elapsed = time.time() - start
            CLOCK.disarm()
        except BaseException as e:  # noqa: BLE001 - the program's failure is the result
            CLOCK.disarm()
            status, message = _failure(e)
            out.emit({"i": i, "status": status, "time": time.time() - start, "error": message})
            return
        if str(i) in expected:
            record = compare_here(value, expected[str(i)])
            out.emit({"i": i, "time": elapsed, **record})
            if record["status"] != "compared" or not record["passed"]:
                return
            continue
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


# --------------------------------------------------------------------------
# stdin as lcb_runner presents it (testing_util.call_method, since 16de2a1), or,
# with the ``consistent_stdin`` option, as one file read by every route.


class LcbStdinBuffer:
    """``sys.stdin.buffer`` of lcb_runner's mock: the whole input; readline the first line."""

    def __init__(self, text: str) -> None:
        self._data = text.encode("utf-8")

    def read(self, *args):
        return self._data

    def readline(self, *args):
        return self._data.split(b"\n")[0] + b"\n"


class LcbStdin:
    """``sys.stdin`` of lcb_runner's mock.

    ``read()`` is the whole input whatever was read before and whatever size is
    asked; ``readlines()`` is ``text.split("\n")`` (a trailing empty line when the
    input ends with a newline); ``readline()`` reads a StringIO of its own; other
    attributes come from that StringIO; not iterable (no ``__iter__``).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._io = io.StringIO(text)
        self.buffer = LcbStdinBuffer(text)

    def read(self, *args):
        return self._text

    def readline(self, *args):
        return self._io.readline(*args)

    def readlines(self, *args):
        return self._text.split("\n")

    def __getattr__(self, name):
        return getattr(self._io, name)


class ConsistentStdin:
    """With ``consistent_stdin``: ``sys.stdin`` is this one object for the whole run,
    reading the current test's input as a file (iterable, ``read(n)``, a shared
    position for ``input()``/``read()``/``.buffer``), so names bound to it before a
    test read that test's input as well."""

    def __init__(self) -> None:
        self.current = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")

    def feed(self, text: str) -> None:
        self.current = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.current)

    def __getattr__(self, name):
        return getattr(self.current, name)


class StdinPatch:
    """One test's stdin as lcb_runner's ``call_method`` sets it up.

    ``sys.stdin`` is an :class:`LcbStdin`, and first the object it replaces gets
    ``read``/``readline``/``readlines`` of its own (``patch("sys.stdin.readline",
    ...)`` there), so names bound to that object earlier (``from sys import
    stdin``, the prelude's ``from sys import *``) read the input too: there
    ``readline`` yields the input's lines without their newline and raises
    StopIteration after the last; ``readlines`` and ``read`` are as in LcbStdin.
    """

    NAMES = ("read", "readline", "readlines")

    def __init__(self, text: str) -> None:
        self.real = sys.stdin
        if isinstance(self.real, ConsistentStdin):
            self.real.feed(text)
            self.saved = None
            return
        lines = iter(text.split("\n"))
        methods = {"read": lambda *a: text, "readline": lambda *a: next(lines),
                   "readlines": lambda *a: text.split("\n")}
        self.saved = {}
        for name, fn in methods.items():
            if name in getattr(self.real, "__dict__", {}):
                self.saved[name] = self.real.__dict__[name]
            try:
                setattr(self.real, name, fn)
            except (AttributeError, TypeError):
                pass
        sys.stdin = LcbStdin(text)

    def restore(self) -> None:
        sys.stdin = self.real
        if self.saved is None:
            return
        for name in self.NAMES:
            try:
                if name in self.saved:
                    setattr(self.real, name, self.saved[name])
                else:
                    delattr(self.real, name)
            except (AttributeError, TypeError):
                pass


def run_stdin(target, inputs: list, timeout: int, out: Channel) -> None:
    method = getattr(target, "wrapped_function", None)
    if method is None:
        out.emit({"event": "setup_error", "kind": "error",
                  "error": "the program could not be wrapped into a function"})
        return
    out.emit({"event": "ready"})
    real_stdout, real_open = sys.stdout, builtins.open
    for i, inp in enumerate(inputs):
        captured = _Capture()
        captured.close = lambda x: 1  # as lcb_runner's Capturing: close() itself fails
        stdin = StdinPatch(inp)
        sys.stdout, builtins.open = captured, open_reading(inp)
        start = time.time()
        CLOCK.arm(timeout)
        try:
            try:
                method()
            except SystemExit:
                pass
            elapsed = time.time() - start
            CLOCK.disarm()
        except BaseException as e:  # noqa: BLE001 - the program's failure is the result
            CLOCK.disarm()
            stdin.restore()
            sys.stdout, builtins.open = real_stdout, real_open
            status, message = _failure(e)
            out.emit({"i": i, "status": status, "time": time.time() - start, "error": message})
            return
        stdin.restore()
        sys.stdout, builtins.open = real_stdout, real_open
        out.emit({"i": i, "status": "ok", "time": elapsed,
                  "stdout": io.StringIO.getvalue(captured)})


def zygote_preload() -> None:
    """What the runner's zygote imports once, before it forks a child per sample.

    The modules of lcb_runner's prelude and ``ast`` (stdin programs): in a fresh
    interpreter they cost a sample ~30 ms; forked from the zygote they are
    already there (each child has its own copy).  Only imports: the prelude's
    ``sys.setrecursionlimit`` is the program's (main execs the whole prelude),
    and the zygote runs nothing else of this file.
    """
    imports = "\n".join(line for line in PRELUDE.splitlines()
                        if line.startswith(("import ", "from ")))
    exec(imports, {})
    import ast  # noqa: F401


def main() -> int:
    out = Channel()
    spec = json.loads(sys.stdin.buffer.read())
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        code = f.read()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    # The stdin a program finds before any test: an empty file, as in lcb_runner's
    # multiprocessing worker (its bootstrap reopens sys.stdin on os.devnull).
    # With consistent_stdin, one object that reads each test's input instead.
    sys.stdin = ConsistentStdin() if spec.get("consistent_stdin") else open(os.devnull)
    sys.set_int_max_str_digits(50000)
    timeout = int(spec["timeout"])
    mode = spec["mode"]
    CLOCK.start_global((timeout + 1) * len(spec["inputs"]) + 5, out)
    signal.signal(signal.SIGALRM, CLOCK.on_alarm)
    if "numpy" in code:
        # lcb_runner's testing_util imports numpy before reliability_guard (which
        # breaks numpy's own import); it costs ~0.1 s, so only for programs naming it.
        try:
            import numpy  # noqa: F401
        except ImportError:
            pass
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
        run_call(target, spec["fn_name"], spec["inputs"], timeout, out,
                 spec.get("compare") or {})
    else:
        run_stdin(target, spec["inputs"], timeout, out)
    out.emit({"event": "end"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
