"""Reading a CMS checker's / manager's verdict.

Source rule: ``extract_outcome_and_text`` in cms/grading/steps/trusted.py
(cms-dev/cms): the first line of stdout, stripped, is ``float()``-ed into the
outcome; the first line of stderr, stripped, is the contestant's text, where
``translate:success|partial|wrong`` stand for CMS's stock messages
(cms/grading/steps/evaluation.py ``EVALUATION_MESSAGES``).  An outcome that is
not a float makes CMS raise ("Outcome is not a float.") — a checker failure,
i.e. a judge error, never a wrong answer.  evalkit additionally refuses NaN and
infinities, which no score can be made of.
"""

from __future__ import annotations

import pytest

from evalkit.judging.cms.outcome import parse_outcome


def test_first_stdout_line_is_the_outcome_and_first_stderr_line_the_text():
    assert parse_outcome("0.5\n", "Partial answer\n") == (0.5, "Partial answer")


def test_only_the_first_lines_count():
    assert parse_outcome("0.25\n1.0\ngarbage\n", "first\nsecond\n") == (0.25, "first")


def test_outcome_and_text_are_stripped():
    assert parse_outcome("   1  \t\n", "  ok  \n") == (1.0, "ok")


def test_missing_trailing_newline_and_empty_stderr():
    assert parse_outcome("1", "") == (1.0, "")


@pytest.mark.parametrize("text", ["1e-1", "+0.1", ".1", "0.10"])
def test_outcome_is_read_as_a_python_float(text):
    """CMS calls ``float(outcome)``, so any float literal is accepted."""
    result = parse_outcome(text + "\n", "")
    assert result is not None
    assert result[0] == pytest.approx(0.1)


def test_zero_is_a_wrong_answer_not_a_judge_error():
    """0.0 is a valid verdict; only unreadable output is ``None``."""
    result = parse_outcome("0\n", "translate:wrong\n")
    assert result is not None
    assert result == (0.0, "Output isn't correct")


@pytest.mark.parametrize(("code", "message"), [
    ("translate:success", "Output is correct"),
    ("translate:partial", "Output is partially correct"),
    ("translate:wrong", "Output isn't correct"),
])
def test_translate_codes_become_cms_stock_messages(code, message):
    assert parse_outcome("1\n", code + "\n") == (1.0, message)


def test_unknown_translate_code_is_kept_verbatim():
    """CMS logs a warning and keeps the text unchanged."""
    assert parse_outcome("1\n", "translate:excellent\n") == (1.0, "translate:excellent")


@pytest.mark.parametrize("stdout", [
    "",                 # no output at all
    "\n1.0\n",          # first line empty: the outcome is not looked for further down
    "WA\n",
    "1.0 points\n",
    "ok 1\n",
    "1,5\n",            # decimal comma
])
def test_non_float_outcome_is_a_judge_error(stdout):
    """``None`` (checker failure), distinct from the 0.0 of a wrong answer."""
    assert parse_outcome(stdout, "translate:wrong\n") is None


@pytest.mark.parametrize("stdout", ["nan\n", "NaN\n", "inf\n", "-inf\n", "Infinity\n"])
def test_nan_and_infinite_outcomes_are_judge_errors(stdout):
    """``float()`` accepts these, but no score can be computed from them."""
    assert parse_outcome(stdout, "") is None


def test_translate_code_with_a_space_after_the_colon_is_still_translated():
    assert parse_outcome("1\n", "translate: success\n") == (1.0, "Output is correct")
