"""Generation health of a run: truncation, unfinished reasoning, missing answers.

A reasoning model that runs out of tokens scores zero for reasons that have
nothing to do with the benchmark, so these rates are reported beside every
score and flagged when they pass a threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evalkit.extract.reasoning import split_reasoning
from evalkit.records import Generation

DEFAULT_THRESHOLD = 0.05


def truncated(g: Generation) -> bool:
    """The engine stopped at max_tokens (or the context length)."""
    return g.finish_reason == "length"  # anything else (a number, null) is not "length"


def unclosed_reasoning(g: Generation) -> bool:
    """Reasoning started but never ended (cut at max_tokens, or the model stopped inside it).

    Engine backends store unfinished reasoning with an empty answer (a server's
    reasoning parser does the same); replayed raw text still carries an
    unclosed ``<think>``.  Reasoning followed by no answer at all counts too:
    with a server parser the two cannot be told apart, except when the server parsed a
    tool call out of the answer (``meta["tool_calls"]``): the reasoning ended.
    """
    if g.error or (g.meta or {}).get("tool_calls"):
        return False
    if g.reasoning and not g.response.strip():
        return True
    return split_reasoning(g.response, g.reasoning).unclosed


def no_answer(g: Generation) -> bool:
    """Nothing after the reasoning: nothing to extract an answer from.  A turn whose
    answer is a tool call the server parsed out (``meta["tool_calls"]``, content often
    empty) has an answer."""
    if not g.error and (g.meta or {}).get("tool_calls"):
        return False
    return bool(g.error) or not split_reasoning(g.response, g.reasoning).answer.strip()


def _mean(xs: list[int]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def generation_stats(gens: Iterable[Generation],
                     threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """The ``generation`` object of summary.json."""
    gs = list(gens)
    n = len(gs)

    def rate(k: int) -> float:
        return k / n if n else 0.0

    counts = {"truncated": sum(map(truncated, gs)),
              "unclosed_reasoning": sum(map(unclosed_reasoning, gs)),
              "no_answer": sum(map(no_answer, gs)),
              "errors": sum(1 for g in gs if g.error)}
    rates = {f"{k}_rate": rate(v) for k, v in counts.items()}
    warnings = [f"{k.replace('_', ' ')} rate {rates[f'{k}_rate']:.1%} exceeds "
                f"{threshold:.0%} ({counts[k]}/{n} samples)"
                for k in ("truncated", "unclosed_reasoning", "no_answer", "errors")
                if n and rates[f"{k}_rate"] > threshold]

    def tokens(attr: str) -> list[int]:
        # Counts as the engine reported them; a value that is not a count (a
        # replayed "many", older run files) is left out, never a crash.
        return [v for g in gs if isinstance(v := getattr(g, attr), int)
                and not isinstance(v, bool)]

    return {
        "samples": n, **counts, **rates, "threshold": threshold, "warnings": warnings,
        "mean_tokens": {"prompt": _mean(tokens("prompt_tokens")),
                        "reasoning": _mean(tokens("reasoning_tokens")),
                        "answer": _mean(tokens("answer_tokens")),
                        "completion": _mean(tokens("completion_tokens"))},
    }
