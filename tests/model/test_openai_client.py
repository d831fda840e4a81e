"""The OpenAI-compatible client against a real local HTTP server.

The server (http.server in a thread) answers by scenario, named in the user
message: 429s then success, 500s forever, a slow first answer, a 400 for one
prompt, reasoning in ``reasoning_content`` or inline ``<think>``.  No part of
the client or httpx is replaced.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from evalkit.errors import EvalkitError
from evalkit.model.base import GenerationRequest, SamplingParams, request_seed
from evalkit.model.config import ClientSettings, EngineSettings
from evalkit.model.openai_client import OpenAIBackend
from evalkit.records import Problem


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.calls: Counter[str] = Counter()
        self.bodies: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: Any) -> None:
        pass

    def reply(self, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        self.reply(200, {"data": [{"id": "served-tiny"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        s = self.server
        scenario = body["messages"][-1]["content"]
        with s.lock:
            s.calls[scenario] += 1
            n = s.calls[scenario]
            s.bodies.append(body)
            s.in_flight += 1
            s.max_in_flight = max(s.max_in_flight, s.in_flight)
        try:
            self.answer(scenario, n, body)
        finally:
            with s.lock:
                s.in_flight -= 1

    def answer(self, scenario: str, n: int, body: dict[str, Any]) -> None:
        msg: dict[str, Any] = {"role": "assistant", "content": f"answer to {scenario}"}
        if scenario == "flaky" and n <= 2:
            return self.reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
        if scenario == "broken":
            return self.reply(500, {"error": {"message": "engine died"}})
        if scenario == "slow" and n == 1:
            time.sleep(2.0)
        if scenario == "too-long":
            return self.reply(400, {"error": {"message": "This model's maximum context "
                                              "length is 512 tokens. However, you requested "
                                              "9000 tokens."}})
        if scenario == "forbidden":
            return self.reply(401, {"error": {"message": "bad key"}})
        if scenario == "parsed-reasoning":
            msg = {"role": "assistant", "reasoning_content": "let me think", "content": "42"}
        if scenario == "inline-think":
            msg["content"] = "<think>hmm</think>43"
        if scenario == "truncated":
            msg = {"role": "assistant", "reasoning_content": "on and on", "content": None}
        if scenario.startswith("busy"):
            time.sleep(0.2)
        finish = "length" if scenario == "truncated" else "stop"
        usage = {"prompt_tokens": 7, "completion_tokens": 5}
        if scenario == "parsed-reasoning":
            usage["completion_tokens_details"] = {"reasoning_tokens": 3}
        return self.reply(200, {"id": f"cmpl-{n}", "choices": [
            {"index": 0, "message": msg, "finish_reason": finish}], "usage": usage})


@pytest.fixture
def server():
    s = Server()
    t = threading.Thread(target=s.serve_forever, daemon=True)
    t.start()
    yield s
    s.shutdown()
    s.server_close()


def requests(*scenarios: str) -> list[GenerationRequest]:
    params = SamplingParams(temperature=1.0, top_p=0.95, max_tokens=64, seed=3)
    out = []
    for i, sc in enumerate(scenarios):
        p = Problem(id=f"p{i}", title=sc, messages=[{"role": "user", "content": sc}])
        out.append(GenerationRequest(problem=p, sample=0, messages=p.messages, params=params,
                                     seed=request_seed(3, p.id, 0)))
    return out


def client(url: str, **kw: Any) -> OpenAIBackend:
    settings = ClientSettings(base_url=url, **{"backoff": 0.01, "max_retries": 2, **kw})
    return OpenAIBackend("", settings, EngineSettings(chat_template_kwargs={"enable_thinking":
                                                                            True}))


def test_429s_are_retried_then_the_answer_is_kept(server):
    (g,) = list(client(server.url).generate(requests("flaky")))
    assert server.calls["flaky"] == 3
    assert g.response == "answer to flaky" and g.error is None and g.finish_reason == "stop"


def test_persistent_500s_stop_the_run_with_one_line(server):
    with pytest.raises(EvalkitError, match=r"giving up after 3 attempts: HTTP 500"):
        list(client(server.url).generate(requests("broken")))
    assert server.calls["broken"] == 3


def test_a_slow_answer_times_out_and_is_retried(server):
    started = time.monotonic()
    (g,) = list(client(server.url, timeout=0.5).generate(requests("slow")))
    assert server.calls["slow"] == 2 and g.response == "answer to slow"
    assert time.monotonic() - started < 2.0, "the client waited for the slow answer"


def test_a_bad_request_is_that_samples_error_and_the_rest_goes_on(server):
    gens = {g.problem_id: g for g in client(server.url).generate(requests("too-long", "ok"))}
    assert gens["p0"].error is not None and "maximum context length" in gens["p0"].error
    assert gens["p0"].error.startswith("HTTP 400") and "\n" not in gens["p0"].error
    assert server.calls["too-long"] == 1, "a 400 must not be retried"
    assert gens["p1"].response == "answer to ok"


def test_auth_failure_stops_at_once(server):
    with pytest.raises(EvalkitError, match="HTTP 401: bad key"):
        list(client(server.url).generate(requests("forbidden")))
    assert server.calls["forbidden"] == 1


def test_unreachable_server_is_one_clear_line():
    with pytest.raises(EvalkitError, match=r"127\.0\.0\.1:9/v1: server unreachable"):
        list(client("http://127.0.0.1:9/v1").generate(requests("ok")))


def test_reasoning_is_read_from_the_server_field_or_inline_think(server):
    gens = {g.problem_id: g for g in client(server.url).generate(
        requests("parsed-reasoning", "inline-think", "truncated"))}
    assert (gens["p0"].reasoning, gens["p0"].response) == ("let me think", "42")
    assert (gens["p0"].reasoning_tokens, gens["p0"].answer_tokens) == (3, 2)
    assert (gens["p1"].reasoning, gens["p1"].response) == ("hmm", "43")
    assert gens["p2"].finish_reason == "length" and gens["p2"].response == ""
    assert gens["p2"].reasoning == "on and on"


def test_requests_carry_the_seed_sampling_and_template_kwargs(server):
    reqs = requests("ok")
    list(client(server.url).generate(reqs))
    (body,) = server.bodies
    assert body["model"] == "served-tiny"  # the server's first model when none is named
    assert body["seed"] == reqs[0].seed and body["n"] == 1
    assert (body["temperature"], body["top_p"], body["max_tokens"]) == (1.0, 0.95, 64)
    assert body["chat_template_kwargs"] == {"enable_thinking": True}
    assert "top_k" not in body  # -1 means unset: hosted APIs reject top_k


def test_concurrency_limit_is_respected(server):
    gens = list(client(server.url, concurrency=3).generate(
        requests(*[f"busy{i}" for i in range(9)])))
    assert len(gens) == 9
    assert server.max_in_flight == 3
