"""Reading a CMS checker's or manager's verdict.

Source: ``extract_outcome_and_text`` in cms/grading/steps/trusted.py: the first
line of stdout is the outcome, a float (normally in [0, 1]); the first line of
stderr is the text shown to the contestant, where ``translate:success``,
``translate:partial`` and ``translate:wrong`` stand for CMS's stock messages.
Anything that is not a float is a checker failure (a judge error), never a
wrong answer.
"""

from __future__ import annotations

import math

_STOCK = {
    "translate:success": "Output is correct",
    "translate:partial": "Output is partially correct",
    "translate:wrong": "Output isn't correct",
}


def parse_outcome(stdout: str, stderr: str) -> tuple[float, str] | None:
    """``(outcome, text)``, or ``None`` when stdout does not start with a float."""
    lines = stdout.splitlines()
    if not lines:
        return None
    try:
        outcome = float(lines[0].strip())
    except ValueError:
        return None
    if math.isnan(outcome) or math.isinf(outcome):
        return None
    err = stderr.splitlines()
    text = err[0].strip() if err else ""
    if text.startswith("translate:"):
        code = "translate:" + text[len("translate:"):].strip()
        text = _STOCK.get(code, text)
    return outcome, text
