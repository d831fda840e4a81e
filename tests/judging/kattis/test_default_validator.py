"""The Kattis default output validator, rule by rule.

Each case is chosen so that a naive comparison (exact text, or float() on
every token, or a plain line diff) would decide it differently; the expected
results follow problemtools' default_validator.cc.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from evalkit.judging.kattis.default_validator import (
    EXIT_AC,
    EXIT_WA,
    Options,
    ValidatorUsageError,
    compare,
    parse_flags,
    parse_float,
)

PLAIN = Options()
FLOAT = parse_flags(["float_tolerance", "1e-6"])


def ok(answer: str, output: str, opts: Options = PLAIN) -> bool:
    return compare(answer.encode(), output.encode(), opts)[0]


def test_whitespace_amount_and_kind_do_not_matter_by_default():
    assert ok("1 2\n3\n", "1\t\t2   3")
    assert ok("1 2\n", "\n\n1\r\n2\n\n\n")
    assert ok("a\n", "a\v\f")


def test_missing_or_extra_tokens_are_wrong():
    assert not ok("1 2\n", "1\n")
    assert not ok("1\n", "1 2\n")
    assert not ok("1\n", "")
    assert "Trailing output" in compare(b"1\n", b"1 x", PLAIN)[1]
    assert "User EOF" in compare(b"1 2\n", b"1", PLAIN)[1]


def test_case_insensitive_unless_case_sensitive():
    assert ok("Hello World!\n", "hELLO wORLD!\n")
    assert not ok("Hello\n", "hello\n", parse_flags(["case_sensitive"]))
    # ASCII only, as strcasecmp in the C locale: non-ASCII letters must match exactly.
    assert not ok("ÅSA\n", "åsa\n")


def test_space_change_sensitive_wants_the_exact_whitespace():
    opts = parse_flags(["space_change_sensitive"])
    assert ok("1 2\n", "1 2\n", opts)
    assert not ok("1 2\n", "1  2\n", opts)
    assert not ok("1 2\n", "1 2", opts)  # the final newline too
    assert not ok("1 2\n", "1 2\n\n", opts)
    assert not ok("1 2\n", "1\t2\n", opts)
    # Tokens themselves are still case-insensitive.
    assert ok("A b\n", "a B\n", opts)


def test_without_tolerance_numbers_are_plain_tokens():
    assert not ok("1.0\n", "1\n")
    assert not ok("0.5\n", "0.50\n")
    assert ok("1E5\n", "1e5\n")  # case-insensitive strings, not numbers


def test_tolerance_accepts_within_absolute_or_relative_error():
    assert ok("1.0\n", "1.0000009\n", FLOAT)
    assert not ok("1.0\n", "1.0000011\n", FLOAT)
    # Relative error saves a large value whose absolute error exceeds 1e-6.
    assert ok("1000000\n", "1000000.5\n", FLOAT)
    # Absolute error saves a tiny value whose relative error is huge.
    assert ok("0\n", "0.0000005\n", FLOAT)
    absolute = parse_flags(["float_absolute_tolerance", "1e-6"])
    relative = parse_flags(["float_relative_tolerance", "1e-6"])
    assert not ok("1000000\n", "1000000.5\n", absolute)
    assert not ok("0\n", "0.0000005\n", relative)
    both = parse_flags(["float_absolute_tolerance", "1e-9", "float_relative_tolerance", "1e-3"])
    assert ok("100\n", "100.05\n", both)


def test_with_tolerance_integers_compare_as_floats():
    # The answer's integer token is a float once a tolerance is set.
    assert ok("200\n", "2.0e2\n", FLOAT)
    assert ok("3\n", "3.0000000001\n", FLOAT)
    assert ok("0.25\n", "2.5E-1\n", FLOAT)


def test_not_numbers_are_rejected_where_a_number_is_expected():
    for bad in ("1.0a", "nan", "inf", "-inf", "NaN", "1e400", "0x", "1_0", "", "."):
        assert parse_float(bad.encode()) is None, bad
    assert not ok("1.0\n", "1.0a\n", FLOAT)
    assert not ok("1.0\n", "nan\n", FLOAT)
    # Hex floats are numbers for strtod, so for the validator too.
    assert parse_float(b"0x1p-2") == 0.25
    assert ok("0.25\n", "0x1p-2\n", FLOAT)


def test_non_numeric_answer_tokens_stay_strings_under_tolerance():
    # DOMjudge's fltcmp: 1/+0 is "inf", which is not a float, so it is compared as a string.
    assert ok("inf\nNaN\n0\n", "INF\nnan\n0.0\n", FLOAT)
    assert not ok("inf\n", "Infinity\n", FLOAT)
    assert not ok("inf\n", "1e400\n", FLOAT)


def test_bad_flags_are_a_usage_error():
    with pytest.raises(ValidatorUsageError):
        parse_flags(["float_tolerance"])
    with pytest.raises(ValidatorUsageError):
        parse_flags(["float_tolerance", "abc"])
    with pytest.raises(ValidatorUsageError):
        parse_flags(["ignore_case"])


def test_program_interface_exit_codes_and_feedback(tmp_path):
    """As a program: input answer feedback_dir [flags] < output; 42/43; judgemessage.txt."""
    from evalkit.judging.kattis import default_validator

    (tmp_path / "in").write_text("x\n")
    (tmp_path / "ans").write_text("0.5\n")
    fb = tmp_path / "fb"
    fb.mkdir()

    def run(output: str, *flags: str) -> int:
        return subprocess.run([sys.executable, "-S", "-E", default_validator.__file__,
                               str(tmp_path / "in"), str(tmp_path / "ans"), f"{fb}/", *flags],
                              input=output.encode(), capture_output=True).returncode

    assert run("0.5\n") == EXIT_AC
    assert run("0.5000001\n") == EXIT_WA
    assert "String tokens mismatch" in (fb / "judgemessage.txt").read_text()
    assert run("0.5000001\n", "float_tolerance", "1e-6") == EXIT_AC
    assert run("0.5\n", "bogus") not in (EXIT_AC, EXIT_WA)


def test_fast_token_path_agrees_with_the_byte_scan():
    """compare() splits in C and only scans on rejection: same decisions as the scan."""
    import random

    from evalkit.judging.kattis.default_validator import _scan

    rng = random.Random(7)
    atoms = [b"1", b"1.0", b"1.0000001", b"2e0", b"abc", b"ABC", b"nan", b"inf", b"0x1p0",
             b"-0", b"+0", b"1.0a", b"\xc3\xa5"]
    spaces = [b" ", b"\n", b"\t", b"\r\n", b"\v", b"  "]
    flag_sets = [[], ["case_sensitive"], ["float_tolerance", "1e-6"],
                 ["float_absolute_tolerance", "1e-9"], ["float_relative_tolerance", "1e-3"]]
    for _ in range(3000):
        def text() -> bytes:
            n = rng.randrange(0, 4)
            return b"".join(rng.choice(spaces) + rng.choice(atoms) for _ in range(n)) + \
                rng.choice([b"", b"\n"])
        opts = parse_flags(rng.choice(flag_sets))
        a, t = text(), text()
        assert compare(a, t, opts)[0] == _scan(a, t, opts)[0], (a, t, opts)
