"""LiveCodeBench's output comparison, run on the host (trusted side).

Rules of lcb_runner/evaluation/testing_util.py (LiveCodeBench):

- stdin programs (``grade_stdio``): both texts are ``strip()``-ed, split on
  ``"\\n"`` and each line ``strip()``-ed; the line counts must match; each
  line matches exactly, or else both lines split on whitespace parse as
  ``decimal.Decimal`` tokens and the token lists are equal.  No float
  tolerance: ``0.1`` vs ``0.10000001`` is wrong, ``1.0`` vs ``1`` is right.
- call-based functions (``grade_call_based``): the expected output is
  ``json.loads``'ed; a returned tuple becomes a list (top level only) and the
  two compare with Python ``==`` (so ``1 == 1.0`` and ``True == 1``, but
  ``[(1, 2)] != [[1, 2]]``).

The returned value arrives from the sandbox in the typed encoding of
sandboxes/lcb/harness.py and is rebuilt here from builtins only; objects of
other types arrive :class:`Opaque` and are compared in the sandbox, by their own
``__eq__`` as lcb_runner does (untrusted code never runs on the host).

Where lcb_runner's own comparison raises (a signalling NaN in a Decimal line, an
expected output it cannot ``json.loads``, e.g. an integer over 50,000 digits),
its ``run_test`` reports "Error during testing": :class:`LcbTestingError` here,
a failed sample, never an exception out of the judge.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

# lcb_runner's compute_code_generation_metrics.py raises the int/str digit limit to
# 50000 before anything is parsed; expected outputs with long integers need it here too.
LCB_INT_DIGITS = 50000
if 0 < sys.get_int_max_str_digits() < LCB_INT_DIGITS:
    sys.set_int_max_str_digits(LCB_INT_DIGITS)


class ValueFormatError(ValueError):
    """The sandbox sent something that is not the harness's value encoding."""


class LcbTestingError(Exception):
    """lcb_runner's grading itself raised here ("Error during testing": the sample fails)."""


@dataclass(frozen=True)
class Opaque:
    """A returned object of a type we cannot rebuild: equal to nothing."""

    type_name: str
    text: str

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return hash((self.type_name, self.text))

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.text}>"


def stripped_lines(text: str) -> list[str]:
    """testing_util.get_stripped_lines: strip all, split on newline, strip each line."""
    return [line.strip() for line in text.strip().split("\n")]


def _decimals(line: str) -> list[Decimal] | None:
    try:
        return [Decimal(tok) for tok in line.split()]
    except (InvalidOperation, ValueError):
        return None


def compare_stdout(got: str, expected: str) -> tuple[bool, str]:
    """Whether a stdin program's output is accepted, and why not."""
    got_lines, exp_lines = stripped_lines(got), stripped_lines(expected)
    if len(got_lines) != len(exp_lines):
        return False, (f"Wrong answer: mismatched output length ({len(got_lines)} lines, "
                       f"expected {len(exp_lines)})")
    for i, (g, e) in enumerate(zip(got_lines, exp_lines, strict=True)):
        if g == e:
            continue
        dg, de = _decimals(g), _decimals(e)
        try:
            same = dg is not None and de is not None and dg == de
        except InvalidOperation:  # signalling NaN: raises out of lcb_runner's grade_stdio
            raise LcbTestingError(f"Error during testing: signalling NaN in line {i}: "
                                  f"{truncate(g)} vs {truncate(e)}") from None
        if same:
            continue
        return False, f"Wrong answer at line {i}: {truncate(g)} != {truncate(e)}"
    return True, ""


def decode_value(v: Any) -> Any:
    """Rebuild a value from the harness's typed JSON encoding."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if not isinstance(v, dict) or len(v) not in (1, 2):
        raise ValueFormatError(f"not a typed value: {truncate(repr(v))}")
    if "opaque" in v:
        return Opaque(str(v["opaque"]), str(v.get("repr", "")))
    ((tag, body),) = v.items()
    if tag == "int" and isinstance(body, str):
        return int(body, 16)
    if tag == "float" and isinstance(body, str):
        return float(body)
    if tag == "decimal" and isinstance(body, str):
        return Decimal(body)
    if tag == "complex" and isinstance(body, list) and len(body) == 2:
        return complex(float(body[0]), float(body[1]))
    if tag == "fraction" and isinstance(body, list) and len(body) == 2:
        return Fraction(decode_value(body[0]), decode_value(body[1]))
    if not isinstance(body, list):
        raise ValueFormatError(f"bad body for {tag!r}")
    if tag == "list":
        return [decode_value(x) for x in body]
    if tag == "tuple":
        return tuple(decode_value(x) for x in body)
    if tag == "set":
        return {decode_value(x) for x in body}
    if tag == "frozenset":
        return frozenset(decode_value(x) for x in body)
    if tag == "dict":
        return {decode_value(k): decode_value(x) for k, x in body}
    raise ValueFormatError(f"unknown value tag {tag!r}")


def parse_expected(expected_json: str) -> Any:
    """An expected call output, as grade_call_based loads it (``json.loads``)."""
    try:
        return json.loads(expected_json)
    except ValueError as e:  # not JSON, or an integer over the 50,000-digit limit
        raise LcbTestingError(f"Error during testing: expected output: {e}") from None
    except RecursionError:
        raise LcbTestingError("Error during testing: expected output nested too deeply") \
            from None


def str_fails(value: Any) -> bool:
    """Whether ``str(value)`` raises (lcb_runner's truncatefn on a Wrong Answer)."""
    try:
        str(value)
    except ValueError:  # an int over the 50,000-digit limit
        return True
    return False


def safe_repr(value: Any) -> str:
    """``repr`` that survives ints over the digit limit."""
    try:
        return repr(value)
    except ValueError:
        return f"<{type(value).__name__} too long to print>"


def compare_call(returned: Any, expected: Any) -> tuple[bool, str]:
    """Whether a call's returned value (already decoded) equals the expected output
    (already :func:`parse_expected`)."""
    value = list(returned) if isinstance(returned, tuple) else returned
    try:
        ok = bool(value == expected)
    except Exception:  # noqa: BLE001 - e.g. comparisons deep in odd structures
        ok = False
    if ok:
        return True, ""
    return False, (f"Wrong Answer: {truncate(safe_repr(value))} != "
                   f"{truncate(safe_repr(expected))}")


def truncate(s: str, length: int = 300) -> str:
    """testing_util.truncatefn: keep both ends of long texts."""
    if len(s) <= length:
        return s
    return s[: length // 2] + "...(truncated) ..." + s[-length // 2:]
