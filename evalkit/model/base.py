"""The generation backend interface.

A backend turns :class:`GenerationRequest` s into :class:`Generation` s and
yields each one as soon as it is finished, in any order, so the pipeline can
write it down at once.  The benchmark never knows which backend runs.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from evalkit.records import Generation, Message, Problem


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = -1
    max_tokens: int = 32768
    stop: tuple[str, ...] = ()
    seed: int = 0  # the run seed; per-request seeds derive from it

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["stop"] = list(self.stop)
        return d


def request_seed(run_seed: int, problem_id: str, sample: int) -> int:
    """A deterministic 31-bit seed per (problem, sample), so reruns ask the same."""
    h = hashlib.sha256(f"{run_seed}\0{problem_id}\0{sample}".encode()).digest()
    return int.from_bytes(h[:4], "big") & 0x7FFFFFFF


def step_seed(run_seed: int, problem_id: str, sample: int, step: int) -> int:
    """The seed of an episode step: step 0 keeps :func:`request_seed` (single-shot runs
    ask exactly what they asked before episodes existed); later steps hash the step in."""
    if step == 0:
        return request_seed(run_seed, problem_id, sample)
    h = hashlib.sha256(f"{run_seed}\0{problem_id}\0{sample}\0{step}".encode()).digest()
    return int.from_bytes(h[:4], "big") & 0x7FFFFFFF


@dataclass(frozen=True)
class GenerationRequest:
    problem: Problem
    sample: int
    messages: list[Message]
    params: SamplingParams
    seed: int
    extra: dict[str, Any] = field(default_factory=dict)
    # Episodes (evalkit/episodes): the step this request is for, and tool schemas
    # (OpenAI function format) offered to the model; single-shot: step 0, no tools.
    step: int = 0
    tools: list[dict[str, Any]] | None = None


class RequestFeed(ABC):
    """Requests that keep arriving while a backend generates: the next turns of the
    episodes still running (evalkit/episodes/driver.py).

    An engine that batches continuously (vLLM's step loop, a server taking concurrent
    requests) adds them to the work in flight, so an episode that comes back early
    from judging does not wait for a batch boundary, nor hold the others back.
    """

    @abstractmethod
    def take(self, wait: bool) -> list[GenerationRequest] | None:
        """The requests that arrived since the last call (``wait``: block until some do;
        else possibly none).  None: no request will arrive again."""


class ListFeed(RequestFeed):
    """A fixed list of requests, handed out at the first call."""

    def __init__(self, requests: Sequence[GenerationRequest]):
        self._requests: list[GenerationRequest] | None = list(requests)

    def take(self, wait: bool) -> list[GenerationRequest] | None:
        """Every request, once; then None."""
        out, self._requests = self._requests, None
        return out


class Backend(ABC):
    """Produces generations; subclasses implement :meth:`generate`."""

    name: str = "backend"
    # Whether the backend sends the prompts to a model (replay and reference do not).
    uses_prompts: bool = True
    # Whether generate_fed adds arriving requests to the work in flight (continuous
    # batching).  If not, the episode driver batches requests itself, batch after batch.
    continuous: bool = False

    def info(self) -> dict[str, Any]:
        """What identifies this backend's outputs, for the run manifest."""
        return {"backend": self.name}

    def environment(self) -> dict[str, Any]:
        """What was used but does not identify outputs (versions, client limits)."""
        return {}

    @abstractmethod
    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        """Yield one Generation per request as each finishes."""

    def generate_fed(self, feed: RequestFeed) -> Iterator[Generation]:
        """Yield one Generation per request taken from ``feed``, until it ends.

        Default: batch after batch, each what arrived while the last one ran.
        Continuous backends override it to add requests to the work in flight.
        """
        while (batch := feed.take(wait=True)) is not None:
            if batch:
                yield from self.generate(batch)

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release engines, servers or files."""
