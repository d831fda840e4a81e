"""What CMS shows a contestant about one evaluated submission, at each feedback level.

Source: cms-dev/cms c3659b810cfd (cited below by file and line).

- Levels (cms/__init__.py L65-71): ``full`` (time and memory of every testcase),
  ``restricted`` (no time or memory; testcases may be omitted), ``oi_restricted``
  ("in accordance with the Contest Rules of the IOI").  A task's level is
  ``Task.feedback_level``, default ``restricted`` (cms/db/task.py L207-212); the TPS
  loader takes it from problem.json when set (cmscontrib/loaders/tps.py L133-139).
- Which testcases of a subtask are shown (``ScoreTypeGroup.compute_score``,
  cms/grading/scoretypes/abc.py L459-508): in a subtask scored below full, the *first
  lowest-scoring* testcase is found; ``restricted`` shows the testcases up to and
  including it (codename ``<=`` it), ``oi_restricted`` only that one; a fully scored
  subtask shows all its testcases at every level.  Every TPS testcase is public
  (tps.py L367), so nothing else is hidden.
- How they are shown (the same file's TEMPLATE, L237-347): per subtask "Subtask i
  (score / max)" (i from 0, in subtask order), then a table "# | Outcome | Details",
  plus "Execution time | Memory used" at ``full`` only; "#" is the row's position in
  the subtask (``loop.index``), not the codename; a testcase not shown is an
  ``N/A`` row at ``restricted`` and no row at all at ``oi_restricted`` (L328-341).
  The time is "> limit" when the text is the timeout message (L311-312).
- Outcome words (GroupMin.get_public_outcome): "Correct" (outcome >= 1), "Not
  correct" (<= 0), else "Partially correct".  Details: the evaluation text a
  contestant gets (cms/grading/steps/evaluation.py L45-82 and
  ``human_evaluation_message`` L263-293; white diff: "Output is correct" / "Output
  isn't correct", its "Expected ... found ..." being admin-only, whitediff.py
  L143-150); a checker's or manager's own text as it printed it.
- No subtasks (score type Sum, cms/grading/scoretypes/Sum.py): every testcase with
  its outcome and text at every level, time and memory at ``full``.

Durations are printed with millisecond precision and sizes with three significant
digits in KiB/MiB, as CMS's ``format_duration``/``format_size`` do
(cms/locale/locale.py L180-232), with plain unit names ("s", "KiB") where CMS uses
babel's localised ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evalkit.judging.cms.package import BATCH, FEEDBACK_LEVELS, CmsTask

FULL, RESTRICTED, OI_RESTRICTED = FEEDBACK_LEVELS
DEFAULT_LEVEL = RESTRICTED  # cms/db/task.py L212

# cms/grading/steps/evaluation.py EVALUATION_MESSAGES (the contestant's words).
SUCCESS = "Output is correct"
WRONG = "Output isn't correct"
TIMEOUT = "Execution timed out"
WALL_TIMEOUT = "Execution timed out (wall clock limit exceeded)"
MEMORY = "Memory limit exceeded"
SIGNAL = "Execution killed by signal"
RETURN_CODE = "Execution failed because the return code was nonzero"
COMPILATION_FAILED = "Compilation failed"
MAX_COMPILE_TEXT = 2000


def task_level(task: CmsTask, option: str) -> str:
    """The level in force: ``option`` unless it is "package", then the package's own
    (problem.json, as tps.py imports it), else CMS's default."""
    if option != "package":
        return option
    return task.feedback_level or DEFAULT_LEVEL


def public_outcome(outcome: float) -> str:
    """GroupMin.get_public_outcome (also Sum's, per unit of the test's points)."""
    if outcome <= 0.0:
        return "Not correct"
    if outcome >= 1.0:
        return "Correct"
    return "Partially correct"


def contestant_text(task: CmsTask, test: Mapping[str, Any]) -> str:
    """The "Details" a contestant reads for one stored test result (tasktypes.TestOutcome
    JSON), which keeps evalkit's admin-side message."""
    verdict, message = str(test.get("verdict", "")), str(test.get("message", ""))
    if verdict == "TLE":
        # A wall-clock or idle (every process asleep) kill is CMS's wall timeout; a
        # CPU kill, or a Communication sum of CPU times over the limit, its timeout.
        if message.startswith(("time limit exceeded (wall", "time limit exceeded (idle")):
            return WALL_TIMEOUT
        return TIMEOUT
    if verdict == "MLE":
        return MEMORY
    if verdict == "RE":
        return SIGNAL if message.startswith("killed by signal") else RETURN_CODE
    if verdict == "OLE":
        return SIGNAL  # isolate's file-size limit ends the process with SIGXFSZ
    if task.task_type == BATCH and not task.has_checker:
        return SUCCESS if float(test.get("outcome", 0.0)) >= 1.0 else WRONG
    return message  # the checker's / manager's text (stock words already translated)


def _duration(seconds: float) -> str:
    return f"{abs(seconds):.3f} s"


def _size(kib: int) -> str:
    n = abs(kib) * 1024.0
    if n < 1024:
        return f"{round(n)} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if n < 1024 or unit == "TiB":
            digits = max(0, 2 - len(str(int(n))) + 1)
            return f"{n:.{digits}f} {unit}"
    raise AssertionError("unreachable")


def _num(x: float) -> str:
    return f"{x:g}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _test_cells(task: CmsTask, index: int, test: Mapping[str, Any], level: str) -> list[str]:
    text = contestant_text(task, test)
    cells = [str(index), public_outcome(float(test.get("outcome", 0.0))), text]
    if level == FULL:
        time = (f"> {_duration(task.time_limit)}" if text == TIMEOUT
                else _duration(float(test.get("time", 0.0))))
        cells += [time, _size(int(test.get("memory_kb", 0)))]
    return cells


def _header(level: str) -> list[str]:
    cols = ["#", "Outcome", "Details"]
    if level == FULL:
        cols += ["Execution time", "Memory used"]
    return [_row(cols), _row(["---"] * len(cols))]


def render(task: CmsTask, verdict: str, details: Mapping[str, Any], level: str) -> str:
    """The submission's evaluation as CMS shows it at ``level``, as plain text (Markdown
    tables), from a stored IOI Judgement's verdict and details."""
    if level not in FEEDBACK_LEVELS:
        raise ValueError(f"unknown feedback level {level!r}")
    if not details.get("compiled"):
        text = str(details.get("message") or details.get("compile_message") or "").strip()
        return f"{COMPILATION_FAILED}\n{text[:MAX_COMPILE_TEXT]}".rstrip()
    tests: Mapping[str, Mapping[str, Any]] = details.get("tests") or {}
    subtasks = list(details.get("subtasks") or [])
    lines: list[str] = []
    if len(task.subtasks) == 1 and task.subtasks[0].reduce == "mean":  # score type Sum
        lines += _header(level)
        for i, code in enumerate(sorted(tests), start=1):
            lines.append(_row(_test_cells(task, i, tests[code], level)))
        return "\n".join(lines)
    for st, scored in zip(task.subtasks, subtasks, strict=True):
        fraction = float(scored["fraction"])
        lines.append(f"Subtask {st.index} ({_num(float(scored['score']))} / "
                     f"{_num(st.score)})")
        lines += _header(level)
        shown = set(st.testcases)
        if fraction < 1.0 and st.testcases:
            # abc.py L464-508: the first testcase with the lowest outcome (strict <).
            first_lowest, low = None, None
            for code in st.testcases:
                outcome = float(tests[code]["outcome"])
                if low is None or outcome < low:
                    first_lowest, low = code, outcome
            assert first_lowest is not None
            if level == RESTRICTED:
                shown = {c for c in st.testcases if c <= first_lowest}  # codename order
            elif level == OI_RESTRICTED:
                shown = {first_lowest}
        for i, code in enumerate(st.testcases, start=1):
            if level == FULL or code in shown:
                lines.append(_row(_test_cells(task, i, tests[code], level)))
            elif level == RESTRICTED:
                lines.append(_row([str(i), "N/A"]))
        lines.append("")
    return "\n".join(lines).rstrip()
