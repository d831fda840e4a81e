"""LiveCodeBench's comparison rules, told apart from naive equality."""

from __future__ import annotations

import math

import pytest

from evalkit.judging.lcb.compare import (
    LcbTestingError,
    Opaque,
    ValueFormatError,
    compare_call,
    compare_stdout,
    decode_value,
    parse_expected,
    str_fails,
)


def call(value, expected_json: str):
    return compare_call(value, parse_expected(expected_json))


@pytest.mark.parametrize(("got", "expected"), [
    ("1.0\n", "1\n"),  # Decimal equality: a naive string compare fails these
    ("2.50 3\n", "2.5 3.000\n"),
    ("1e3\n", "1000\n"),
    ("YES  \n\n\n", "YES\n"),  # trailing blank lines and spaces are stripped
    ("  a b\r\nc\n", "a b\nc"),
    ("1_000\n", "1000\n"),  # Python's Decimal reads underscores
])
def test_stdin_outputs_accepted(got, expected):
    assert got != expected
    assert compare_stdout(got, expected) == (True, "")


@pytest.mark.parametrize(("got", "expected", "why"), [
    ("0.10000001\n", "0.1\n", "line 0"),  # no tolerance, unlike math.isclose
    ("yes\n", "YES\n", "line 0"),  # case matters
    ("1\n2\n", "1\n\n2\n", "mismatched output length"),  # blank lines inside count
    ("1 2\n", "1 2 3\n", "line 0"),
    ("nan\n", "nan\n-1\n", "mismatched"),
])
def test_stdin_outputs_rejected(got, expected, why):
    ok, message = compare_stdout(got, expected)
    assert not ok and why in message


def test_inner_whitespace_matters_for_words_not_for_numbers():
    # Exact match fails on the double space; numbers then compare as Decimal tokens.
    assert compare_stdout("1 2.0\n", "1  2\n")[0]
    assert not compare_stdout("a b\n", "a  b\n")[0]


def test_naive_float_tolerance_would_accept_what_lcb_rejects():
    assert math.isclose(0.10000001, 0.1, rel_tol=1e-6)
    assert not compare_stdout("0.10000001", "0.1")[0]


def test_nan_tokens_never_match_and_snan_is_lcb_runners_error_during_testing():
    assert not compare_stdout("nan", "NaN ")[0]  # Decimal NaN equals nothing
    with pytest.raises(LcbTestingError):  # Decimal raises on sNaN: lcb_runner's run_test fails
        compare_stdout("sNaN", "sNaN1")
    assert compare_stdout("sNaN", "sNaN")[0]  # identical lines match before any Decimal


def test_returned_tuple_becomes_a_list_at_the_top_level_only():
    assert call(decode_value({"tuple": [1, 2]}), "[1, 2]")[0]
    nested = decode_value({"list": [{"tuple": [1, 2]}]})
    assert nested == [(1, 2)]
    assert not call(nested, "[[1, 2]]")[0]


def test_python_equality_of_numbers_and_bools():
    assert call(3.0, "3")[0]
    assert call(True, "1")[0]
    assert not call("3", "3")[0]  # the string "3" is not the number 3
    assert not call(0.30000000000000004, "0.3")[0]


def test_big_ints_and_special_floats_round_trip():
    big = 7 ** 9000  # more than 4300 digits: past Python's default int/str limit
    assert decode_value({"int": hex(big)}) == big
    assert call(decode_value({"int": hex(big)}), str(big))[0]
    assert math.isinf(decode_value({"float": "inf"}))
    assert not call(decode_value({"float": "nan"}), "NaN")[0]


def test_containers_rebuild_exactly():
    v = decode_value({"dict": [[{"tuple": [1, "a"]}, {"set": [1, 2]}]]})
    assert v == {(1, "a"): {1, 2}}
    assert decode_value({"frozenset": [1]}) == frozenset({1})
    assert decode_value({"fraction": [1, 2]}) == 0.5
    assert call(decode_value({"decimal": "2.50"}), "2.5")[0]


def test_objects_we_cannot_rebuild_equal_nothing():
    o = decode_value({"opaque": "AlwaysEqual", "repr": "<x>"})
    assert isinstance(o, Opaque)
    assert not call(o, "1")[0]
    assert not call([o], "[1]")[0]


@pytest.mark.parametrize("bad", [{"weird": 1}, {"list": 5}, [1, 2], {"int": 5}])
def test_malformed_values_are_rejected(bad):
    with pytest.raises((ValueFormatError, TypeError, ValueError)):
        decode_value(bad)


def test_expected_output_that_is_not_json_fails_the_sample():
    with pytest.raises(LcbTestingError):
        call(1, "not json")


def test_an_expected_integer_over_50000_digits_is_an_error_during_testing_not_a_crash():
    with pytest.raises(LcbTestingError, match="Error during testing"):
        parse_expected("9" * 60000)
    assert parse_expected("9" * 40000) == 10 ** 40000 - 1


def test_a_wrong_answer_over_the_digit_limit_is_reported_without_raising():
    ok, why = compare_call(1 << 300000, 5)
    assert not ok and "too long to print" in why and str_fails(1 << 300000)
