"""A real OpenAI-compatible HTTP server that replays the model's turns of recorded
mini-SWE-agent conversations (tests/swebench/recordings/*.json).

It is what a ``vllm serve`` would be to evalkit's ``openai`` backend: ``GET /v1/models``
and ``POST /v1/chat/completions`` over HTTP on 127.0.0.1 (stdlib ``ThreadingHTTPServer``,
one thread per connection), answering with ``tool_calls`` as vLLM's tool parsers do.  It
knows nothing of the agent: a request's conversation picks the recording (the recording's
``match`` text appears in a user message: the task) and its turn (the number of assistant
messages already in it), so a resumed or restarted episode gets the same answers.

A turn may carry ``expect``: text that must appear in the conversation's last message
(the observation of the previous turn's command).  If it does not, the server answers
HTTP 400 and notes the divergence in ``errors``: the replay checks that the commands
really ran in the container and printed what they printed when the turns were written.

Recording format: ``{"match": str, "turns": [{"content": str, "commands": [str, ...],
"expect": str?}, ...]}``; turns past the end are HTTP 400 (a test error, never silent).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "swebench" / "recordings"
MODEL = "replay-agent"


def load_all() -> list[dict[str, Any]]:
    """The three recordings of the swebench_sample instances."""
    return [load(n) for n in ("fix", "nofix", "steplimit")]


def load(name: str) -> dict[str, Any]:
    """A recording by file stem."""
    return json.loads((RECORDINGS / f"{name}.json").read_text())


def _text(m: dict[str, Any]) -> str:
    c = m.get("content")
    return c if isinstance(c, str) else json.dumps(c)


class ReplayServer:
    """Serve ``recordings`` until :meth:`close`; ``requests`` holds every request body."""

    def __init__(self, recordings: list[dict[str, Any]], delay: float = 0.0) -> None:
        """``delay``: seconds each answer takes (a model's latency; widens kill windows)."""
        self.recordings, self.delay = recordings, delay
        self.requests: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def send(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self.send(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
                else:
                    self.send(404, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self.send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                code, answer = server.answer(body)
                if server.delay:
                    time.sleep(server.delay)
                self.send(code, answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                       name="replay-agent-server")
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def fail(self, msg: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.errors.append(msg)
        return 400, {"error": {"message": msg, "type": "BadRequestError"}}

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The chat completion for one request (or an HTTP error)."""
        with self.lock:
            self.requests.append(body)
        msgs = body.get("messages") or []
        users = "\n".join(_text(m) for m in msgs if m.get("role") == "user")
        rec = next((r for r in self.recordings if r["match"] in users), None)
        if rec is None:
            return self.fail("no recording matches this conversation")
        turn = sum(1 for m in msgs if m.get("role") == "assistant")
        if turn >= len(rec["turns"]):
            return self.fail(f"{rec['match']!r}: turn {turn} not recorded "
                             f"({len(rec['turns'])} turns)")
        t = rec["turns"][turn]
        if t.get("expect") and t["expect"] not in _text(msgs[-1]):
            return self.fail(f"{rec['match']!r} turn {turn}: the last observation lacks "
                             f"{t['expect']!r}: {_text(msgs[-1])[:300]!r}")
        calls = [{"id": f"call_{turn}_{i}", "type": "function",
                  "function": {"name": "bash", "arguments": json.dumps({"command": c})}}
                 for i, c in enumerate(t.get("commands", []))]
        message: dict[str, Any] = {"role": "assistant", "content": t["content"]}
        if calls:
            message["tool_calls"] = calls
        prompt = sum(len(_text(m)) for m in msgs) // 4
        completion = max(1, (len(t["content"]) + sum(len(c) for c in t.get("commands", []))) // 4)
        return 200, {"id": f"replay-{turn}", "object": "chat.completion", "model": MODEL,
                     "choices": [{"index": 0, "message": message,
                                  "finish_reason": "tool_calls" if calls else "stop"}],
                     "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                               "total_tokens": prompt + completion}}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
