"""A generation backend used as a judge: one prompt, retried until the verdict parses.

Any :class:`evalkit.model.Backend` can judge (``--judge-backend``).  Each
request is keyed ``("<problem>#<sample>", attempt)``, so the ``replay`` backend
can replay recorded verdicts (a JSONL with ``problem_id`` =
``"<problem>#<sample>"`` and ``sample`` = the attempt number) and each attempt
gets its own deterministic seed.  Every attempt's full text is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from evalkit.errors import EvalkitError
from evalkit.model import Backend, GenerationRequest, SamplingParams, make_backend, request_seed
from evalkit.records import Generation, Problem

T = TypeVar("T")

# A greedy judge repeats an unparseable verdict word for word; retries sample instead.
RETRY_TEMPERATURE = 0.7


@dataclass(frozen=True)
class JudgeSettings:
    """What the user chose for the judge (stored in the manifest, so ``evalkit judge`` can
    rebuild it)."""

    backend: str
    model: str = ""
    preset: str = ""
    generations: str | None = None  # for --judge-backend replay
    sampling: SamplingParams = field(default_factory=lambda: SamplingParams(max_tokens=16384))
    attempts: int = 3

    def to_json(self) -> dict[str, Any]:
        return {"backend": self.backend, "model": self.model, "preset": self.preset,
                "generations": self.generations, "sampling": self.sampling.to_json(),
                "attempts": self.attempts}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> JudgeSettings:
        s = dict(d.get("sampling") or {})
        s["stop"] = tuple(s.get("stop") or ())
        return cls(backend=d["backend"], model=d.get("model", ""), preset=d.get("preset", ""),
                   generations=d.get("generations"), sampling=SamplingParams(**s),
                   attempts=int(d.get("attempts", 3)))


@dataclass(frozen=True)
class Attempt:
    """One call of the judge: its full output and what the parser made of it."""

    attempt: int
    seed: int
    temperature: float
    response: str
    reasoning: str | None
    finish_reason: str | None
    parsed: bool
    parse_note: str
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Verdict:
    """The parsed result (None if no attempt parsed) and every attempt."""

    value: Any
    attempts: tuple[Attempt, ...]


def _backend_kwargs(s: JudgeSettings) -> dict[str, Any]:
    """make_backend keyword arguments for the judge.

    Backends with an engine (vLLM, served models) take ``engine=EngineSettings(model=...,
    preset=...)`` when evalkit.model has it (wip/gen); otherwise ``model``/``preset`` are
    passed only when set, so backends without them (replay) keep their signature.
    """
    import dataclasses
    import importlib
    import inspect

    kw: dict[str, Any] = {"generations": Path(s.generations) if s.generations else None}
    if not (s.model or s.preset):
        return kw
    if "engine" in inspect.signature(make_backend).parameters:
        config = importlib.import_module("evalkit.model.config")
        if hasattr(config, "resolve"):
            # The preset's engine settings (dtype, KV cache, chat template...), then the model.
            _, engine = config.resolve(s.preset or None, None, {})
        else:
            engine = config.EngineSettings()
        names = {f.name for f in dataclasses.fields(engine)}
        options = {"model": s.model or getattr(engine, "model", ""), "preset": s.preset or None}
        kw["engine"] = dataclasses.replace(
            engine, **{k: v for k, v in options.items() if k in names})
        return kw
    if s.model:
        kw["model"] = s.model
    if s.preset:
        kw["preset"] = s.preset
    return kw


class JudgeModel:
    """A backend plus sampling settings, asked one prompt at a time from judge threads.

    Without ``backend`` one is built from ``settings`` and closed by :meth:`close`; a
    backend passed in (an engine the caller already runs) is the caller's to close.
    """

    def __init__(self, settings: JudgeSettings, backend: Backend | None = None):
        if settings.attempts < 1:
            raise EvalkitError("--judge-attempts must be at least 1")
        self.settings = settings
        self._owns_backend = backend is None
        if backend is None:
            if settings.backend == "replay" and not settings.generations:
                raise EvalkitError("--judge-backend replay needs --judge-generations FILE")
            try:
                backend = make_backend(settings.backend, **_backend_kwargs(settings))
            except TypeError:
                raise EvalkitError(f"--judge-backend {settings.backend}: this backend takes no "
                                   "--judge-model/--judge-preset") from None
        self.backend = backend
        # Engines such as vLLM's offline LLM are not thread-safe: judge threads take
        # turns unless the backend declares ``thread_safe = True`` (e.g. an HTTP client).
        self._lock: threading.Lock | None = (
            None if getattr(backend, "thread_safe", False) else threading.Lock())

    def info(self) -> dict[str, Any]:
        """What identifies the judge's verdicts (part of the judge fingerprint)."""
        return {**self.backend.info(), "model": self.settings.model,
                "preset": self.settings.preset, "sampling": self.settings.sampling.to_json(),
                "attempts": self.settings.attempts}

    def ask(self, key: str, prompt: str, parse: Callable[[str, str | None], tuple[T | None, str]]
            ) -> Verdict:
        """Ask until ``parse(response, reasoning)`` returns a value, at most ``attempts`` times.

        ``parse`` returns ``(value or None, note)``.  Backend failures count as
        failed attempts; the caller turns a Verdict without a value into a judge
        error (not a zero), so it is retried on the next run.
        """
        base = self.settings.sampling
        attempts: list[Attempt] = []
        problem = Problem(id=key, title=key, messages=[{"role": "user", "content": prompt}])
        for i in range(self.settings.attempts):
            params = base
            if i > 0 and base.temperature == 0.0:
                params = replace(base, temperature=RETRY_TEMPERATURE)
            seed = request_seed(base.seed, key, i)
            req = GenerationRequest(problem=problem, sample=i, messages=problem.messages,
                                    params=params, seed=seed)
            try:
                gen = self._generate(req)
            except Exception as e:  # noqa: BLE001 - recorded; the run goes on
                attempts.append(Attempt(i, seed, params.temperature, "", None, None, False,
                                        "backend failed", f"{type(e).__name__}: {e}"[:500]))
                continue
            if gen.error:
                attempts.append(Attempt(i, seed, params.temperature, gen.response, gen.reasoning,
                                        gen.finish_reason, False, "generation error", gen.error))
                continue
            value, note = parse(gen.response, gen.reasoning)
            attempts.append(Attempt(i, seed, params.temperature, gen.response, gen.reasoning,
                                    gen.finish_reason, value is not None, note))
            if value is not None:
                return Verdict(value, tuple(attempts))
        return Verdict(None, tuple(attempts))

    def _generate(self, req: GenerationRequest) -> Generation:
        if self._lock is None:
            return next(iter(self.backend.generate([req])))
        with self._lock:
            return next(iter(self.backend.generate([req])))

    def close(self) -> None:
        """Release the backend (if this judge built it)."""
        if self._owns_backend:
            self.backend.close()
