"""Multi-pass validation (problem package format 2023-07 / 2025-09, and legacy
``validation: custom multi-pass`` as DOMjudge's hangman and jumble use it).

Rules (spec ``2025-09.md`` "Multi-pass validation", problemtools
``judge/execute.py`` ``_run_multipass`` at a185fe97):

- The submission runs again on a new input while the output validator accepts
  (exit 42) *and* writes ``nextpass.in`` to the feedback directory; judging of
  the test stops when it exits 42 without one (AC) or with any other code.
- ``nextpass.in`` with an exit code other than 42 is a judge error; so is a
  validator still asking for a pass after ``limits.validation_passes``
  (default 2) passes.
- Files in the feedback directory persist between passes (the validator may
  keep its state there); ``nextpass.in`` is removed before the next pass.
- Time and memory limits apply to each pass separately; the test's time is
  its slowest pass.

How it runs here: a pass of every test still going is one sandbox job (tests
in order, stopping at the first failure, as for one pass).  The validator's
feedback directory comes back to the host as a tar (base64) and goes into the
next pass's job as a trusted file, with ``nextpass.in`` as the input.  The
first failing test in order (over all its passes) decides, as for any problem:
a test after the first failure of a pass is never needed, and the tests before
it that go on are judged in the next pass.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
import signal
import tarfile
from collections.abc import Callable

from evalkit.judging.kattis import judge as kj
from evalkit.judging.kattis.languages import Language, compile_job
from evalkit.judging.kattis.package import KattisProblem, TestCase
from evalkit.sandbox import job as sj

NEXTPASS = "nextpass.in"


def _nextpass(state_b64: str | None) -> str | None:
    """The text of ``nextpass.in`` in a saved feedback directory, if it is there."""
    if not state_b64:
        return None
    try:
        data = base64.b64decode(state_b64.strip(), validate=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar.getmembers():
                if member.name.lstrip("./") == NEXTPASS and member.isfile():
                    f = tar.extractfile(member)
                    return f.read().decode("utf-8", errors="replace") if f else ""
    except (binascii.Error, tarfile.TarError, ValueError):
        return None
    return None


def _state_build(test: TestCase, pass_no: int, state_b64: str, next_input: str
                 ) -> sj.TrustedBuild:
    key = kj._key("pass", test.name, pass_no, state_b64, next_input)
    return sj.TrustedBuild(key=key, argv=["/bin/chmod", "644", "input.in", "state.b64"],
                           files={"input.in": sj.FileText(next_input),
                                  "state.b64": sj.FileText(state_b64)},
                           artifacts=["input.in", "state.b64"])


def _stop(problem: KattisProblem) -> sj.StopRule:
    if problem.interactive:
        return sj.StopRule(untrusted_failure=True, spare_signals=[int(signal.SIGPIPE)],
                           exit_not_in={"validator": [kj.EXIT_AC]})
    return sj.StopRule(untrusted_failure=True, check_exit_not_in=[kj.EXIT_AC])


def judge(problem: KattisProblem, source: str, lang: Language, data_dir: str,
          settings: kj.JudgeSettings, run: Callable[[sj.Job], sj.JobResult]) -> kj.Outcome:
    """The verdict of a submission to a multi-pass problem (module docstring)."""
    lang = lang.for_source(source)
    tl = kj.effective_time_limit(problem, settings)
    build, validator_argv = kj.validator_build(problem, data_dir)
    final: dict[str, kj.TestVerdict] = {}
    slowest: dict[str, float] = {}
    going: list[tuple[TestCase, sj.TrustedBuild | None]] = [(t, None) for t in problem.tests]
    compile_message = ""
    for pass_no in range(1, problem.validation_passes + 1):
        job = sj.Job(
            trusted_builds=[build, *(b for _, b in going if b is not None)],
            compile=compile_job(lang, source),
            tests=[kj.test_job(problem, t, data_dir, validator_argv, lang, tl, settings,
                               pass_state=f"{{trusted}}/{b.key}" if b else None)
                   for t, b in going],
            stop_on=_stop(problem))
        result = run(job)
        failed = kj.compile_outcome(result)
        if failed is not None:
            return failed
        assert result.compile is not None
        compile_message = compile_message or result.compile.message[:2000]
        next_going: list[tuple[TestCase, sj.TrustedBuild | None]] = []
        for t, _ in going:
            res = result.tests.get(t.name)
            if res is None:
                break  # after this pass's first failure: not needed
            tv = kj.interpret_test(problem, res, tl)
            slowest[t.name] = max(slowest.get(t.name, 0.0), tv.time)
            tv = dataclasses.replace(tv, time=slowest[t.name])
            state = res.files.get("state.b64")
            nxt = _nextpass(state)
            if nxt is not None and tv.verdict == kj.AC:
                if pass_no == problem.validation_passes:
                    final[t.name] = dataclasses.replace(tv, verdict=kj.JE, message=(
                        f"validator did not give a verdict within "
                        f"{problem.validation_passes} passes (limits.validation_passes)"))
                else:
                    assert state is not None
                    next_going.append((t, _state_build(t, pass_no, state, nxt)))
                continue
            if nxt is not None and tv.verdict == kj.WA:
                tv = dataclasses.replace(tv, verdict=kj.JE, message=(
                    "validator wrote nextpass.in but did not accept (exit 43)"))
            if tv.verdict != kj.AC:
                tv = dataclasses.replace(tv, message=f"pass {pass_no}: {tv.message}".strip())
            final[t.name] = tv
        going = next_going
        if not going:
            break
    out = kj.Outcome(kj.AC, compile_message=compile_message)
    for t in problem.tests:
        decided = final.get(t.name)
        if decided is None:
            break  # only tests after a failure are never decided
        out.tests.append(decided)
        if decided.verdict != kj.AC:
            out.verdict = decided.verdict
            if decided.verdict == kj.JE:
                out.judge_error = f"judge error on test {t.name}: {decided.message}"
            return out
    return out


def evaluate(problem: KattisProblem, source: str, lang: Language, data_dir: str,
             settings: kj.JudgeSettings, run: Callable[[sj.Job], sj.JobResult]) -> kj.Outcome:
    """One submission to any problem: passes for a multi-pass one, else one job."""
    if problem.multi_pass:
        return judge(problem, source, lang, data_dir, settings, run)
    return kj.interpret(problem, run(kj.build_job(problem, source, lang, data_dir, settings)),
                        settings)
