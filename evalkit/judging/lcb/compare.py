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
other types never compare equal (LiveCodeBench would call their ``__eq__``,
which is untrusted code we do not run on the host).
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
        except InvalidOperation:  # signalling NaN: lcb_runner would crash, i.e. fail
            same = False
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


def compare_call(returned: Any, expected_json: str) -> tuple[bool, str]:
    """Whether a call's returned value (already decoded) equals the expected JSON output."""
    try:
        expected = json.loads(expected_json)
    except json.JSONDecodeError:
        return False, "expected output is not JSON (lcb_runner: Error during testing)"
    value = list(returned) if isinstance(returned, tuple) else returned
    try:
        ok = bool(value == expected)
    except Exception:  # noqa: BLE001 - e.g. comparisons deep in odd structures
        ok = False
    if ok:
        return True, ""
    return False, f"Wrong Answer: {truncate(repr(value))} != {truncate(expected_json)}"


def truncate(s: str, length: int = 300) -> str:
    """testing_util.truncatefn: keep both ends of long texts."""
    if len(s) <= length:
        return s
    return s[: length // 2] + "...(truncated) ..." + s[-length // 2:]
