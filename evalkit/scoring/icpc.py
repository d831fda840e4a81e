"""ICPC scoring: problems solved, within the first k submissions.

Rules:

- A problem is solved when one of its submissions is accepted (ICPC World
  Finals rules: a run is judged "Accepted" or one of the rejection verdicts;
  the team is credited with the problem at its first accepted run).
- solved@k (as Nemotron-Cascade 2 reports ICPC WF 2025: "10/12 overall, 8
  within 100 submissions"): a problem counts if one of its first k
  submissions, in generation order, is accepted; ``all`` uses every
  generation.  Samples are taken in order, not chosen with hidden-test
  feedback, so this is a contest-faithful count, unlike pass@k (which
  estimates a probability and is reported separately).
- A judge error is the judge's fault, never a wrong submission: such a
  generation is left out of the order (it is re-judged on the next run, like
  a rejudge in a contest) and reported as a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evalkit.records import Judgement, Problem
from evalkit.run.summary import headline
from evalkit.scoring.sampling import mean_pass_at_k

ACCEPTED = "AC"
DEFAULT_KS = (1, 10, 100)


@dataclass(frozen=True)
class Submission:
    sample: int
    verdict: str
    judge_error: bool = False


def first_accepted(subs: Sequence[Submission]) -> int | None:
    """1-based position of the first accepted submission (judge errors skipped), or None."""
    position = 0
    for s in sorted(subs, key=lambda s: s.sample):
        if s.judge_error:
            continue
        position += 1
        if s.verdict == ACCEPTED:
            return position
    return None


def solved_within(subs: Sequence[Submission], k: int | None) -> bool:
    """Whether one of the first ``k`` submissions (all if None) is accepted."""
    pos = first_accepted(subs)
    return pos is not None and (k is None or pos <= k)


def solved_at(problems: Mapping[str, Sequence[Submission]],
              ks: Sequence[int] = DEFAULT_KS) -> dict[str, int]:
    """Number of problems solved within k submissions, for each k and for ``all``."""
    out = {f"solved@{k}": sum(solved_within(s, k) for s in problems.values()) for k in ks}
    out["solved@all"] = sum(solved_within(s, None) for s in problems.values())
    return out


JUDGE_ERROR = "JE"  # the verdict counted for a judge error (judging.kattis.judge.JE)


def summarize(benchmark: str, problems: Sequence[Problem],
              judgements: Mapping[tuple[str, int], Judgement],
              ks: Sequence[int] = DEFAULT_KS, refused: Mapping[str, str] | None = None,
              judge_facts: Any = None) -> dict[str, Any]:
    """The ICPC summary: problems solved (solved@k, all), pass@1, per-problem detail.

    ``refused``: packages left out of the run (problem -> why); each counts as a problem
    of the benchmark not solved.  ``judge_facts``: toolchains, validator builds and
    derived time limits, kept in the metrics.
    """
    per: dict[str, list[Submission]] = {p.id: [] for p in problems}
    verdicts: dict[str, Counter[str]] = {p.id: Counter() for p in problems}
    for (pid, _), j in judgements.items():
        if pid in per:
            per[pid].append(Submission(j.sample, j.verdict, j.judge_error is not None))
            verdicts[pid][j.verdict if j.judge_error is None else JUDGE_ERROR] += 1
    counts = solved_at(per, ks)
    rows: dict[str, Any] = {}
    for pid, subs in per.items():
        first = first_accepted(subs)
        rows[pid] = {
            "generations": len(subs),
            "judged": sum(1 for s in subs if not s.judge_error),
            "judge_errors": sum(1 for s in subs if s.judge_error),
            "first_accepted": first,
            "solved": first is not None,
            "accepted": sum(1 for s in subs if s.verdict == ACCEPTED and not s.judge_error),
            "verdicts": dict(verdicts[pid]),
        }
    correct = {pid: [s.verdict == ACCEPTED for s in sorted(subs, key=lambda s: s.sample)
                     if not s.judge_error] for pid, subs in per.items()}
    pass1 = mean_pass_at_k(correct, 1) if all(correct.values()) else None
    solved = counts["solved@all"]
    # A refused package is a problem of the benchmark not solved (and says why).
    left_out = {pid: why for pid, why in (refused or {}).items() if pid not in rows}
    for pid, why in left_out.items():
        rows[pid] = {"generations": 0, "judged": 0, "judge_errors": 0,
                     "first_accepted": None, "solved": False, "accepted": 0,
                     "verdicts": {}, "refused": why}
    return {
        "benchmark": benchmark,
        "score": solved,
        "max_score": len(rows),
        "metrics": {
            "score_rule": "ICPC: problems with an accepted submission (first failing test "
                          "decides each submission's verdict)",
            **counts,
            "ks": list(ks),
            "min_generations": min((r["judged"] for p, r in rows.items()
                                    if p not in left_out), default=0),
            "refused": left_out,
            "judge": judge_facts,
            "pass@1": pass1.to_json() if pass1 else None,
            "judge_errors": sum(r["judge_errors"] for r in rows.values()),
            "problems": rows,
        },
        **headline("problems solved", "problems", "sum",
                   {pid: 1.0 if r["solved"] else 0.0 for pid, r in rows.items()},
                   {pid: 1.0 for pid in rows}),
    }
