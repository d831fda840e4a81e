"""The ``openai`` backend: any OpenAI-compatible chat-completions server.

Works with ``vllm serve``, SGLang, TRT-LLM and hosted APIs.  Requests go out
over async HTTP (httpx) with at most ``concurrency`` in flight; each finished
sample is yielded at once.  A request that fails with 429, a 5xx, a dropped
connection or a timeout is retried with exponential backoff (``Retry-After`` is
honoured); after ``max_retries`` the run stops with a one-line error (finished
samples are kept, so re-running resumes).  A 400-class answer about one request
(e.g. its prompt exceeds the context) becomes that sample's error and the run
goes on; 401/403/404 stop the run at once.

Reasoning is read from where servers put it: ``reasoning_content`` (vLLM and
SGLang reasoning parsers), ``reasoning`` (newer vLLM, OpenRouter), or inline
``<think>…</think>`` in the content.
"""

from __future__ import annotations

import asyncio
import os
import queue
import random
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, GenerationRequest
from evalkit.model.config import ClientSettings, EngineSettings
from evalkit.model.output import (
    error_generation,
    make_generation,
    prompt_opens_reasoning,
    tool_meta,
)
from evalkit.records import Generation

RETRY_STATUS = frozenset({408, 409, 425, 429}) | frozenset(range(500, 600))
FATAL_STATUS = frozenset({401, 403, 404})
_DONE = object()


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(self, model: str, client: ClientSettings, settings: EngineSettings,
                 tokenizer: Any = None):
        """``model`` is the served model name (empty: the server's first model).

        ``tokenizer`` (optional) tells whether the template opens a reasoning
        block and counts answer tokens when the server does not report them.
        """
        self.model = model
        self.client = client
        self.settings = settings
        self.tokenizer = tokenizer
        self._cancel: threading.Event | None = None
        if client.concurrency < 1:
            raise EvalkitError("--concurrency must be at least 1")

    def info(self) -> dict[str, Any]:
        from evalkit.model.vllm_engine import template_sha256

        # The URL is not identity: a resumed run may reach the same model on another port.
        return {"backend": self.name, "served_model": self.model,
                "chat_template_kwargs": self.settings.chat_template_kwargs,
                "chat_template_sha256": template_sha256(self.tokenizer) if self.tokenizer
                else None}

    def environment(self) -> dict[str, Any]:
        return {"client": {"base_url": self.client.base_url,
                           "concurrency": self.client.concurrency,
                           "timeout": self.client.timeout,
                           "max_retries": self.client.max_retries}}

    # -- the synchronous face ---------------------------------------------------
    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        """Run the requests on an event loop in a helper thread; yield as each finishes."""
        out: queue.Queue[Any] = queue.Queue()
        cancel = threading.Event()
        self._cancel = cancel

        def work() -> None:
            try:
                asyncio.run(self._run_all(list(requests), out.put, cancel))
            except BaseException as e:  # noqa: BLE001 - handed to the consuming thread
                out.put(e)
            out.put(_DONE)

        t = threading.Thread(target=work, name="evalkit-openai", daemon=True)
        t.start()
        try:
            while True:
                item = out.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            cancel.set()
            t.join(timeout=10)

    # -- the asynchronous work ------------------------------------------------
    async def _run_all(self, requests: list[GenerationRequest], emit: Any,
                       cancel: threading.Event) -> None:
        import httpx

        c = self.client
        key = os.environ.get(c.api_key_env, "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        limits = httpx.Limits(max_connections=c.concurrency,
                              max_keepalive_connections=c.concurrency)
        async with httpx.AsyncClient(base_url=c.base_url.rstrip("/"), headers=headers,
                                     limits=limits, timeout=httpx.Timeout(c.timeout)) as http:
            if not self.model:
                self.model = await self._first_model(http)
            sem = asyncio.Semaphore(c.concurrency)

            async def one(r: GenerationRequest) -> None:
                async with sem:
                    if cancel.is_set():
                        return
                    emit(await self._request(http, r))

            tasks = [asyncio.create_task(one(r)) for r in requests]

            async def watch_cancel() -> None:
                while not cancel.is_set():
                    await asyncio.sleep(0.2)
                for t in tasks:
                    t.cancel()

            watcher = asyncio.create_task(watch_cancel())
            try:
                for fut in asyncio.as_completed(tasks):
                    try:
                        await fut
                    except asyncio.CancelledError:
                        if cancel.is_set():
                            return
                        raise
            finally:
                watcher.cancel()
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _first_model(self, http: Any) -> str:
        import httpx

        try:
            resp = await http.get("/models", timeout=30)
        except httpx.TransportError as e:
            raise EvalkitError(f"{self.client.base_url}: server unreachable "
                               f"({type(e).__name__})") from None
        try:
            return str(resp.json()["data"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise EvalkitError(f"{self.client.base_url}/models: no model listed; "
                               "pass --served-model NAME") from None

    def body(self, r: GenerationRequest) -> dict[str, Any]:
        """The chat-completions request for one sample (seeded: reruns ask the same)."""
        p = r.params
        body: dict[str, Any] = {"model": self.model, "messages": r.messages, "n": 1,
                                "temperature": p.temperature, "top_p": p.top_p,
                                "max_tokens": p.max_tokens, "seed": r.seed}
        if p.top_k != -1:
            body["top_k"] = p.top_k  # vLLM / SGLang extension
        if p.stop:
            body["stop"] = list(p.stop)
        if r.tools:
            body["tools"] = r.tools  # passed through: the server applies its tool parser
        if self.settings.chat_template_kwargs:
            body["chat_template_kwargs"] = self.settings.chat_template_kwargs
        return body

    async def _request(self, http: Any, r: GenerationRequest) -> Generation:
        import httpx

        c = self.client
        where = f"{c.base_url} ({r.problem.id}#{r.sample})"
        body = self.body(r)
        problem = ""
        for attempt in range(c.max_retries + 1):
            wait = c.backoff * 2 ** attempt * (0.5 + random.random())
            try:
                resp = await asyncio.wait_for(http.post("/chat/completions", json=body),
                                              timeout=c.timeout)
            except (TimeoutError, httpx.TimeoutException):
                problem = f"no answer within {c.timeout:g}s"
            except httpx.TransportError as e:
                problem = f"connection failed ({type(e).__name__})"
            else:
                if resp.status_code == 200:
                    try:
                        return self._parse(r, resp.json())
                    except (ValueError, KeyError, IndexError, TypeError):
                        problem = "malformed response"
                elif resp.status_code in FATAL_STATUS:
                    raise EvalkitError(f"{where}: HTTP {resp.status_code}: "
                                       f"{_message(resp)}")
                elif resp.status_code in RETRY_STATUS:
                    problem = f"HTTP {resp.status_code}"
                    after = resp.headers.get("retry-after", "")
                    if after.replace(".", "", 1).isdigit():
                        wait = max(wait, min(float(after), 120.0))
                else:  # the request itself is bad (e.g. prompt too long): this sample only
                    return error_generation(r, f"HTTP {resp.status_code}: {_message(resp)}")
            if attempt < c.max_retries:
                await asyncio.sleep(min(wait, 120.0))
        raise EvalkitError(f"{where}: giving up after {c.max_retries + 1} attempts: {problem}")

    def _parse(self, r: GenerationRequest, data: dict[str, Any]) -> Generation:
        choice = data["choices"][0]
        msg = choice["message"]
        content = msg.get("content") or ""
        reasoning = msg.get("reasoning_content")
        if reasoning is None:
            reasoning = msg.get("reasoning")
        usage = data.get("usage") or {}
        details = usage.get("completion_tokens_details") or {}
        opened = False
        count = None
        if self.tokenizer is not None:
            from evalkit.model.vllm_engine import render

            tok = self.tokenizer
            opened = prompt_opens_reasoning(
                render(tok, r.messages, self.settings.chat_template_kwargs, r.tools))

            def count(s: str) -> int:
                return len(tok.encode(s, add_special_tokens=False))

        return make_generation(
            r, content, server_reasoning=reasoning, opened=opened,
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            reasoning_tokens=details.get("reasoning_tokens"), count_tokens=count,
            meta={**(_meta(data, msg) or {}),
                  **(tool_meta(r, self.settings.tool_call_format) or {})})

    def close(self) -> None:
        if self._cancel is not None:
            self._cancel.set()


def _meta(data: dict[str, Any], msg: dict[str, Any]) -> dict[str, Any] | None:
    """What the response adds to Generation.meta: its id and any ``tool_calls``."""
    meta: dict[str, Any] = {}
    if data.get("id"):
        meta["response_id"] = data["id"]
    if msg.get("tool_calls"):
        meta["tool_calls"] = msg["tool_calls"]
    return meta or None


def _message(resp: Any) -> str:
    """The server's error message, on one line."""
    try:
        data = resp.json()
        err = data.get("error", data) if isinstance(data, dict) else data
        msg = err.get("message", err) if isinstance(err, dict) else err
        text = str(msg)
    except ValueError:
        text = resp.text
    return " ".join(text.split())[:300] or resp.reason_phrase
