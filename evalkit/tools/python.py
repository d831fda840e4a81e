"""The stateful ``python`` tool: one sandboxed Python session per sample.

Each session is its own judge container (evalkit-judge image) with the judging
hardening of evalkit/sandbox/docker.py: no network, read-only root, memory and
pids cgroup limits, all capabilities dropped, ``no-new-privileges``, and the
session program (sandboxes/pysession/evalkit_pysession.py) running as an
unprivileged uid.  One container per session means another sample's state is
not even visible.  The per-call timeout is soft (SIGALRM in the session, state
kept) with a hard host-side backstop (container removed, the call is a timeout,
the next call starts a fresh session and replays the earlier successful calls).

Defaults follow the Nemotron-Cascade 2 model card (huggingface.co/nvidia/
Nemotron-Cascade-2-30B-A3B, TIR section): 120 s per call, at most 100 calls.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from evalkit.sandbox.docker import (
    DEFAULT_IMAGE,
    LABEL,
    ExecSession,
    SandboxError,
    connect,
    require_image,
)

SESSION_IN_CONTAINER = "/opt/evalkit/evalkit_pysession.py"
HARD_GRACE = 10.0  # seconds past the soft timeout before the container is removed


def session_path() -> Any:
    from evalkit._resources import sandboxes_dir

    return sandboxes_dir() / "pysession" / "evalkit_pysession.py"


@dataclass(frozen=True)
class ToolLimits:
    """Typed limits of the python tool (options tools.timeout / max_calls / output_chars)."""

    timeout: float = 120.0  # seconds per call (model card)
    max_calls: int = 100  # per sample (model card)
    output_chars: int = 10000  # per stream, head and tail kept
    memory: int = 2 * 1024**3
    pids: int = 64
    tmp_size: int = 256 * 1024**2
    image: str = DEFAULT_IMAGE


@dataclass(frozen=True)
class ToolResult:
    """One call's outcome, as stored in the episode journal (to_json/from_json)."""

    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    timeout: bool = False
    truncated: bool = False
    capped: bool = False
    malformed: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.capped and not self.malformed

    def to_json(self) -> dict[str, Any]:
        return {"stdout": self.stdout, "stderr": self.stderr, "error": self.error,
                "timeout": self.timeout, "truncated": self.truncated, "capped": self.capped,
                "malformed": self.malformed}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ToolResult:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    def render(self) -> str:
        """The text the model sees (inside <tool_response>)."""
        parts = []
        if self.stdout:
            parts.append(self.stdout)
        if self.stderr:
            parts.append("[stderr]\n" + self.stderr)
        if self.error:
            parts.append(self.error)
        return "\n".join(parts) if parts else "[no output]"


def capped_result(limits: ToolLimits) -> ToolResult:
    return ToolResult(error=f"Tool call limit reached ({limits.max_calls} calls); "
                            "answer without the tool.", capped=True)


@dataclass
class PythonSession:
    """A live sandboxed Python session; ``call`` runs code, ``close`` destroys it."""

    limits: ToolLimits = field(default_factory=ToolLimits)
    client: Any = None
    container: Any = None
    _exec: ExecSession | None = None
    history: list[str] = field(default_factory=list)  # successful calls, for replay
    calls: int = 0

    def start(self) -> None:
        """Start the container and the session program in it."""
        if self.client is None:
            self.client = connect()
        lim = self.limits
        require_image(self.client, lim.image)
        uid = random.randrange(100_000, 60_000_000)
        self.container = self.client.containers.run(
            lim.image, command=["sleep", "infinity"], detach=True, init=True,
            network_mode="none", read_only=True,
            tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={lim.tmp_size},mode=1777",
                   "/box": f"rw,exec,nosuid,nodev,size={lim.tmp_size},uid={uid},mode=0700",
                   "/dev/shm": "rw,noexec,nosuid,nodev,size=1m,mode=0755"},
            mem_limit=lim.memory, memswap_limit=lim.memory, pids_limit=lim.pids,
            cap_drop=["ALL"], security_opt=["no-new-privileges"], user=f"{uid}:{uid}",
            volumes={str(session_path()): {"bind": SESSION_IN_CONTAINER, "mode": "ro"}},
            environment={"HOME": "/box", "EVALKIT_SESSION_DIR": "/box",
                         "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
            labels={LABEL: "1", f"{LABEL}.pid": str(os.getpid()), f"{LABEL}.tool": "python"},
            name=f"evalkit-pysession-{os.getpid()}-{uuid.uuid4().hex[:8]}",
        )
        self._exec = ExecSession(self.client.api, self.container.id,
                                 ["python3", "-I", SESSION_IN_CONTAINER], user=f"{uid}:{uid}")

    def _send(self, code: str) -> dict[str, Any] | None:
        req = {"code": code, "timeout": self.limits.timeout, "limit": self.limits.output_chars}
        if self._exec is None:  # destroyed by the hard-kill timer
            return None
        return self._exec.request(json.dumps(req).encode())  # None: the session died

    def _run(self, code: str) -> ToolResult:
        if self.container is None:
            self.start()
            for earlier in self.history:  # rebuild the state after a hard kill / resume
                self._run_raw(earlier)
        return self._run_raw(code)

    def _run_raw(self, code: str) -> ToolResult:
        killed = threading.Event()

        def hard_kill() -> None:
            killed.set()
            self._destroy()

        timer = threading.Timer(self.limits.timeout + HARD_GRACE, hard_kill)
        timer.start()
        try:
            reply = self._send(code)
        except (OSError, ValueError) as e:
            reply = None
            err = f"{type(e).__name__}: {e}"
        else:
            err = ""
        finally:
            timer.cancel()
        if reply is None:
            self._destroy()
            if killed.is_set():
                return ToolResult(error=f"TimeoutError: the call exceeded {self.limits.timeout} s"
                                        " (session killed and rebuilt)", timeout=True)
            msg = ("SessionError: the Python session died during the call "
                   f"(memory or process limit?); its state was rebuilt {err}")
            return ToolResult(error=msg.strip())
        return ToolResult(**reply)

    def replay(self, codes: list[str]) -> None:
        """Rebuild state from earlier calls (resume after kill -9) without running them now;
        they run in a fresh session before the next live call."""
        self.history = list(codes)
        self.calls = len(codes)

    def call(self, code: str) -> ToolResult:
        """Run ``code`` in the session: the tool result, never an exception for bad code."""
        if self.calls >= self.limits.max_calls:
            return capped_result(self.limits)
        self.calls += 1
        try:
            result = self._run(code)
        except SandboxError:
            raise
        except Exception as e:  # noqa: BLE001 - engine trouble becomes the tool's error
            self._destroy()
            result = ToolResult(error=f"SessionError: {type(e).__name__}: {e}")
        if result.error is None:
            self.history.append(code)
        return result

    def _destroy(self) -> None:
        if self._exec is not None:
            self._exec.close()
        if self.container is not None:
            with contextlib.suppress(Exception):
                self.container.remove(force=True)
        self.container = None
        self._exec = None

    def close(self) -> None:
        """Destroy the session (its container and all state)."""
        self._destroy()

    def __enter__(self) -> PythonSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
