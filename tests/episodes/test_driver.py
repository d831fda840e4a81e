"""The episode core, specified on a small protocol over AIME 2025 with replayed turns.

``Retry`` (defined here) asks once, judges the answer, and asks again with the
verdict as feedback until it is right or three tries are used; it ends with its
own judgement (the best try).  ``LastWord`` ends with a final generation that
the judge stage judges.  Rules checked: every step is stored as it happens with
its label and a conversation that rebuilds exactly what was sent; the episodes'
requests are batched; an episode that fails ends alone with its error; a run cut
off at any request resumes to the same records without redoing stored work.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rich.console import Console

import evalkit.protocols  # noqa: F401 - the package the registry imports from
from evalkit.benchmarks.math import MathAnswerOptions
from evalkit.episodes import Episode, EpisodeFinal, Journal, Protocol
from evalkit.errors import EvalkitError
from evalkit.model.base import GenerationRequest
from evalkit.model.replay import ReplayBackend
from evalkit.pipeline import RunConfig, generate_run, judge_run, prepare, rejudge, start
from evalkit.records import Generation
from evalkit.run import RunStore

PIDS = ["aime_2025_I-1", "aime_2025_I-2", "aime_2025_I-3"]


class Retry(Protocol):
    name = "retry"
    rejudge = "refuse"
    calls: ClassVar[list[str]] = []
    replayed: ClassVar[int] = 0

    def params(self) -> dict[str, Any]:
        return {"tries": 3}

    def run(self, ep: Episode) -> None:
        messages = [{"role": "user", "content": f"solve {ep.problem.id}"}]
        best = None
        for t in range(3):
            (g,) = ep.generate(messages, label=f"try{t}")
            stored = ep.replaying
            note = ep.act("note", lambda t=t: Retry.calls.append(ep.name) or {"try": t})
            Retry.replayed += stored
            assert note == {"try": t}
            j = ep.judge(g)
            if best is None or j.score > best.score:
                best = j
            if j.score == j.max_score:
                break
            messages = [*messages, {"role": "assistant", "content": g.response},
                        {"role": "user", "content": f"verdict {j.verdict}; try again"}]
        assert best is not None
        ep.finish(judgement=best, metrics={"tries": t + 1})

    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        return {"tries": sum(f.metrics["tries"] for f in finals.values())}


class LastWord(Protocol):
    name = "last-word"

    def run(self, ep: Episode) -> None:
        first = ep.generate([{"role": "user", "content": "draft"}], n=2, label="draft")
        (final,) = ep.generate([{"role": "user", "content": "final"}], label="final")
        ep.finish(final=final, metrics={"drafts": len(first)})


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The two test protocols, registered as evalkit/protocols modules would be."""
    import sys
    import types

    for cls, mod in ((Retry, "retry"), (LastWord, "last_word")):
        m = types.ModuleType(f"evalkit.protocols.{mod}")
        m.PROTOCOL = cls  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"evalkit.protocols.{mod}", m)
    monkeypatch.setattr(MathAnswerOptions, "PROTOCOLS", ("retry", "last-word"))
    Retry.calls = []
    Retry.replayed = 0


def answers() -> dict[str, str]:
    from evalkit.benchmarks import load_benchmark

    bench = load_benchmark("aime2025")
    return {pid: str(bench.items()[pid].answer) for pid in PIDS}


def turns(path: Path) -> Path:
    """I/1 right at once; I/2 wrong, then right; I/3 wrong three times."""
    a = answers()
    rows = [(PIDS[0], 0, a[PIDS[0]]), (PIDS[1], 0, "1"), (PIDS[1], 1, a[PIDS[1]]),
            (PIDS[2], 0, "1"), (PIDS[2], 1, "2"), (PIDS[2], 2, "3")]
    path.write_text("".join(json.dumps({"problem_id": p, "sample": 0, "step": s,
                                        "response": f"\\boxed{{{r}}}"}) + "\n"
                            for p, s, r in rows))
    return path


class Counting(ReplayBackend):
    """Replay that records its batches and can be cut off at the n-th request."""

    def __init__(self, path: Path, stop_after: int | None = None):
        super().__init__(path)
        self.batches: list[list[tuple[str, int]]] = []
        self.stop_after = stop_after
        self.served = 0

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        self.batches.append([(r.problem.id, r.step) for r in requests])
        for g in super().generate(requests):
            if self.stop_after is not None and self.served >= self.stop_after:
                raise KeyboardInterrupt("cut off")  # as if killed: nothing more is written
            self.served += 1
            yield g


def run(out: Path, gens: Path, protocol: str, backend: ReplayBackend | None = None
        ) -> dict[str, Any]:
    cfg = RunConfig(benchmark="aime2025", backend="replay", generations=gens, out=out,
                    workers=1, problems=PIDS, options={"protocol": protocol})
    return start(cfg, Console(file=io.StringIO(), width=200),
                 backend=backend or Counting(gens))


def test_each_episode_retries_on_its_verdicts_and_scores_its_best_try(tmp_path):
    s = run(tmp_path / "run", turns(tmp_path / "g.jsonl"), "retry")
    assert s["score"] == pytest.approx(2 / 3)  # I-1 and I-2 right; I-3 never
    assert s["protocol"] == {"name": "retry", "params": {"tries": 3}, "episodes": 3,
                             "errors": 0, "metrics": {"tries": 1 + 2 + 3}}
    store = RunStore(tmp_path / "run")
    assert store.manifest().protocol == {"name": "retry", "tries": 3}
    steps = {(g.problem_id, g.step): g for g in store.all_generations()}
    assert sorted(steps) == sorted([(PIDS[0], 0), (PIDS[1], 0), (PIDS[1], 1), (PIDS[2], 0),
                                    (PIDS[2], 1), (PIDS[2], 2)])
    assert steps[(PIDS[2], 2)].meta["label"] == "try2"
    # The stored conversation of the last try is exactly what the protocol sent.
    g2 = steps[(PIDS[2], 2)]
    earlier = [g for (p, _), g in steps.items() if p == PIDS[2]]
    conv = g2.conversation([], earlier)
    assert [m["content"] for m in conv] == [
        f"solve {PIDS[2]}", "\\boxed{1}", "verdict WA; try again", "\\boxed{2}",
        "verdict WA; try again"]
    assert g2.parent == 1 and len(g2.context) == 1  # stored once, not repeated
    # One judgement per episode, the protocol's own (judged inside).
    assert sorted(store.judgements()) == [(p, 0) for p in PIDS]
    assert store.judgements()[(PIDS[1], 0)].step == 1


def test_requests_of_all_episodes_go_out_together(tmp_path, monkeypatch):
    from evalkit.episodes import driver

    monkeypatch.setattr(driver, "LINGER", 600.0)  # wait for every episode, however slow
    gens = turns(tmp_path / "g.jsonl")
    backend = Counting(gens)
    run(tmp_path / "run", gens, "retry", backend)
    assert [len(b) for b in backend.batches] == [3, 2, 1]


def test_a_batch_does_not_wait_long_for_an_episode_that_is_still_acting(tmp_path, monkeypatch):
    import threading

    from evalkit.episodes import driver

    monkeypatch.setattr(driver, "LINGER", 0.2)
    release = threading.Event()
    slow = Retry.run

    def run_slowly(self, ep):
        if ep.problem.id == PIDS[2]:  # acts for as long as the others need to finish
            ep.act("slow", lambda: release.wait(120) and None)
        slow(self, ep)

    monkeypatch.setattr(Retry, "run", run_slowly)
    gens = turns(tmp_path / "g.jsonl")

    class Releasing(Counting):
        def generate(self, requests):
            yield from super().generate(requests)
            if len(self.batches) == 2:  # I-2's second try went out without I-3
                release.set()

    backend = Releasing(gens)
    s = run(tmp_path / "run", gens, "retry", backend)
    assert s["score"] == pytest.approx(2 / 3)
    assert [sorted(p for p, _ in b) for b in backend.batches[:2]] == \
        [sorted(PIDS[:2]), [PIDS[1]]]


@pytest.mark.parametrize("cut", [1, 2, 3, 4, 5])
def test_a_run_cut_off_at_any_request_resumes_to_the_same_records(tmp_path, cut):
    gens = turns(tmp_path / "g.jsonl")
    whole = run(tmp_path / "whole", gens, "retry")
    calls_whole = len(Retry.calls)
    Retry.calls = []
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "cut", gens, "retry", Counting(gens, stop_after=cut))
    Retry.replayed = 0
    stored_acts = sum(len(r.acts) for r in Journal(tmp_path / "cut").read().values()
                      if r.final is None or r.final.error)
    again = Counting(gens)
    resumed = run(tmp_path / "cut", gens, "retry", again)
    assert {k: resumed[k] for k in ("score", "problems", "protocol")} == \
        {k: whole[k] for k in ("score", "problems", "protocol")}
    # Nothing stored was asked or done again (an action under way when the run
    # stopped may be done again: at most one per episode).
    assert sum(len(b) for b in again.batches) == 6 - cut
    assert calls_whole <= len(Retry.calls) <= calls_whole + len(PIDS)
    # Every stored action of an unfinished episode was replayed (ep.replaying said so).
    assert Retry.replayed == stored_acts
    a = RunStore(tmp_path / "whole").judgements()
    b = RunStore(tmp_path / "cut").judgements()
    assert {k: (j.score, j.step) for k, j in a.items()} == \
        {k: (j.score, j.step) for k, j in b.items()}


def test_an_episode_whose_turns_run_out_ends_alone_with_its_error(tmp_path):
    gens = turns(tmp_path / "g.jsonl")
    lines = gens.read_text().splitlines()
    gens.write_text("\n".join(lines[:-1]) + "\n")  # I/3 has no third try
    buf = io.StringIO()
    cfg = RunConfig(benchmark="aime2025", backend="replay", generations=gens,
                    out=tmp_path / "run", workers=1, problems=PIDS,
                    options={"protocol": "retry"})
    prepared = prepare(cfg, Console(file=buf, width=300))
    try:
        generate_run(prepared, Console(file=buf, width=300))
        s = judge_run(prepared, cfg, Console(file=buf, width=300))
    finally:
        prepared.rd.unlock()
    assert s["protocol"]["episodes"] == 2 and s["protocol"]["errors"] == 1
    assert sorted(RunStore(tmp_path / "run").judgements()) == [(p, 0) for p in PIDS[:2]]
    final = Journal(tmp_path / "run").finals()[(PIDS[2], 0)]
    assert "step 2 (the recorded turns ran out)" in (final.error or "")
    assert "1 episode(s) ended in an error" in buf.getvalue()


def test_a_changed_protocol_is_a_divergence_not_a_silent_mix(tmp_path, monkeypatch):
    gens = turns(tmp_path / "g.jsonl")
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "run", gens, "retry", Counting(gens, stop_after=4))
    monkeypatch.setattr(Retry, "run", lambda self, ep: ep.generate([], label="other"))
    s = run(tmp_path / "run", gens, "retry")
    finals = Journal(tmp_path / "run").finals()
    assert any("stored as 'try0', the protocol now asks 'other'" in (f.error or "")
               for f in finals.values())
    assert s["protocol"]["errors"] >= 1


def test_a_final_generation_is_judged_by_the_judge_stage_and_can_be_rejudged(tmp_path):
    a = answers()
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(
        json.dumps({"problem_id": p, "step": s, "response": f"\\boxed{{{a[p] if s == 2 else 0}}}"})
        + "\n" for p in PIDS for s in range(3)))
    s = run(tmp_path / "run", gens, "last-word")
    assert s["score"] == 1
    store = RunStore(tmp_path / "run")
    assert {k: g.step for k, g in store.generations().items()} == {(p, 0): 2 for p in PIDS}
    assert all(j.step == 2 for j in store.judgements().values())
    again = rejudge(tmp_path / "run", 1, Console(file=io.StringIO()), force=True)
    assert again["score"] == 1


def test_rejudging_a_protocol_that_acted_on_its_verdicts_is_refused(tmp_path):
    run(tmp_path / "run", turns(tmp_path / "g.jsonl"), "retry")
    with pytest.raises(EvalkitError, match="judged during the run under another judge"):
        rejudge(tmp_path / "run", 1, Console(file=io.StringIO()), force=True)


def test_a_benchmark_refuses_a_protocol_it_does_not_run(tmp_path):
    with pytest.raises(EvalkitError, match=r"aime2025 does not run protocol 'contest' "
                                           r"\(it runs: single, retry, last-word\)"):
        run(tmp_path / "run", turns(tmp_path / "g.jsonl"), "contest")


def test_single_shot_runs_keep_their_identity(tmp_path):
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": PIDS[0], "response": "x"}) + "\n")
    cfg = RunConfig(benchmark="aime2025", backend="replay", generations=gens,
                    out=tmp_path / "run", workers=1, problems=PIDS[:1])
    prepared = prepare(cfg, Console(file=io.StringIO()))
    prepared.rd.unlock()
    m = RunStore(tmp_path / "run").manifest()
    assert m.protocol is None and "protocol" not in m.identity()
    assert not Journal(tmp_path / "run").exists()


def test_protocol_runs_are_marked_in_tables_and_not_gated_against_single_shot(tmp_path):
    from evalkit.gating import INCOMPARABLE, gate
    from evalkit.report.table import build_leaderboard
    from evalkit.results import load_run

    gens = turns(tmp_path / "g.jsonl")
    run(tmp_path / "retry", gens, "retry")
    single = tmp_path / "single.jsonl"
    single.write_text("".join(json.dumps({"problem_id": p, "response": "\\boxed{1}"}) + "\n"
                              for p in PIDS))
    cfg = RunConfig(benchmark="aime2025", backend="replay", generations=single,
                    out=tmp_path / "single", workers=1, problems=PIDS)
    from evalkit.pipeline import start

    start(cfg, Console(file=io.StringIO()))
    a, b = load_run(tmp_path / "single"), load_run(tmp_path / "retry")
    notes = build_leaderboard([b], resamples=50).notes
    assert any("protocol retry tries=3" in n for n in notes)
    both = build_leaderboard([a, b], resamples=50)
    assert any("protocol single-shot" in n for n in both.notes)
    result = gate([a], [b])
    assert result.exit_code == 2 and result.decisions[0].verdict == INCOMPARABLE
    assert any("different protocol (baseline: single-shot; candidate: retry tries=3)" in r
               for r in result.decisions[0].reasons)
    assert gate([a], [b], force=True).exit_code in (0, 1)


class Panel(Protocol):
    """Two conversations of two siblings each in one call, then a recorded outcome."""

    name = "panel"

    def run(self, ep: Episode) -> None:
        a, b = ep.generate_many([([{"role": "user", "content": "A" * 1000}], 2),
                                 ([{"role": "user", "content": "B"}], 2)], label="panel")
        pick = ep.record(a[1].response, label="pick", meta={"from": a[1].step})
        ep.finish(final=pick, metrics={"steps": [g.step for g in a + b]})


def test_several_conversations_go_in_one_call_and_siblings_store_one_context(tmp_path,
                                                                               monkeypatch):
    import sys
    import types

    m = types.ModuleType("evalkit.protocols.panel")
    m.PROTOCOL = Panel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "evalkit.protocols.panel", m)
    monkeypatch.setattr(MathAnswerOptions, "PROTOCOLS", ("panel",))
    a = answers()
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(json.dumps({"problem_id": p, "step": s, "response":
                                        f"\\boxed{{{a[p] if s == 1 else 0}}}"}) + "\n"
                            for p in PIDS for s in range(4)))
    backend = Counting(gens)
    s = run(tmp_path / "run", gens, "panel", backend)
    assert [len(b) for b in backend.batches] == [12]  # 3 episodes x 2 conversations x 2
    assert s["score"] == 1  # the recorded pick (step 4) is what was judged
    store = RunStore(tmp_path / "run")
    steps = {g.step: g for g in store.all_generations() if g.problem_id == PIDS[0]}
    assert sorted(steps) == [0, 1, 2, 3, 4]
    assert steps[1].same_as == 0 and steps[1].context == [] and steps[3].same_as == 2
    assert len(json.dumps(steps[1].to_json())) < 400  # the 1000-char prompt is stored once
    assert steps[1].conversation([], list(steps.values())) == \
        [{"role": "user", "content": "A" * 1000}]
    assert steps[4].finish_reason == "recorded" and steps[4].meta == {"from": 1, "label": "pick"}
    assert {k: g.step for k, g in store.generations().items()} == {(p, 0): 4 for p in PIDS}
    # Resumed from the stored steps alone, the recorded step is replayed, not added again.
    (tmp_path / "run" / "episodes.jsonl").unlink()
    again = Counting(gens)
    run(tmp_path / "run", gens, "panel", again)
    assert again.batches == []
    assert len(store.all_generations()) == 15


def test_an_assistant_turn_keeps_the_tool_calls_the_backend_returned():
    calls = [{"id": "c1", "type": "function",
              "function": {"name": "python", "arguments": "{\"code\": \"1\"}"}}]
    g0 = Generation(problem_id="p", sample=0, response="", step=0, parent=-1,
                    meta={"tool_calls": calls})
    g1 = Generation(problem_id="p", sample=0, response="2", step=1, parent=0,
                    context=[{"role": "tool", "tool_call_id": "c1", "content": "1"}])
    prompt = [{"role": "user", "content": "q"}]
    assert g1.conversation(prompt, [g0]) == [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "", "tool_calls": calls},
        {"role": "tool", "tool_call_id": "c1", "content": "1"}]


def test_a_new_judge_refuses_every_episode_of_a_protocol_that_acted_on_verdicts(
        tmp_path, monkeypatch):
    from evalkit.benchmarks.math import MathAnswerBenchmark

    class GiveUp(Retry):
        def run(self, ep: Episode) -> None:  # judges once, then ends without an outcome
            (g,) = ep.generate([{"role": "user", "content": "q"}], label="try0")
            ep.judge(g)
            ep.finish(metrics={"tries": 1})

    monkeypatch.setattr(sys.modules["evalkit.protocols.retry"], "PROTOCOL", GiveUp)
    run(tmp_path / "run", turns(tmp_path / "g.jsonl"), "retry")
    assert RunStore(tmp_path / "run").judgements() == {}  # nothing judged inside
    rejudge(tmp_path / "run", 1, Console(file=io.StringIO()))  # the same judge: fine
    old = MathAnswerBenchmark.judge_fingerprint
    monkeypatch.setattr(MathAnswerBenchmark, "judge_fingerprint",
                        lambda self, ctx: {**old(self, ctx), "grader": "another"})
    with pytest.raises(EvalkitError, match=r"3 episode\(s\) of protocol 'retry' were judged"):
        rejudge(tmp_path / "run", 1, Console(file=io.StringIO()))


class Continuous(Counting):
    """A continuous backend: serves one request per 'step' and takes new
    requests between steps, noting those that joined while others were in flight."""

    continuous = True

    def __init__(self, path: Path):
        super().__init__(path)
        self.joined: list[tuple[str, int]] = []

    def generate_fed(self, feed):
        import time

        live: list[GenerationRequest] = []
        while True:
            new = feed.take(wait=not live)
            if new is None and not live:
                return
            if new and live:
                self.joined += [(r.problem.id, r.step) for r in new]
            live += new or []
            if live:
                # A step: long next to judging an answer (it ends once a request
                # arrives, so the test stays quick where episodes come back quickly).
                more: list[GenerationRequest] = []
                end = time.monotonic() + 3.0
                while not more and time.monotonic() < end:
                    time.sleep(0.02)
                    more = feed.take(wait=False) or []
                self.joined += [(r.problem.id, r.step) for r in more]
                live += more
                yield from super().generate([live.pop(0)])


def test_a_continuous_backend_takes_an_episodes_next_turn_while_others_are_in_flight(
        tmp_path):
    gens = turns(tmp_path / "g.jsonl")
    backend = Continuous(gens)
    s = run(tmp_path / "run", gens, "retry", backend)
    assert s["score"] == pytest.approx(2 / 3)  # the same outcome as batch after batch
    # I-2's second try went in while I-3's first was still being generated.
    assert (PIDS[1], 1) in backend.joined, (backend.joined, backend.batches)
    assert sorted(k for b in backend.batches for k in b) == sorted(
        [(PIDS[0], 0), (PIDS[1], 0), (PIDS[1], 1), (PIDS[2], 0), (PIDS[2], 1), (PIDS[2], 2)])


def test_a_continuous_backend_that_fails_ends_the_episodes_waiting_with_its_error(tmp_path):
    from evalkit.model.base import RequestFeed

    gens = turns(tmp_path / "g.jsonl")

    class FailsOnI3(Continuous):
        def generate_fed(self, feed: RequestFeed):
            for r in (feed.take(wait=True) or []):
                if r.problem.id == PIDS[2]:
                    raise EvalkitError("engine refused I-3")
            yield from super().generate_fed(feed)

    backend = FailsOnI3(gens)
    s = run(tmp_path / "run", gens, "retry", backend)
    finals = Journal(tmp_path / "run").finals()
    assert "engine refused I-3" in (finals[(PIDS[2], 0)].error or "")
    assert s["protocol"]["errors"] == sum(1 for f in finals.values() if f.error) >= 1
    # The next run resumes them (an error is not a final outcome) on a working backend.
    s = run(tmp_path / "run", gens, "retry", Continuous(gens))
    assert s["protocol"]["errors"] == 0 and s["score"] == pytest.approx(2 / 3)
