"""The Kattis default output validator, token by token.

Rules (problem package format, legacy and 2025-09 specs, "Default output
validator"; behaviour matched against problemtools
``support/default_validator/default_validator.cc``):

- Both files are split into tokens at whitespace (space, \\t, \\n, \\v, \\f,
  \\r); the team's output must have the same tokens: a missing token
  ("User EOF") or an extra one ("Trailing output") is a wrong answer.
- Tokens compare case-insensitively (ASCII only, like ``strcasecmp``) unless
  ``case_sensitive``.
- ``space_change_sensitive``: every whitespace character of the answer must
  be matched by the same character in the output, and the output may have no
  whitespace the answer lacks (trailing newline included).
- ``float_absolute_tolerance e``, ``float_relative_tolerance e``,
  ``float_tolerance e`` (both): once any is set, every answer token that
  parses as a finite float (integers included) is compared as a number, and
  accepted if ``|a - t| <= abs_tol`` **or** ``|a - t| <= rel_tol * |a|``.  The
  team token must then be a finite float itself: "nan", "inf" and "1.0a"
  are not numbers (C ``sscanf("%lf%10s")`` must consume the whole token).
- Unknown flags are a judge error, never a wrong answer.

It is a program with the output-validator interface
(``default_validator.py input answer feedback_dir [flags] < team_output``,
exit 42 accept / 43 wrong answer, ``judgemessage.txt`` in ``feedback_dir``)
so that it runs in the sandbox exactly where a custom validator would, and it
depends on the standard library only (it runs on the judge image's python3).
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass

EXIT_AC = 42
EXIT_WA = 43
WHITESPACE = b" \t\n\v\f\r"  # C isspace() in the "C" locale

# What C's strtod accepts (sscanf %lf), minus inf/nan which are rejected anyway.
_DEC = rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_HEX = rb"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?"
_DEC_RE = re.compile(_DEC)
_HEX_RE = re.compile(_HEX)


class ValidatorUsageError(Exception):
    """Bad validator flags: a judge error."""


@dataclass(frozen=True)
class Options:
    case_sensitive: bool = False
    space_change_sensitive: bool = False
    abs_tol: float = -1.0  # negative: not set
    rel_tol: float = -1.0

    @property
    def use_floats(self) -> bool:
        return self.abs_tol >= 0 or self.rel_tol >= 0


def parse_float(token: bytes) -> float | None:
    """The token's value if it is a finite float in C's syntax, else None."""
    try:
        if _DEC_RE.fullmatch(token):
            value = float(token)
        elif _HEX_RE.fullmatch(token):
            value = float.fromhex(token.decode("ascii"))
        else:
            return None
    except (ValueError, OverflowError):  # fromhex overflows where strtod gives inf
        return None
    return value if math.isfinite(value) else None


def parse_flags(flags: list[str]) -> Options:
    """Options from the validator flags; unknown or malformed flags raise."""
    case = space = False
    abs_tol = rel_tol = -1.0
    i = 0
    while i < len(flags):
        flag = flags[i]
        if flag == "case_sensitive":
            case = True
        elif flag == "space_change_sensitive":
            space = True
        elif flag in ("float_absolute_tolerance", "float_relative_tolerance", "float_tolerance"):
            value = parse_float(flags[i + 1].encode()) if i + 1 < len(flags) else None
            if value is None:
                raise ValidatorUsageError(f"{flag} needs a number")
            if flag != "float_relative_tolerance":
                abs_tol = value
            if flag != "float_absolute_tolerance":
                rel_tol = value
            i += 1
        else:
            raise ValidatorUsageError(f"unknown default validator flag {flag!r}")
        i += 1
    return Options(case, space, abs_tol, rel_tol)


def compare(answer: bytes, output: bytes, opts: Options) -> tuple[bool, str]:
    """Whether ``output`` is accepted against ``answer``, and the judge message.

    Token splitting runs in C (``bytes.split()`` splits at exactly the six
    ASCII whitespace bytes of C's ``isspace``); only a rejected output, or
    ``space_change_sensitive``, takes the byte-by-byte scan, which also
    produces problemtools' message with line numbers.
    """
    if not opts.space_change_sensitive and _tokens_match(answer.split(), output.split(), opts):
        return True, ""
    return _scan(answer, output, opts)


def _tokens_match(expected: list[bytes], got: list[bytes], opts: Options) -> bool:
    if len(expected) != len(got):
        return False
    for a, t in zip(expected, got, strict=True):
        if a == t:  # identical text: equal as strings and as numbers
            continue
        a_val = parse_float(a) if opts.use_floats else None
        if a_val is not None:
            t_val = parse_float(t)
            if t_val is None:
                return False
            diff = abs(a_val - t_val)
            if not (diff <= opts.abs_tol) and not (diff <= opts.rel_tol * abs(a_val)):
                return False
        elif opts.case_sensitive or a.lower() != t.lower():
            return False
    return True


def _scan(answer: bytes, output: bytes, opts: Options) -> tuple[bool, str]:
    """The byte-by-byte comparison of default_validator.cc, with its messages."""
    j = t = 0
    a_line = o_line = 1
    n_a, n_o = len(answer), len(output)

    def wrong(why: str) -> tuple[bool, str]:
        return False, (f"Wrong answer on line {o_line} of output (corresponding to line "
                       f"{a_line} in answer file)\n{why}")

    token_index = 0
    while True:
        while j < n_a and answer[j] in WHITESPACE:
            c = answer[j]
            if opts.space_change_sensitive:
                d = output[t] if t < n_o else -1
                if c != d:
                    return wrong(f"Space change error: got {d} expected {c}")
                if d == 0x0A:
                    o_line += 1
                t += 1
            if c == 0x0A:
                a_line += 1
            j += 1
        while t < n_o and output[t] in WHITESPACE:
            if opts.space_change_sensitive:
                return wrong(f"Space change error: judge out of space, got {output[t]} from user")
            if output[t] == 0x0A:
                o_line += 1
            t += 1
        if j >= n_a:
            break
        start = j
        while j < n_a and answer[j] not in WHITESPACE:
            j += 1
        expected = answer[start:j]
        if t >= n_o:
            return wrong("User EOF while judge had more output"
                         + ("; user output contained no tokens" if token_index == 0 else "")
                         + f"\n(Next judge token: {_show(expected)})")
        start = t
        while t < n_o and output[t] not in WHITESPACE:
            t += 1
        got = output[start:t]
        a_val = parse_float(expected) if opts.use_floats else None
        if a_val is not None:
            t_val = parse_float(got)
            if t_val is None:
                return wrong(f"Expected float, got: {_show(got)}")
            diff = abs(a_val - t_val)
            if not (diff <= opts.abs_tol) and not (diff <= opts.rel_tol * abs(a_val)):
                return wrong(f"Too large difference.\n Judge: {_show(expected)}\n User: "
                             f"{_show(got)}\n Difference: {a_val - t_val:e}\n (abs tol "
                             f"{opts.abs_tol:e} rel tol {opts.rel_tol:e})")
        elif opts.case_sensitive:
            if expected != got:
                return wrong(f'String tokens mismatch\nJudge: "{_show(expected)}"\n'
                             f'User: "{_show(got)}"')
        elif expected.lower() != got.lower():  # bytes.lower(): ASCII only, as strcasecmp
            return wrong(f'String tokens mismatch\nJudge: "{_show(expected)}"\n'
                         f'User: "{_show(got)}"')
        token_index += 1
    if t < n_o:
        end = t
        while end < n_o and output[end] not in WHITESPACE:
            end += 1
        return wrong(f"Trailing output:\n{_show(output[t:end])}")
    return True, ""


def _show(token: bytes) -> str:
    return token[:200].decode("utf-8", errors="replace")


def main(argv: list[str]) -> int:
    """Validator entry point: ``input answer feedback_dir [flags] < team_output``."""
    if len(argv) < 4:
        sys.stderr.write("usage: default_validator.py input answer feedback_dir [flags]"
                         " < team_output\n")
        return 1
    try:
        opts = parse_flags(argv[4:])
    except ValidatorUsageError as e:
        sys.stderr.write(f"judge error: {e}\n")
        return 1
    with open(argv[2], "rb") as f:
        answer = f.read()
    output = sys.stdin.buffer.read()
    ok, message = compare(answer, output, opts)
    with open(os.path.join(argv[3], "judgemessage.txt"), "w") as f:
        f.write(message + ("\n" if message else ""))
    return EXIT_AC if ok else EXIT_WA


if __name__ == "__main__":
    sys.exit(main(sys.argv))
