"""ICPC submissions-to-solve: generate candidates, filter them on the samples, submit in order.

Protocol (Nemotron-Cascade 2, arXiv 2603.19220 §6.1, read through a third-party
review of the paper (the project's research notes, nemotron_eval_protocol.md §1.2-1.3,
"ICPC WF 2025 (10/12)"), not checked against the PDF):
up to 1,000 generated solutions per problem; after an initial filtering the
candidates go to the official judge; a problem is solved when an accepted
submission is found, and the paper reports submissions-to-solve ("8 of 10
within 100").  The paper does not say what the filter is; evalkit
uses the one thing a contestant can check before submitting: the program
compiles and passes the statement's sample tests (``data/sample``), run in the
same sandbox judge as the official verdict (``IcpcBenchmark.judge_samples``).

Per episode (problem, sample):

1. candidates in generation order, ``chunk`` at a time (steps ``c*chunk ..``,
   label ``candidates{c}``), until ``max_candidates`` are generated;
2. each candidate is run on the samples (``ep.act``, label ``samples``); one
   that fails them (no program, CE, WA, TLE, ... on a sample) is never
   submitted;
3. each survivor is submitted at once, in order (``ep.judge``: the full
   official judging); the episode stops at the first AC, or when
   ``max_submissions`` (if set) submissions are rejected, or when the budget is
   spent.  Generation is lazy (chunk by chunk) only to save compute: the order
   and therefore every count is that of generating all candidates first.

Counts (ICPC World Finals scoring: a solved problem costs 20 penalty minutes for
each rejected run before its accepted one; an unsolved problem costs nothing;
e.g. https://open.kattis.com/contests/i3wkz6/rules, "ICPC Ranking & Scoring
Rules"): ``submissions`` (to solve, when solved), ``rejected_before_ac``
(rejected submissions made, the penalty count of a solved problem),
``candidates_generated``, ``filtered_out`` (by sample verdict).  A compile error
is never submitted (the filter compiles), so the contests that charge no
penalty for it agree with this count.

The steps after the first submission depend on its verdict, so ``evalkit
judge`` cannot re-judge such a run (``rejudge = "refuse"``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from evalkit.episodes.episode import EpisodeError
from evalkit.episodes.protocol import Protocol
from evalkit.errors import EvalkitError

if TYPE_CHECKING:
    from evalkit.benchmarks.icpc import IcpcBenchmark
    from evalkit.episodes.episode import Episode
    from evalkit.episodes.journal import EpisodeFinal
    from evalkit.records import Generation, Judgement

ACCEPTED = "AC"  # evalkit.judging.kattis.judge.AC


@dataclass(frozen=True)
class SubmitOptions:
    """``[submit]`` of an ICPC benchmark (``--set submit.max_candidates=100``)."""

    # Generation budget per problem and sample: "up to 1000 generated solutions per
    # problem" (Nemotron-Cascade 2 §6.1).
    max_candidates: int = 1000
    # Candidates asked of the model at once (one batch step); the last chunk is smaller
    # when max_candidates is not a multiple.  Only compute depends on it, not the counts.
    chunk: int = 10
    # Stop after this many rejected submissions (None: no cap, as at ICPC contests).
    max_submissions: int | None = None

    def check(self, where: str) -> None:
        """Positive budgets; a one-line error naming the key."""
        for key in ("max_candidates", "chunk", "max_submissions"):
            value = getattr(self, key)
            if value is not None and value < 1:
                raise EvalkitError(f"{where}: key 'submit.{key}' must be at least 1, "
                                   f"not {value}")


class Submit(Protocol):
    """ICPC submissions-to-solve (module docstring)."""

    name = "submit"
    rejudge = "refuse"

    def __init__(self, bench: Any):
        super().__init__(bench)
        self.options: SubmitOptions = getattr(bench.options, "submit", SubmitOptions())

    def params(self) -> dict[str, Any]:
        return dataclasses.asdict(self.options)

    def check(self) -> None:
        from evalkit.benchmarks.icpc import IcpcBenchmark

        if not isinstance(self.bench, IcpcBenchmark):
            raise EvalkitError(f"option 'protocol': submit runs ICPC benchmarks, not "
                               f"{self.bench.name}")

    # -- one episode ---------------------------------------------------------------
    def run(self, ep: Episode) -> None:
        o = self.options
        generated = submissions = rejected = 0
        filtered: Counter[str] = Counter()
        last: Judgement | None = None
        chunk_no = 0
        while generated < o.max_candidates and not _stop(last, rejected, o):
            n = min(o.chunk, o.max_candidates - generated)
            candidates = ep.generate(ep.prompt, n=n, label=f"candidates{chunk_no}")
            chunk_no += 1
            generated += n
            for g in candidates:
                verdict = self._on_samples(ep, g)
                if verdict != ACCEPTED:
                    filtered[verdict] += 1
                    continue
                last = ep.judge(g)
                submissions += 1
                if last.verdict != ACCEPTED:
                    rejected += 1
                if _stop(last, rejected, o):
                    break
        solved = last is not None and last.verdict == ACCEPTED
        metrics = {"solved": solved, "submissions": submissions,
                   "rejected_before_ac": rejected, "candidates_generated": generated,
                   "filtered_out": sum(filtered.values()),
                   "filtered_verdicts": dict(sorted(filtered.items())),
                   "accepted_step": last.step if solved and last is not None else None}
        # Nothing submitted (every candidate failed the samples): no verdict to record.
        ep.finish(judgement=last, metrics=metrics)

    def _on_samples(self, ep: Episode, g: Generation) -> str:
        """Candidate ``g``'s verdict on the sample tests (stored; replayed on resume)."""
        bench: IcpcBenchmark = self.bench  # type: ignore[assignment]

        def run() -> dict[str, Any]:
            if ep.ctx is None:
                raise EpisodeError(f"{ep.name}: this run has no judge open")
            j = bench.judge_samples(ep.problem, g, ep.ctx, ep.judge_key)
            if j.judge_error:
                # Not a verdict: the episode ends with the error and is retried next run.
                raise EpisodeError(f"{ep.name} step {g.step}: judge error on the samples: "
                                   f"{j.judge_error}")
            return {"step": g.step, "verdict": j.verdict, "judge_key": ep.judge_key,
                    "failed_test": j.details.get("failed_test"),
                    "language": j.details.get("language")}

        r = ep.act("samples", run)
        if r.get("step") != g.step:
            raise EpisodeError(f"{ep.name}: sample run {r.get('step')} stored where step "
                               f"{g.step} is asked")
        if r.get("judge_key") != ep.judge_key:
            raise EpisodeError(f"{ep.name} step {g.step}: sample-tested under judge "
                               f"{r.get('judge_key')}, the judge is now {ep.judge_key} (the "
                               "image or judge options changed mid-run); use another --out")
        return str(r["verdict"])

    # -- over all episodes -----------------------------------------------------------
    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        """Problems solved, submissions-to-solve, penalty count and the within-k counts.

        Each count is over one sample's episodes (one per problem), averaged over the
        samples when there are several (an int when it is whole).
        """
        ks = tuple(getattr(self.bench, "ks", (1, 10, 100)))
        return submit_summary(finals, ks)


def _stop(last: Judgement | None, rejected: int, o: SubmitOptions) -> bool:
    if last is not None and last.verdict == ACCEPTED:
        return True
    return o.max_submissions is not None and rejected >= o.max_submissions


def submit_summary(finals: Mapping[tuple[str, int], EpisodeFinal],
                   ks: tuple[int, ...]) -> dict[str, Any]:
    """The protocol metrics of :class:`Submit` over its episodes' final metrics."""
    samples = sorted({s for _, s in finals})
    problems = sorted({p for p, _ in finals})
    per: dict[str, dict[str, list[Any]]] = {}
    for pid in problems:
        rows = [finals[(pid, s)].metrics for s in samples if (pid, s) in finals]
        per[pid] = {
            "solved": [bool(m.get("solved")) for m in rows],
            "submissions_to_solve": [m.get("submissions") if m.get("solved") else None
                                     for m in rows],
            "submissions": [int(m.get("submissions", 0)) for m in rows],
            "rejected_before_ac": [int(m.get("rejected_before_ac", 0)) for m in rows],
            "candidates_generated": [int(m.get("candidates_generated", 0)) for m in rows],
            "filtered_out": [int(m.get("filtered_out", 0)) for m in rows],
        }
    by_sample = [[finals[(p, s)].metrics for p in problems if (p, s) in finals]
                 for s in samples]

    def mean(values: list[float]) -> float | int:
        if not values:
            return 0
        v = sum(values) / len(values)
        return int(v) if float(v).is_integer() else round(v, 4)

    solved = [[m for m in rows if m.get("solved")] for rows in by_sample]
    to_solve = sorted(int(m["submissions"]) for rows in solved for m in rows)
    return {
        "rule": "submissions-to-solve: candidates in generation order, filtered on the "
                "sample tests, submitted in order until AC (Nemotron-Cascade 2 §6.1)",
        "samples": len(samples),
        "problems": len(problems),
        "problems_solved": mean([len(rows) for rows in solved]),
        "solved_within": {str(k): mean([sum(int(m["submissions"]) <= k for m in rows)
                                        for rows in solved]) for k in ks},
        # ICPC penalty count: rejected runs of solved problems only.
        "rejected_before_ac": mean([sum(int(m.get("rejected_before_ac", 0)) for m in rows)
                                    for rows in solved]),
        "rejected_submissions": mean([sum(int(m.get("rejected_before_ac", 0)) for m in rows)
                                      for rows in by_sample]),
        "submissions": mean([sum(int(m.get("submissions", 0)) for m in rows)
                             for rows in by_sample]),
        "candidates_generated": mean([sum(int(m.get("candidates_generated", 0))
                                          for m in rows) for rows in by_sample]),
        "filtered_out": mean([sum(int(m.get("filtered_out", 0)) for m in rows)
                              for rows in by_sample]),
        "median_submissions_to_solve": _median(to_solve),
        "per_problem": per,
    }


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    n = len(values)
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


PROTOCOL = Submit
