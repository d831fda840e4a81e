"""CMS white diff, the default output comparison of IOI Batch tasks.

Source rule: ``_white_diff`` in cms/grading/steps/whitediff.py (cms-dev/cms):

- whitespace is exactly the six ASCII bytes `` \\t \\n \\v \\f \\r``;
- files are read line by line, a line ending at ``\\n`` (only ``\\n``);
- line i of the output must equal line i of the expected file after runs of
  whitespace are collapsed and the ends stripped;
- once one file ends, what is left of the other may hold only whitespace
  ("Contestant output too long" / "Contestant output too short").

Several cases below are chosen so that a plain token comparison
(``a.split() == b.split()``) or a ``str``-based whitespace rule would give the
other answer.
"""

from __future__ import annotations

import pytest

from evalkit.judging.cms.whitediff import white_diff


def accepted(expected: bytes, actual: bytes) -> bool:
    return white_diff(expected, actual)[0]


# -- what is equal -----------------------------------------------------------

def test_identical_outputs_are_correct():
    assert white_diff(b"1 2\n3\n", b"1 2\n3\n") == (True, "Output is correct")


@pytest.mark.parametrize("actual", [
    b"1\n2\n\n\n",        # extra trailing blank lines
    b"1\n2",              # no final newline
    b"1\n2\n \t\n\r\n",   # trailing lines holding only whitespace
])
def test_trailing_blank_lines_of_the_output_are_ignored(actual):
    """CMS: once the expected file ends, the rest may hold only whitespace."""
    assert accepted(b"1\n2\n", actual)


def test_trailing_blank_lines_of_the_expected_file_are_ignored():
    assert accepted(b"1\n2\n\n\n\n", b"1\n2\n")


def test_extra_whitespace_within_a_line_is_ignored():
    """Runs of whitespace collapse to one; leading/trailing whitespace is stripped."""
    assert accepted(b"1 2 3\n", b"   1 \t 2     3  \t\n")


@pytest.mark.parametrize("actual", [b"1\x0b2\n", b"1\x0c2\n", b"1\x0b\x0c \t2\n"])
def test_vertical_tab_and_form_feed_are_whitespace(actual):
    """\\v and \\f are in CMS's _WHITES, so they separate tokens like a space."""
    assert accepted(b"1 2\n", actual)


def test_crlf_line_endings_match_lf():
    """\\r is whitespace, so a trailing \\r on each line is stripped."""
    assert accepted(b"1 2\n3\n", b"1 2\r\n3\r\n")


def test_lone_carriage_return_is_whitespace_not_a_line_break():
    """CMS splits lines at \\n only: ``1\\r2`` is the single line ``1 2``."""
    assert accepted(b"1 2\n", b"1\r2\n")
    assert not accepted(b"1\n2\n", b"1\r2\n")


def test_whitespace_only_lines_in_the_middle_equal_empty_lines():
    assert accepted(b"1\n\n2\n", b"1\n \t \n2\n")


def test_empty_output_matches_empty_or_blank_expected_output():
    assert accepted(b"", b"")
    assert accepted(b"\n\n", b"")
    assert accepted(b"", b" \n\n")


# -- what differs (line structure matters) -------------------------------------

def test_tokens_split_across_lines_differ_from_one_line():
    """``1 2`` vs ``1\\n2``: same tokens, different lines -> wrong (a token diff says equal)."""
    assert b"1 2".split() == b"1\n2".split()  # the naive rule would accept
    ok, why = white_diff(b"1 2\n", b"1\n2\n")
    assert not ok
    assert why == "Expected `1 2`, found `1` on line 1"


def test_blank_line_in_the_middle_matters():
    assert not accepted(b"1\n2\n", b"1\n\n2\n")
    assert not accepted(b"1\n\n2\n", b"1\n2\n")


def test_leading_blank_line_matters():
    """Only *trailing* blank lines are ignored, not leading ones."""
    assert not accepted(b"1\n", b"\n1\n")


def test_comparison_is_case_sensitive():
    assert not accepted(b"YES\n", b"yes\n")


@pytest.mark.parametrize("sep", [b"\x1c", b"\x1d", b"\x1e", b"\x1f"])
def test_ascii_separator_controls_are_not_whitespace(sep):
    """\\x1c-\\x1f are not in CMS's _WHITES, though ``str.split()`` treats them as spaces."""
    assert "1 2".split() == f"1{sep.decode()}2".split()  # the naive str rule would accept
    assert not accepted(b"1 2\n", b"1" + sep + b"2\n")
    assert not accepted(b"1\n", b"1" + sep + b"\n")  # not stripped at the end either


@pytest.mark.parametrize("nbsp", [b"\xc2\xa0", b"\xa0"], ids=["utf8", "latin1"])
def test_no_break_space_is_not_whitespace(nbsp):
    """U+00A0 (as UTF-8 or Latin-1 bytes) is Unicode whitespace but not ASCII whitespace."""
    assert not accepted(b"1 2\n", b"1" + nbsp + b"2\n")
    assert not accepted(b"1\n", b"1" + nbsp + b"\n")


# -- why it differs ------------------------------------------------------------

def test_a_differing_line_is_reported_with_its_number_and_both_contents():
    ok, why = white_diff(b"1\n2\n3\n", b"1\n  5  \n3\n")
    assert not ok
    assert why == "Expected `2`, found `5` on line 2"


def test_extra_non_blank_lines_make_the_output_too_long():
    assert white_diff(b"1\n", b"1\n2\n") == (False, "Contestant output too long")
    assert white_diff(b"1\n", b"1\n\n\n2\n") == (False, "Contestant output too long")


def test_missing_lines_make_the_output_too_short():
    assert white_diff(b"1\n2\n", b"1\n") == (False, "Contestant output too short")
    assert white_diff(b"1\n", b"") == (False, "Contestant output too short")


def test_blank_expected_line_against_content_is_reported_as_a_line_mismatch_like_cms():
    ok, why = white_diff(b"1\n \n", b"1\nx\n")
    assert not ok
    assert why == "Expected ``, found `x` on line 2"
