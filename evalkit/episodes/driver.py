"""Run many episodes at once, batching their model calls into one backend.

Each episode runs in its own thread.  When it calls ``generate`` it parks its
requests here and blocks.  A continuous backend (``Backend.continuous``: vLLM's step
loop) takes parked requests between its steps and adds them to the batch in flight,
so an episode back early from judging neither waits for a batch boundary nor holds
the others back.  For any other backend, when every live episode is blocked (or
finished, or after ``LINGER``), the pending requests of all of them go to the backend
as one batch, so an engine sees the same large batches it sees in a single-shot run.
Results are stored as they come (generations.jsonl) and hand each episode its own
back.  An episode that
raises ends with that error (its final record), never aborts the run, and is run
again, by replay, on the next run.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rich.console import Console

from evalkit.episodes.episode import Episode, EpisodeError
from evalkit.episodes.journal import EpisodeFinal, Journal
from evalkit.errors import EvalkitError
from evalkit.jsonl import JsonlLog
from evalkit.model.base import Backend, GenerationRequest, RequestFeed, SamplingParams
from evalkit.records import Generation, Problem

if TYPE_CHECKING:
    from evalkit.benchmarks.base import Benchmark, JudgeContext
    from evalkit.episodes.protocol import Protocol
    from evalkit.run.store import RunStore

MAX_LIVE = 64  # episodes running at once (threads); more wait for a free place
# How long parked requests wait for episodes still acting before a batch leaves anyway.
# Long enough that episodes which act briefly (a replayed step, a quick check) join the
# batch; short next to a generation, so long actions do not hold the others back.
LINGER = 2.0
# A continuous backend with nothing in flight waits this long for near-simultaneous
# arrivals (episodes starting together); later arrivals join the batch in flight.
FED_LINGER = 0.05


class _Aborted(BaseException):
    """The run stopped (an interrupt, an engine failure): episodes stop without writing,
    as if the process had been killed; the next run resumes them."""


@dataclass
class _Parked:
    """One episode's requests waiting for the next batch."""

    requests: list[GenerationRequest]
    results: dict[int, Generation] = field(default_factory=dict)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class _Batcher(RequestFeed):
    """Collects parked requests; the driver thread sends them when nobody is running
    (:meth:`next_batch`, :meth:`send`), or a continuous backend takes them as they come
    (:meth:`take`, :meth:`deliver`)."""

    def __init__(self, backend: Backend, log: JsonlLog, linger: float):
        self.backend = backend
        self.linger = linger
        self.first_parked: float | None = None
        self.log = log
        self.cv = threading.Condition()
        self.parked: list[_Parked] = []
        self.running = 0  # live episodes not blocked in generate()
        self.live = 0
        self.aborted = False
        self.inflight: dict[tuple[str, int, int], tuple[_Parked, GenerationRequest]] = {}

    # Called from an episode's thread.
    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        slot = _Parked(list(requests))
        with self.cv:
            if self.aborted:
                raise _Aborted
            if not self.parked:
                self.first_parked = time.monotonic()
            self.parked.append(slot)
            self.running -= 1
            self.cv.notify_all()
        slot.done.wait()
        if slot.error is not None:
            raise slot.error
        return [slot.results[r.step] for r in slot.requests]

    def started(self) -> None:
        with self.cv:
            self.live += 1
            self.running += 1

    def ended(self) -> None:
        with self.cv:
            self.live -= 1
            self.running -= 1
            self.cv.notify_all()

    # Called from the driver thread.
    def next_batch(self) -> list[_Parked] | None:
        """Wait until every live episode is blocked, or the first parked request has waited
        ``linger`` seconds (episodes that act for long, e.g. agent commands or judging,
        must not hold the others back); the parked slots (None: every episode ended)."""
        with self.cv:
            while True:
                if not self.parked:
                    if self.live == 0:
                        return None
                elif self.running == 0 or (
                        self.first_parked is not None
                        and time.monotonic() - self.first_parked >= self.linger):
                    break
                self.cv.wait(timeout=0.05 if self.parked else 1.0)
            batch, self.parked = self.parked, []
            return batch

    def send(self, batch: list[_Parked]) -> None:
        """Generate every request of ``batch``; store each result; wake each episode.

        A backend error isolates itself: the batch is retried one slot at a time,
        so only the episode whose request cannot be served ends with the error.
        """
        try:
            self._send(batch)
        except EvalkitError:
            for slot in batch:
                if slot.done.is_set():
                    continue
                try:
                    self._send([slot])
                except EvalkitError as e:
                    slot.error = EpisodeError(str(e))
                    self._wake(slot)

    def _send(self, batch: list[_Parked]) -> None:
        with self.cv:
            self.inflight.clear()  # one batch at a time: what a failed batch left is moot
            requests = self._register(batch)
        for g in self.backend.generate(requests):
            self.deliver(g)

    def _register(self, slots: list[_Parked]) -> list[GenerationRequest]:
        """The requests of ``slots`` still without a result, now in flight (under cv)."""
        out = []
        for slot in slots:
            for r in slot.requests:
                key = (r.problem.id, r.sample, r.step)
                if r.step not in slot.results:
                    self.inflight[key] = (slot, r)
                    out.append(r)
        return out

    def deliver(self, g: Generation) -> None:
        """Store generation ``g`` and hand it to its episode (woken when it has all)."""
        key = (g.problem_id, g.sample, g.step)
        with self.cv:
            if key not in self.inflight:  # a backend that does not echo the step: by episode
                key = next((k for k in self.inflight if k[:2] == key[:2]), key)
            found = self.inflight.pop(key, None)
        if found is None:
            return  # not asked for (or asked by an episode that already failed)
        slot, r = found
        g = replace(g, step=r.step, parent=r.extra["parent"], context=r.extra["context"],
                    same_as=r.extra.get("same_as"), meta={**g.meta, "label": r.extra["label"]})
        self.log.append(g.to_json())
        slot.results[r.step] = g
        if len(slot.results) == len(slot.requests):
            self._wake(slot)

    # The feed of a continuous backend (called from the thread that generates).
    def take(self, wait: bool) -> list[GenerationRequest] | None:
        """Parked requests, now in flight ([] if none and not ``wait``; None: every
        episode ended, or the run stopped).  With ``wait`` (nothing in flight), requests
        that arrive within ``FED_LINGER`` of the first go out together."""
        with self.cv:
            while True:
                if self.aborted:
                    return None
                if self.parked and (not wait or self.running == 0 or (
                        self.first_parked is not None
                        and time.monotonic() - self.first_parked >= FED_LINGER)):
                    slots, self.parked = self.parked, []
                    return self._register(slots)
                if not self.parked and self.live == 0:
                    return None
                if not wait:
                    return []
                self.cv.wait(timeout=0.01 if self.parked else 1.0)

    def fail_waiting(self, error: EvalkitError) -> bool:
        """A continuous backend failed: every episode whose requests were in flight or
        parked ends with ``error`` (the others go on); whether there was any."""
        with self.cv:
            slots = {id(s): s for s, _ in self.inflight.values()}
            slots.update({id(s): s for s in self.parked})
            self.inflight.clear()
            self.parked = []
        for slot in slots.values():
            slot.error = EpisodeError(str(error))
            self._wake(slot)
        return bool(slots)

    def abort(self) -> None:
        """Stop every episode at its next generate() (those parked now included)."""
        with self.cv:
            self.aborted = True
            parked, self.parked = self.parked, []
        for slot in parked:
            slot.error = _Aborted()
            slot.done.set()

    def _wake(self, slot: _Parked) -> None:
        with self.cv:
            self.running += 1  # before the thread runs, so no batch leaves without it
        slot.done.set()


def run_episodes(store: RunStore, bench: Benchmark, pairs: Sequence[tuple[Problem, int]],
                 protocol: Protocol, backend: Backend, params: SamplingParams,
                 ctx: JudgeContext | None, judge_key: str, workers: int,
                 console: Console, linger: float | None = None
                 ) -> dict[tuple[str, int], EpisodeFinal]:
    """Run every episode of ``pairs`` without a (non-error) final record; return the finals."""
    from evalkit.pipeline import progress  # the pipeline's progress bar style

    journal = Journal(store.path)
    records = journal.read()
    todo = [(p, i) for p, i in pairs
            if (r := records.get((p.id, i))) is None or r.final is None or r.final.error]
    if not todo:
        return journal.finals()
    stored: dict[tuple[str, int], list[Generation]] = {}
    for g in store.all_generations():
        stored.setdefault(g.key, []).append(g)
    judge_slots = threading.Semaphore(max(1, workers))
    places = threading.Semaphore(MAX_LIVE)
    with store.generation_log() as glog, store.judgement_log() as jlog, \
            progress(console) as bar:
        batcher = _Batcher(backend, glog, LINGER if linger is None else linger)
        task = bar.add_task(f"episodes ({protocol.name}, {backend.name})", total=len(todo))

        def one(problem: Problem, sample: int) -> None:
            ep = Episode(problem, sample, bench, params, generator=batcher.generate,
                         journal=journal, recorder=lambda g: glog.append(g.to_json()),
                         stored=stored.get((problem.id, sample), ()),
                         records=records.get((problem.id, sample)), ctx=ctx,
                         judge_key=judge_key, judge_slots=judge_slots)
            try:
                protocol.run(ep)
                if batcher.aborted:
                    return
                if ep.final is None:
                    raise EpisodeError(f"{ep.name}: protocol {protocol.name!r} ended without "
                                       "finish()")
                if ep.judgement is not None:
                    jlog.append(ep.judgement.to_json())
                journal.append(ep.final.to_json())
            except _Aborted:
                return
            except Exception as e:  # noqa: BLE001 - one episode never aborts the run
                if batcher.aborted:
                    return
                text = str(e) if isinstance(e, EvalkitError) else \
                    f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=8)}"
                journal.append(EpisodeFinal(problem.id, sample, error=text[:4000]).to_json())
            finally:
                batcher.ended()
                places.release()
                bar.advance(task)

        def feeder() -> None:
            for p, i in todo:
                if not places.acquire(blocking=False):
                    # Blocked until an episode ends: not running, or no batch would leave.
                    with batcher.cv:
                        batcher.running -= 1
                        batcher.cv.notify_all()
                    places.acquire()
                    with batcher.cv:
                        batcher.running += 1
                batcher.started()
                threading.Thread(target=one, args=(p, i), daemon=True,
                                 name=f"episode {p.id}#{i}").start()

        with batcher.cv:
            batcher.live += 1  # the feeder counts as running until every episode started
            batcher.running += 1
        def feed_all() -> None:
            try:
                feeder()
            finally:
                batcher.ended()

        feed = threading.Thread(target=feed_all, daemon=True)
        feed.start()
        try:
            if backend.continuous:
                while True:
                    try:
                        for g in backend.generate_fed(batcher):
                            batcher.deliver(g)
                        break
                    except EvalkitError as e:
                        if not batcher.fail_waiting(e):
                            raise
            else:
                while (batch := batcher.next_batch()) is not None:
                    batcher.send(batch)
        except BaseException:
            batcher.abort()
            raise
        finally:
            journal.close()
        feed.join()
    return journal.finals()
