"""IOI contest mode: rounds of candidates, one submission per round, CMS feedback.

Per task and sample, one *contest* (an episode):

1. Round r (label ``round{r}``, steps ``r*K .. r*K+K-1``) generates K candidates
   from one conversation: the benchmark's IOI prompt, then for each earlier round
   the program chosen (an assistant turn: its final answer) and what the contestant
   learnt of it (a user turn from the template ``contest.prompt``).
2. One candidate is chosen using only what a contestant knows before submitting
   (``contest.selection``): the first, in generation order, that compiles and passes
   the statement's examples run in the sandbox (the package's zero-point subtasks);
   else the first that compiles.  A task without examples is ranked by "compiles"
   alone.  A round where nothing compiles submits nothing (a contestant would not),
   and the next round is told the compiler's output.
3. The chosen program is judged in full (the official tests, as CMS does), and the
   CMS feedback at ``contest.feedback`` is rendered from that judgement
   (:mod:`evalkit.judging.cms.feedback`).
4. Stop at full score, after ``contest.max_submissions`` submissions (IOI rules,
   :data:`evalkit.scoring.ioi.MAX_SUBMISSIONS`), after ``contest.rounds`` rounds, or
   when a whole round failed to generate (e.g. the conversation outgrew the model).

The contest's score is IOI's: the best score of each subtask over its submissions,
summed (:func:`evalkit.scoring.ioi.task_score`).  It is written as the episode's own
judgement; later rounds depend on earlier verdicts, so ``evalkit judge`` refuses to
re-judge such a run (``rejudge = "refuse"``).

Source of the protocol: Nemotron-Cascade 2 (arXiv 2603.19220) §6.1 and Appendix C.1,
as reported in /work/shared/reference/nemotron_eval_protocol.md §1.3 ("multi-round
generate-select-submit, up to 50 rounds, up to 40 candidates per round; the prompt
carries earlier submissions and their per-subtask feedback"); the template is
evalkit's reconstruction (benchmarks/ioi/contest_prompt.md).
"""

from __future__ import annotations

import hashlib
import re
import string
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from evalkit.episodes.protocol import Protocol
from evalkit.errors import EvalkitError
from evalkit.judging.cms import feedback as cms_feedback
from evalkit.judging.cms.package import FEEDBACK_LEVELS
from evalkit.records import Generation, Judgement, Message
from evalkit.scoring import ioi as scoring

if TYPE_CHECKING:
    from evalkit.benchmarks.base import Benchmark
    from evalkit.benchmarks.ioi import IoiBenchmark
    from evalkit.episodes.episode import Episode
    from evalkit.episodes.journal import EpisodeFinal

SELECTIONS = ("examples", "compiles")
NO_SUBMISSION = "NO_SUBMISSION"  # verdict of a contest that never submitted


@dataclass(frozen=True)
class ContestOptions:
    """The ``contest`` option table of the IOI benchmarks (``--set contest.rounds=3``)."""

    rounds: int = 50  # Nemotron-Cascade 2 §6.1: "up to 50 rounds"
    candidates: int = 40  # per round; §6.1: "up to 40 candidates generated per round"
    max_submissions: int = scoring.MAX_SUBMISSIONS  # per task (IOI 2022-2025 rules)
    # CMS feedback level shown after each submission: "full", "restricted",
    # "oi_restricted", or "package" = the task package's problem.json value (tps.py
    # imports it; IOI 2024's packages say oi_restricted), else CMS's default
    # "restricted". Which level IOI 2025 used is unconfirmed in our sources.
    feedback: str = "package"
    # "examples": compiles and passes the statement's examples, then compiles, in
    # generation order; "compiles": the first that compiles (no example runs).
    selection: str = "examples"
    # The feedback-turn template, relative to the benchmarks folder (or absolute).
    prompt: str = "ioi/contest_prompt.md"

    def check(self, where: str) -> None:
        """Positive counts, known level and selection rule; a one-line error otherwise."""
        for key in ("rounds", "candidates", "max_submissions"):
            if getattr(self, key) < 1:
                raise EvalkitError(f"{where}: contest.{key} must be at least 1")
        if self.feedback not in ("package", *FEEDBACK_LEVELS):
            raise EvalkitError(f"{where}: contest.feedback is {self.feedback!r} (expected "
                               f"package, {', '.join(FEEDBACK_LEVELS)})")
        if self.selection not in SELECTIONS:
            raise EvalkitError(f"{where}: contest.selection is {self.selection!r} "
                               f"(expected {', '.join(SELECTIONS)})")


@dataclass(frozen=True)
class Template:
    """The feedback turns: one text per outcome of a round, with placeholders."""

    path: Path
    sections: dict[str, str]

    FIELDS: ClassVar[frozenset[str]] = frozenset({
        "round", "rounds", "submission", "max_submissions", "remaining", "score",
        "task_score", "max_score", "level", "feedback", "candidates"})
    SECTIONS: ClassVar[tuple[str, ...]] = ("submitted", "not submitted")

    @classmethod
    def load(cls, path: Path) -> Template:
        """Read and check a template file; errors name the file."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise EvalkitError(f"{path}: cannot read the contest prompt template ({e})") \
                from None
        parts = re.split(r"^<!-- section: ([a-z ]+) -->[ \t]*\n", text, flags=re.M)
        sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
        for name in cls.SECTIONS:
            if name not in sections:
                raise EvalkitError(f"{path}: no section '<!-- section: {name} -->'")
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(sections[name]) if f}
            except ValueError as e:
                raise EvalkitError(f"{path}: section {name!r}: {e}") from None
            unknown = sorted(fields - cls.FIELDS)
            if unknown:
                raise EvalkitError(f"{path}: section {name!r}: unknown placeholder "
                                   f"{{{unknown[0]}}} (known: {', '.join(sorted(cls.FIELDS))})")
        return cls(path, sections)

    def render(self, section: str, **values: Any) -> str:
        """The text of ``section`` with ``values`` filled in."""
        return self.sections[section].format(**values)


def _fmt(x: float) -> str:
    return f"{x:g}"


class Contest(Protocol):
    """IOI contest mode (module docstring): rounds, selection, submission, CMS feedback."""

    name = "contest"
    rejudge = "refuse"

    def __init__(self, bench: Benchmark):
        super().__init__(bench)
        opts = getattr(bench.options, "contest", None)
        self.options: ContestOptions = opts if isinstance(opts, ContestOptions) \
            else ContestOptions()
        self._template: Template | None = None

    @property
    def ioi(self) -> IoiBenchmark:
        return self.bench  # type: ignore[return-value]  # check() made sure

    def template_path(self) -> Path:
        from evalkit._resources import benchmarks_dir

        p = Path(self.options.prompt)
        return p if p.is_absolute() else benchmarks_dir() / p

    @property
    def template(self) -> Template:
        if self._template is None:
            self._template = Template.load(self.template_path())
        return self._template

    def params(self) -> dict[str, Any]:
        """The contest options, and a hash of the template text (a changed template is
        another run, never a silent mix)."""
        sha = hashlib.sha256(self.template_path().read_bytes()).hexdigest()[:16] \
            if self.template_path().is_file() else None
        return {**asdict(self.options), "prompt_sha256": sha}

    def check(self) -> None:
        """Only IOI adapters (CMS packages) run contests; the template must load."""
        from evalkit.benchmarks.ioi import IoiBenchmark

        if not isinstance(self.bench, IoiBenchmark):
            raise EvalkitError(f"option 'protocol': contest runs only on IOI benchmarks, "
                               f"not {self.bench.name}")
        self.options.check(str(self.bench.spec.spec_path))
        _ = self.template

    # -- one contest -----------------------------------------------------------------
    def run(self, ep: Episode) -> None:
        """Rounds until full score, the submission cap, the round limit, or a round that
        could not generate; finish with the IOI task score of the submissions."""
        from evalkit.benchmarks.ioi import example_tests

        opts = self.options
        task = self.ioi.tasks()[ep.problem.id]
        examples = len(example_tests(task))  # 0: ranked by "compiles" only (said in metrics)
        level = cms_feedback.task_level(task, opts.feedback)
        n_sub = len(task.subtasks)
        messages: list[Message] = list(ep.prompt)
        submitted: list[tuple[int, Judgement]] = []  # (round, judgement)
        curve: list[float] = []
        log: list[dict[str, Any]] = []
        total = 0.0
        stopped = "rounds"
        for r in range(opts.rounds):
            if len(submitted) >= opts.max_submissions:
                stopped = "submission cap"
                break
            cands = ep.generate(messages, n=opts.candidates, label=f"round{r}")
            if all(g.error for g in cands):
                stopped = "generation failed"
                break
            chosen, local, checked = self._choose(ep, r, cands)
            entry: dict[str, Any] = {"round": r, "step": chosen.step, "checked": checked,
                                     "compiled": bool(local.get("compiled")),
                                     "examples_passed": local.get("passed")}
            remaining = opts.max_submissions - len(submitted)
            values: dict[str, Any] = {
                "round": r + 1, "rounds": opts.rounds, "max_submissions": opts.max_submissions,
                "max_score": _fmt(task.max_score), "level": level,
                "candidates": opts.candidates}
            if local.get("compiled"):
                j = ep.judge(chosen)
                submitted.append((r, j))
                total, _ = scoring.task_score(
                    [scoring.subtask_scores_of(s) for _, s in submitted], n_sub,
                    task.score_precision)
                text = self.template.render(
                    "submitted", **values, submission=len(submitted), remaining=remaining - 1,
                    score=_fmt(j.score), task_score=_fmt(total),
                    feedback=cms_feedback.render(task, j.verdict, j.details, level))
                entry.update(submitted=True, score=j.score, verdict=j.verdict)
            else:
                text = self.template.render(
                    "not submitted", **values, submission=len(submitted), remaining=remaining,
                    score="-", task_score=_fmt(total),
                    feedback=str(local.get("message") or "").strip()[:2000])
                entry.update(submitted=False)
            entry["task_score"] = total
            log.append(entry)
            curve.append(total)
            if total >= task.max_score:
                stopped = "full score"
                break
            messages = [*messages, {"role": "assistant", "content": chosen.response},
                        {"role": "user", "content": text}]
        ep.finish(judgement=self._outcome(task, submitted, total),
                  metrics={"score": total, "max_score": task.max_score, "rounds": len(curve),
                           "submissions": len(submitted), "score_after_round": curve,
                           "stopped": stopped, "feedback_level": level, "examples": examples,
                           "log": log})

    def _choose(self, ep: Episode, r: int, cands: list[Generation]
                ) -> tuple[Generation, dict[str, Any], int]:
        """(the candidate to submit or to report on, its local check, candidates checked).

        Candidates are checked in generation order and the first that passes the
        examples ends the search, so most rounds compile one or two programs.
        """
        examples = self.options.selection == "examples"
        first_compiled: tuple[Generation, dict[str, Any]] | None = None
        first: tuple[Generation, dict[str, Any]] | None = None
        checked = 0
        ctx = ep.ctx
        if ctx is None:
            raise EvalkitError(f"{ep.name}: contest mode needs the judge open")

        def check(g: Generation) -> dict[str, Any]:
            return self.ioi.check_locally(ep.problem, g, ctx, examples=examples)

        for i, g in enumerate(cands):
            checked += 1
            local = ep.act(f"round{r}.check{i}", partial(check, g))
            if first is None:
                first = (g, local)
            if not local.get("compiled"):
                continue
            # No examples in the package (passed is None): "compiles" is all we know.
            if not examples or local.get("passed") is not False:
                return g, local, checked
            if first_compiled is None:
                first_compiled = (g, local)
        assert first is not None
        g, local = first_compiled or first
        return g, local, checked

    def _outcome(self, task: Any, submitted: list[tuple[int, Judgement]],
                 total: float) -> Judgement:
        """The contest as one IOI judgement: per subtask the best over its submissions."""
        subs = [scoring.subtask_scores_of(j) for _, j in submitted]
        best_frac = [0.0] * len(task.subtasks)
        for scores in subs:
            for i, s in enumerate(scores):
                best_frac[i] = max(best_frac[i], s.fraction)
        if submitted:
            _, best = max(submitted, key=lambda rj: (rj[1].score, -rj[1].step))
            verdict = "AC" if total >= task.max_score else best.verdict
            step = best.step
        else:
            verdict, step = NO_SUBMISSION, 0
        details = {
            "compiled": any(j.details.get("compiled") for _, j in submitted),
            "samples_passed": any(j.details.get("samples_passed") for _, j in submitted),
            "subtasks": [{"name": st.name, "points": st.score, "fraction": f,
                          "score": round(f * st.score, task.score_precision)}
                         for st, f in zip(task.subtasks, best_frac, strict=True)],
            "submissions": [{"round": r, "step": j.step, "score": j.score,
                             "verdict": j.verdict} for r, j in submitted],
        }
        return Judgement(problem_id="", sample=0, judge_key="", verdict=verdict, score=total,
                         max_score=task.max_score, details=details, step=step)

    # -- over the run ----------------------------------------------------------------
    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        """Per task: score, rounds used, submissions, the score-after-round curve (means
        over samples; a contest that stopped keeps its last score), why contests
        stopped; and the total's curve over every task."""
        by_task: dict[str, list[EpisodeFinal]] = {}
        for (pid, _), f in sorted(finals.items()):
            by_task.setdefault(pid, []).append(f)
        tasks: dict[str, Any] = {}
        longest = max((len(f.metrics.get("score_after_round") or []) for f in finals.values()),
                      default=0)
        total_curve = [0.0] * longest
        for pid, fs in by_task.items():
            n = len(fs)
            curves = [_pad(list(f.metrics.get("score_after_round") or []), longest) for f in fs]
            curve = [round(sum(c[i] for c in curves) / n, 4) for i in range(longest)]
            total_curve = [a + b for a, b in zip(total_curve, curve, strict=True)]
            tasks[pid] = {
                "samples": n,
                "score": round(sum(float(f.metrics.get("score", 0.0)) for f in fs) / n, 4),
                "max_score": fs[0].metrics.get("max_score"),
                "rounds": round(sum(int(f.metrics.get("rounds", 0)) for f in fs) / n, 2),
                "submissions": round(sum(int(f.metrics.get("submissions", 0))
                                         for f in fs) / n, 2),
                "score_after_round": curve,
                "stopped": dict(Counter(str(f.metrics.get("stopped")) for f in fs)),
                "feedback_level": fs[0].metrics.get("feedback_level"),
                "examples": fs[0].metrics.get("examples"),
            }
        return {"tasks": tasks, "score_after_round": [round(x, 4) for x in total_curve],
                "rounds_max": longest}


def _pad(curve: list[float], n: int) -> list[float]:
    """A contest's curve over n rounds: after it stopped, its score stays."""
    last = curve[-1] if curve else 0.0
    return curve + [last] * (n - len(curve))


PROTOCOL = Contest
