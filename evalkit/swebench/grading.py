"""Grading: a thin wrapper on the official ``swebench`` package (v5).

Nothing is re-implemented here.  The rules come from SB:swebench/harness/grading.py:

* a test passes when its status is PASSED or XFAIL (``test_passed``);
* FAIL_TO_PASS: SKIPPED, FAILED, ERROR or missing fail (``test_failed``);
* PASS_TO_PASS: SKIPPED is maintained, not a regression (``test_maintained``);
* truncated parametrised ids (``[`` outnumbering ``]``, issue #290) are
  prefix-matched when the candidates agree (``_resolve_case``);
* only the text between the Start/End Test Output markers is parsed, by the
  instance's ``log_parser`` (``get_logs_eval``); a non-zero test exit code
  with no FAILED/ERROR line invalidates the log (issue #620);
* resolved only when the FAIL_TO_PASS and PASS_TO_PASS rates are both 1
  (``get_resolution_status`` == RESOLVED_FULL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evalkit.swebench.instances import Instance


def test_spec(instance: Instance) -> Any:
    """The official TestSpec of ``instance`` (its eval script gains the exit-code line)."""
    from swebench.harness.utils import make_test_spec

    return make_test_spec(instance.test_spec_row())


def eval_script(instance: Instance) -> str:
    """The exact script the official harness runs as ``/eval.sh``."""
    return str(test_spec(instance).eval_script)


def status_map(instance: Instance, log: str) -> dict[str, str]:
    """Test id -> status parsed from a whole eval log by the instance's parser."""
    from swebench.harness.constants import END_TEST_OUTPUT, START_TEST_OUTPUT
    from swebench.harness.log_parsers import PARSER_REGISTRY

    if START_TEST_OUTPUT in log and END_TEST_OUTPUT in log:
        log = log.split(START_TEST_OUTPUT)[1].split(END_TEST_OUTPUT)[0]
    return dict(PARSER_REGISTRY[instance.log_parser](log, test_spec(instance)))


def report(instance: Instance, prediction: dict[str, Any], test_output: Path) -> dict[str, Any]:
    """The official per-instance ``report.json`` content for a finished eval log."""
    from swebench.harness.grading import get_eval_report

    return dict(get_eval_report(test_spec=test_spec(instance), prediction=prediction,
                                test_log_path=str(test_output), include_tests_status=True))
