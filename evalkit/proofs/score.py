"""Reading the score out of a judge model's verdict.

The grading prompt (:mod:`evalkit.proofs.prompt`) asks for the score as
``<points>N out of 7</points>``, the tag IMO-ProofBench's ProofAutoGrader uses
(NeMo-Skills ``judge/imo_proofbench``, reference/nemotron_eval_protocol.md
§2.2).  Unlike a plain "first number in the text" rule, a verdict is only
accepted when it is unambiguous:

- only the final answer counts: text inside ``<think>…</think>`` is ignored,
  so a score the judge considers and rejects while thinking is not taken;
- every ``<points>`` tag in the answer must agree (a judge that writes
  ``<points>1 out of 7</points>`` and later ``<points>7 out of 7</points>`` has
  not decided);
- the score must be on the benchmark's scale (ProofBench: 0, 1, 6 or 7; IMO:
  0..7); ``<points>5 out of 7</points>`` on ProofBench is unparseable, not 5;
- without a tag, a single explicit ``Score: N/7`` / ``N out of 7`` /
  ``\\boxed{N}`` line at the end is accepted (judges that ignore the format).

Anything else is unparseable, and the caller asks the judge again.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from evalkit.extract.reasoning import split_reasoning

_TAG = re.compile(r"<points>\s*(\d+(?:\.\d+)?)\s*(?:(?:out of|/)\s*(\d+))?\s*</points>",
                  re.IGNORECASE)
_FALLBACKS = (
    re.compile(r"(?:final\s+)?(?:score|points|grade)\s*[:=]?\s*\**\s*(\d+(?:\.\d+)?)\s*"
               r"(?:(?:out of|/)\s*(\d+))?", re.IGNORECASE),
    re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:out of|/)\s*(\d+)\b", re.IGNORECASE),
    re.compile(r"\\boxed\{\s*(\d+(?:\.\d+)?)\s*\}()"),
)


@dataclass(frozen=True)
class ParsedScore:
    score: int | None  # None: unparseable
    reason: str  # how it was read, or why it could not be


def _value(num: str, out_of: str | None, max_points: int) -> float | None:
    if out_of and int(out_of) != max_points:
        return None
    return float(num)


def parse_score(verdict: str, allowed: Collection[int], max_points: int = 7,
                reasoning: str | None = None) -> ParsedScore:
    """The judge's score if ``verdict`` states exactly one allowed score, else ``None``."""
    split = split_reasoning(verdict, reasoning)
    if split.unclosed:
        return ParsedScore(None, "the judge's reasoning never ended")
    text = split.answer
    tags = _TAG.findall(text)
    if tags:
        values = {_value(n, o, max_points) for n, o in tags}
        how = "<points> tag"
    else:
        # Only the last few lines: a score quoted from the guidelines mid-text is not a verdict.
        tail = "\n".join(text.strip().splitlines()[-3:])
        values, how = set(), ""
        for rx in _FALLBACKS:
            found = rx.findall(tail)
            if found:
                values = {_value(n, o, max_points) for n, o in found[-1:]}
                how = f"fallback {rx.pattern[:24]}…"
                break
        if not values:
            return ParsedScore(None, "no <points>N out of 7</points> tag or score line")
    if None in values:
        return ParsedScore(None, f"score is not out of {max_points}")
    if len(values) > 1:
        return ParsedScore(None, f"conflicting scores {sorted(v for v in values if v is not None)}")
    (value,) = values
    assert value is not None
    if value != int(value) or int(value) not in allowed:
        return ParsedScore(None, f"score {value:g} is not one of {sorted(allowed)}")
    return ParsedScore(int(value), how)
