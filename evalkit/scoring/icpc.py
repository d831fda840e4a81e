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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
