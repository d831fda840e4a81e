"""mini-SWE-agent's ``Environment`` over a SWE-bench instance container (issue 21).

The agent (the ``mini-swe-agent`` package's ``DefaultAgent``, unchanged) talks to any
object with ``execute`` / ``get_template_vars`` / ``serialize`` (mini-swe-agent 2.4.6,
minisweagent/__init__.py ``Environment``).  :class:`ContainerEnvironment` is that object
for a container of the instance image, started exactly as judging starts one
(:func:`evalkit.swebench.container.start_container`: same image, user, network, limits),
so the agent edits the tree its patch is later judged against.

Each command runs as mini-swe-agent's own ``DockerEnvironment.execute`` runs it
(minisweagent/environments/docker.py): ``docker exec -w <cwd> -e K=V ... <interpreter>
<command>`` with the configured ``env``, stdout and stderr merged (in the container, so in
the order written), no stdin, decoded as UTF-8 with replacement; the result is its dict
``{"output", "returncode", "exception_info"}``, and a first output line
``COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT`` with return code 0 raises its ``Submitted``
(``_check_finished``).  The settings
(cwd /testbed, timeout 60 s, ``bash -c``, ``PAGER=cat``, ``BASH_ENV``...) are read from the
package's default SWE-bench config, minisweagent/config/benchmarks/swebench.yaml.

Two deliberate differences, both about the harness, not what the model sees:

- **Timeout.** mini-swe-agent's ``subprocess.run(timeout=...)`` kills the local
  ``docker exec`` client only; the command goes on inside the container (and may keep
  editing files while the agent works on).  Here every process of the command is
  killed: the command runs with a unique ``EVALKIT_COMMAND_ID`` in its environment, and
  on timeout a second exec kills (SIGKILL) every process whose environment holds it, so
  children that changed session or process group die too.  The container lives on.
  The result is the one mini-swe-agent returns for a ``TimeoutExpired``: the output so
  far, return code -1, ``exception_info`` "An error occurred while executing the
  command: Command '...' timed out after N seconds".
- **Memory.** At most :data:`KEEP_CHARS` characters of the head and of the tail of an
  output are kept (the true length is kept beside them).  mini-swe-agent's observation
  template shows an output under 10,000 characters whole, else its first and last 5,000
  and the number elided; :func:`measured` gives the template the true length, so the
  model sees exactly what it would see with the whole output.
"""

from __future__ import annotations

import codecs
import os
import platform
import subprocess
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from evalkit.swebench.container import InfraError, ensure_image, start_container

SUBMIT_MARKER = "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"  # minisweagent/environments/docker.py
KEEP_CHARS = 50_000  # head and tail of an output each; mini's template shows 5,000 of each
COMMAND_ID = "EVALKIT_COMMAND_ID"
AGENT_LABELS = {"evalkit.helper": "swe", "evalkit.role": "swebench-agent"}
OWNER_LABEL, PID_LABEL = "evalkit.owner", "evalkit.pid"

# Kill every process whose environment holds the command's id (run with sh: the images
# have no procps).  Repeated while something was found: a process may fork while dying.
_KILL = r"""t="$1"; n=0
while [ $n -lt 10 ]; do
  found=""
  for d in /proc/[0-9]*; do
    if tr '\0' '\n' < "$d/environ" 2>/dev/null | grep -qxF "$t"; then
      kill -9 "${d#/proc/}" 2>/dev/null && found=1
    fi
  done
  [ -z "$found" ] && break
  n=$((n+1))
done"""


# stderr into stdout inside the container: one pipe keeps the order the command wrote in
# (docker's two streams would interleave by arrival, differently from run to run).
_MERGE = ("sh", "-c", 'exec "$@" 2>&1', "sh")


def mini_swebench_config() -> dict[str, Any]:
    """mini-swe-agent's default SWE-bench config (agent, environment, model sections),
    as its ``mini-extra swebench`` runner loads it (run/benchmarks/swebench.py
    ``DEFAULT_CONFIG_FILE``)."""
    os.environ.setdefault("MSWEA_SILENT_STARTUP", "1")  # no banner on evalkit's terminal
    from minisweagent.config import get_config_from_spec
    from minisweagent.run.benchmarks.swebench import DEFAULT_CONFIG_FILE

    return get_config_from_spec(DEFAULT_CONFIG_FILE)


@dataclass(frozen=True)
class EnvConfig:
    """How commands run: mini-swe-agent's ``DockerEnvironmentConfig`` fields that matter
    inside an already running container."""

    cwd: str = "/testbed"
    timeout: int = 60
    interpreter: tuple[str, ...] = ("bash", "-c")
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_mini(cls, section: Mapping[str, Any], timeout: int | None = None) -> EnvConfig:
        """From the ``environment`` section of a mini-swe-agent config (``timeout``
        overrides its value when given)."""
        return cls(cwd=str(section.get("cwd", "/")),
                   timeout=int(timeout if timeout is not None else section.get("timeout", 30)),
                   interpreter=tuple(section.get("interpreter", ("bash", "-lc"))),
                   env={str(k): str(v) for k, v in (section.get("env") or {}).items()})

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["interpreter"], d["env"] = list(self.interpreter), dict(self.env)
        return d


@dataclass(frozen=True)
class CommandResult:
    """One command's run in the container."""

    output: str  # stdout and stderr merged; head and tail only past 2 x KEEP_CHARS
    returncode: int  # -1 on timeout
    timed_out: bool
    seconds: float
    output_chars: int  # the whole output's length

    def to_mini(self, argv: list[str], timeout: float) -> dict[str, Any]:
        """mini-swe-agent's result dict (environments/docker.py ``execute``)."""
        out: dict[str, Any] = {"output": self.output, "returncode": self.returncode,
                               "exception_info": ""}
        if self.timed_out:
            e = subprocess.TimeoutExpired(argv, timeout)
            out["exception_info"] = f"An error occurred while executing the command: {e}"
            out["extra"] = {"exception_type": "TimeoutExpired", "exception": str(e)}
        if self.output_chars != len(self.output):
            out.setdefault("extra", {})["output_chars"] = self.output_chars
        return out


class _Clip:
    """Head and tail of a stream of text, and its total length.  An output that starts
    with the submit marker is a submission (the patch) and is kept whole."""

    def __init__(self, keep: int) -> None:
        self.keep, self.total, self.dropped = keep, 0, False
        self.head: list[str] = []
        self.head_len = 0
        self.tail: deque[str] = deque()
        self.tail_len = 0
        self.whole: bool | None = None  # decided when the head is full

    def add(self, s: str) -> None:
        self.total += len(s)
        if self.head_len + len(s) > self.keep and self.whole is None:
            head = "".join(self.head) + s[:self.keep]
            self.whole = head.lstrip().startswith(SUBMIT_MARKER)
        if self.whole or self.head_len < self.keep:
            take = s if self.whole else s[:self.keep - self.head_len]
            self.head.append(take)
            self.head_len += len(take)
            s = s[len(take):]
        if s:
            self.tail.append(s)
            self.tail_len += len(s)
            while self.tail and self.tail_len - len(self.tail[0]) >= self.keep:
                self.tail_len -= len(self.tail.popleft())
                self.dropped = True

    def text(self) -> str:
        tail = "".join(self.tail)
        if self.dropped:
            tail = tail[-self.keep:]
        return "".join(self.head) + tail


class _Measured(str):
    """A clipped output whose ``len`` is the whole output's (see :func:`measured`)."""

    true_len: int

    def __new__(cls, text: str, true_len: int) -> _Measured:
        s = super().__new__(cls, text)
        s.true_len = true_len
        return s

    def __len__(self) -> int:
        return self.true_len


def measured(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with a clipped output given its true length, so that mini-swe-agent's
    observation template (``output.output | length``, ``[:5000]``, ``[-5000:]``) renders
    what the whole output would give.  Works on stored (JSON) results too."""
    n = (result.get("extra") or {}).get("output_chars")
    if isinstance(n, int) and n > len(result.get("output", "")):
        return {**result, "output": _Measured(result["output"], n)}
    return result


def exec_command(container: Any, argv: list[str], *, workdir: str,
                 environment: Mapping[str, str], timeout: float,
                 keep: int = KEEP_CHARS) -> CommandResult:
    """Run ``argv`` in ``container`` (root, ``workdir``); kill only its processes after
    ``timeout`` seconds.  Raises :class:`InfraError` when the engine fails."""
    import docker

    api = container.client.api
    token = uuid.uuid4().hex
    env = {**environment, COMMAND_ID: token}
    clip = _Clip(keep)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    failure: list[BaseException] = []
    start = time.monotonic()
    try:
        exec_id = api.exec_create(container.id, [*_MERGE, *argv], workdir=workdir,
                                  user="root", environment=env, stdin=False)["Id"]
    except docker.errors.DockerException as e:
        raise InfraError(f"docker exec failed ({str(e).splitlines()[0][:200]})") from None

    def pump() -> None:
        try:
            for chunk in api.exec_start(exec_id, stream=True):
                clip.add(decoder.decode(chunk))
            clip.add(decoder.decode(b"", final=True))
        except Exception as e:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(e)

    thread = threading.Thread(target=pump, daemon=True, name="evalkit-agent-exec")
    thread.start()
    thread.join(timeout)
    timed_out = thread.is_alive()
    if timed_out:
        _kill_command(container, token)
        # The stream ends when the last process holding it is gone; one that cleared its
        # environment could hold it forever, so stop waiting (it dies with the container).
        thread.join(10)
    seconds = time.monotonic() - start
    if failure and not timed_out:
        raise InfraError(f"docker exec failed ({str(failure[0]).splitlines()[0][:200]})")
    code = -1 if timed_out else _exit_code(api, exec_id)
    return CommandResult(output=clip.text(), returncode=code, timed_out=timed_out,
                         seconds=seconds, output_chars=clip.total)


def _exit_code(api: Any, exec_id: str) -> int:
    import docker

    deadline = time.monotonic() + 10
    while True:
        try:
            info = api.exec_inspect(exec_id)
        except docker.errors.DockerException as e:
            raise InfraError(f"docker exec inspect failed ({e})") from None
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        if time.monotonic() > deadline:
            raise InfraError(f"docker exec {exec_id[:12]}: no exit code after its output ended")
        time.sleep(0.01)


def _kill_command(container: Any, token: str) -> None:
    import docker

    try:
        container.exec_run(["sh", "-c", _KILL, "sh", f"{COMMAND_ID}={token}"], user="root")
    except docker.errors.DockerException as e:
        raise InfraError(f"cannot stop a timed-out command ({e})") from None


class InstanceContainer:
    """The agent's container of one instance image, removed on :meth:`close`."""

    def __init__(self, client: Any, *, image: str, instance_id: str, pull: bool = True,
                 name_prefix: str = "evalkit-swe-agent", owner: str = "") -> None:
        """Start it (pulling the image if missing and ``pull``); :class:`InfraError` if
        the image or the engine fails.  ``owner`` (a run directory) labels it, so that
        a later run of the same directory can remove what a killed one left
        (:func:`remove_left_over`)."""
        ensure_image(client, image, instance_id, pull)
        self.image, self.instance_id = image, instance_id
        labels = {**AGENT_LABELS, OWNER_LABEL: owner, PID_LABEL: str(os.getpid())}
        self.container = start_container(client, image, instance_id, name_prefix,
                                         labels=labels)

    def run(self, argv: list[str], *, workdir: str, environment: Mapping[str, str],
            timeout: float) -> CommandResult:
        """One command (see :func:`exec_command`)."""
        return exec_command(self.container, argv, workdir=workdir, environment=environment,
                            timeout=timeout)

    def close(self) -> None:
        """Remove the container (whatever still runs in it)."""
        import docker

        try:
            self.container.remove(force=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.DockerException as e:
            raise InfraError(f"{self.instance_id}: cannot remove agent container ({e})") \
                from None

    def __enter__(self) -> InstanceContainer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def remove_left_over(client: Any, owner: str) -> int:
    """Remove agent containers of ``owner`` (a run directory) started by another process:
    a run directory has one writer at a time (its lock), so they are what a killed run
    left behind.  Returns how many were removed."""
    import docker

    n = 0
    try:
        found = client.containers.list(all=True, filters={"label": f"{OWNER_LABEL}={owner}"})
    except docker.errors.DockerException as e:
        raise InfraError(f"cannot list agent containers ({e})") from None
    for c in found:
        if c.labels.get(PID_LABEL) == str(os.getpid()):
            continue
        try:
            c.remove(force=True)
            n += 1
        except docker.errors.NotFound:
            pass
        except docker.errors.DockerException as e:
            raise InfraError(f"cannot remove left-over agent container {c.name} ({e})") \
                from None
    return n


# record(command, run) -> result: how each command is run; the agent protocol passes one
# that stores the result in the episode journal (evalkit/protocols/agent.py).
Recorder = Callable[[str, Callable[[], dict[str, Any]]], dict[str, Any]]


def _direct(_command: str, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return run()


class ContainerEnvironment:
    """mini-swe-agent ``Environment``: the agent's commands in an instance container."""

    def __init__(self, container: InstanceContainer, config: EnvConfig,
                 record: Recorder = _direct) -> None:
        self.box, self.config, self.record = container, config, record

    def argv(self, command: str) -> list[str]:
        """The exec's argv (mini: ``[*interpreter, command]``)."""
        return [*self.config.interpreter, command]

    def run_command(self, command: str, cwd: str = "", timeout: float | None = None
                    ) -> dict[str, Any]:
        """Run ``command`` now and return mini-swe-agent's result dict (no submission
        check, nothing recorded)."""
        limit = timeout or self.config.timeout
        argv = self.argv(command)
        r = self.box.run(argv, workdir=cwd or self.config.cwd, environment=self.config.env,
                         timeout=limit)
        return r.to_mini(argv, limit)

    def execute(self, action: dict[str, Any], cwd: str = "", *,
                timeout: int | None = None) -> dict[str, Any]:
        """Run ``action["command"]`` (through ``record``); raises mini-swe-agent's
        ``Submitted`` when the output starts with the submit marker and the command
        succeeded, as ``DockerEnvironment._check_finished`` does."""
        command = str(action.get("command", ""))
        output = measured(self.record(command, lambda: self.run_command(command, cwd, timeout)))
        check_finished(output)
        return output

    def get_template_vars(self, **kwargs: Any) -> dict[str, Any]:
        """As ``DockerEnvironment.get_template_vars``: its config, the host's uname, kwargs."""
        from minisweagent.utils.serialize import recursive_merge

        return recursive_merge({"image": self.box.image, **self.config.to_json()},
                               platform.uname()._asdict(), kwargs)

    def serialize(self) -> dict[str, Any]:
        """The environment's part of a trajectory."""
        return {"info": {"config": {
            "environment": {"image": self.box.image, **self.config.to_json()},
            "environment_type": f"{type(self).__module__}.{type(self).__name__}"}}}


def check_finished(output: dict[str, Any]) -> None:
    """Raise ``Submitted`` for a successful command whose output's first line is the
    marker; the rest of the output is the submission (minisweagent/environments/docker.py
    ``_check_finished``, 2.4.6)."""
    from minisweagent.exceptions import Submitted

    lines = output.get("output", "").lstrip().splitlines(keepends=True)
    if lines and lines[0].strip() == SUBMIT_MARKER and output["returncode"] == 0:
        submission = "".join(lines[1:])
        raise Submitted({"role": "exit", "content": submission,
                         "extra": {"exit_status": "Submitted", "submission": submission}})
