"""Generation health: truncation, unclosed reasoning and missing answers are counted apart."""

from __future__ import annotations

from evalkit.model.stats import generation_stats, no_answer, unclosed_reasoning
from evalkit.records import Generation


def gen(i: int, response: str, reasoning: str | None = None, finish: str = "stop",
        error: str | None = None) -> Generation:
    return Generation(problem_id="p", sample=i, response=response, reasoning=reasoning,
                      finish_reason=finish, error=error, prompt_tokens=10,
                      completion_tokens=5, reasoning_tokens=3, answer_tokens=2)


def test_truncated_reasoning_is_unclosed_and_has_no_answer():
    g = gen(0, "", reasoning="still thinking", finish="length")
    assert unclosed_reasoning(g) and no_answer(g)


def test_truncated_answer_after_closed_reasoning_is_not_unclosed():
    g = gen(0, "```cpp\nint main(", reasoning="done", finish="length")
    assert not unclosed_reasoning(g) and not no_answer(g)


def test_raw_replayed_text_with_open_think_is_unclosed():
    assert unclosed_reasoning(gen(0, "<think>hmm"))
    assert not unclosed_reasoning(gen(0, "<think>hmm</think>42"))


def test_rates_and_loud_warnings_over_threshold():
    gs = [gen(i, "answer") for i in range(18)]
    gs.append(gen(18, "", reasoning="...", finish="length"))
    gs.append(gen(19, "", error="prompt too long"))
    s = generation_stats(gs, threshold=0.05)
    assert (s["samples"], s["truncated"], s["unclosed_reasoning"], s["no_answer"],
            s["errors"]) == (20, 1, 1, 2, 1)
    assert s["truncated_rate"] == 0.05 and s["no_answer_rate"] == 0.1
    # 5% is not above 5%; 10% is.
    assert [w.split(" rate")[0] for w in s["warnings"]] == ["no answer"]
    assert s["mean_tokens"]["reasoning"] == 3


def test_empty_run_has_no_warnings():
    assert generation_stats([])["warnings"] == []


def test_token_counts_that_are_not_counts_are_left_out_not_a_crash():
    # Run files written before replay checked types may hold them (issue 12).
    gs = [Generation(problem_id="p", sample=0, response="x", completion_tokens="many",  # type: ignore[arg-type]
                     finish_reason=7),  # type: ignore[arg-type]
          Generation(problem_id="p", sample=1, response="x", completion_tokens=4)]
    s = generation_stats(gs)
    assert s["mean_tokens"]["completion"] == 4 and s["truncated"] == 0
