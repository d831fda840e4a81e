"""Run one SWE-bench instance in its own container, as the official harness does.

Follows SB:swebench/harness/run_evaluation.py ``run_instance`` (v5):

1. a container from the instance image (pulled if missing and pulling is on),
   kept alive with ``tail -f /dev/null``, user root, workdir ``/testbed``;
2. the patch copied to ``/tmp/patch.diff`` and applied with the official
   command chain ``GIT_APPLY_CMDS`` (``git apply --verbose``, ``--3way``,
   ``--reject``, ``patch --batch --forward --fuzz=5 -p1 -i``), restoring a
   clean tree (``git checkout -- . ; git clean -fd``) before every retry; if all
   fail, ``git apply --check --reverse`` decides whether it is already applied;
3. the instance's eval script (with the v5 test-exit-code line) copied to
   ``/eval.sh`` and run as ``/bin/bash /eval.sh`` under a wall-clock timeout;
   on timeout the container is killed and the log ends with the official
   ``Timeout error: N seconds exceeded.`` line;
4. the container removed, whatever happened.

The files the official harness keeps per instance are written to ``log_dir``:
``patch.diff``, ``eval.sh``, ``test_output.txt``, ``run_instance.log``.
"""

from __future__ import annotations

import io
import tarfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError

CONTAINER_PATCH_FILE = "/tmp/patch.diff"
WORKDIR = "/testbed"
RESET = "git checkout -- . ; git clean -fd"  # SB v5, between apply attempts
LABELS = {"evalkit.helper": "swe", "evalkit.role": "swebench-instance"}


class InfraError(EvalkitError):
    """The environment failed (engine, image, container), not the patch."""


@dataclass(frozen=True)
class InstanceRun:
    """What happened to one patch in one container."""

    applied: bool
    apply_command: str | None  # the command of the chain that applied it
    timed_out: bool
    test_output: str  # the eval script's output (empty if not run)
    runtime: float  # seconds spent in the eval script


def apply_commands() -> list[str]:
    """The official patch command chain (from the installed swebench package)."""
    from swebench.harness.run_evaluation import GIT_APPLY_CMDS

    return list(GIT_APPLY_CMDS)


def _tar_one(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def ensure_image(client: Any, image: str, instance_id: str, pull: bool) -> None:
    """Make ``image`` available locally or raise a one-line :class:`InfraError`."""
    import docker

    try:
        client.images.get(image)
        return
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.APIError as e:
        raise InfraError(f"{instance_id}: cannot inspect image {image} ({e})") from None
    if not pull:
        raise InfraError(f"{instance_id}: image {image} is not available locally "
                         "(pulling is off: build or `docker load` it first)")
    try:
        client.images.pull(image)
    except docker.errors.DockerException as e:
        reason = str(getattr(e, "explanation", None) or e).splitlines()[0][:200]
        raise InfraError(f"{instance_id}: image {image} is not available locally and "
                         f"could not be pulled ({reason})") from None


def _exec(container: Any, cmd: str | list[str], workdir: str = WORKDIR) -> tuple[int, str]:
    res = container.exec_run(cmd, workdir=workdir, user="root")
    return int(res.exit_code), res.output.decode("utf-8", errors="replace")


def exec_with_timeout(container: Any, cmd: list[str], timeout: float) -> tuple[str, bool, float]:
    """Run ``cmd`` in ``container``; (output, timed_out, seconds).

    On timeout the whole container is killed, which ends every process the
    command started (the official harness signals only the exec's own PID).
    """
    api = container.client.api
    chunks: list[bytes] = []
    failure: list[BaseException] = []

    def pump() -> None:
        try:
            exec_id = api.exec_create(container.id, cmd, workdir=WORKDIR, user="root")["Id"]
            for chunk in api.exec_start(exec_id, stream=True):
                chunks.append(chunk)
        except Exception as e:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(e)

    start = time.monotonic()
    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    thread.join(timeout)
    timed_out = thread.is_alive()
    if timed_out:
        try:
            container.kill()
        except Exception:  # noqa: BLE001 - it may already be gone; removal follows
            pass
        thread.join(30)
    elapsed = time.monotonic() - start
    if failure and not timed_out:
        raise InfraError(f"docker exec failed ({failure[0]})")
    return b"".join(chunks).decode("utf-8", errors="replace"), timed_out, elapsed


def start_container(client: Any, image: str, instance_id: str,
                    name_prefix: str = "evalkit-swe", labels: dict[str, str] | None = None) -> Any:
    """A running container of ``image`` set up as judging always has (SB v5
    run_evaluation.py ``run_instance``: user root, kept alive by ``tail -f /dev/null``;
    the engine's default network, no resource limits; evalkit adds workdir /testbed).
    Judging and the agent (:mod:`evalkit.swebench.agent_env`) both start theirs here, so
    the agent works in the container its patch is judged in."""
    import docker

    name = f"{name_prefix}.{instance_id.lower()}.{uuid.uuid4().hex[:8]}"
    try:
        container = client.containers.create(
            image=image, name=name, command="tail -f /dev/null", user="root",
            working_dir=WORKDIR, detach=True, labels=labels or LABELS)
    except docker.errors.DockerException as e:
        raise InfraError(f"{instance_id}: cannot create a container of {image} ({e})") from None
    try:
        container.start()
    except docker.errors.DockerException as e:
        try:
            container.remove(force=True)
        except docker.errors.DockerException:
            pass
        raise InfraError(f"{instance_id}: cannot start a container of {image} ({e})") from None
    return container


def run_instance(client: Any, *, instance_id: str, image: str, patch: str, eval_script: str,
                 timeout: float, log_dir: Path, pull: bool = True,
                 name_prefix: str = "evalkit-swe") -> InstanceRun:
    """Apply ``patch`` in a fresh container of ``image`` and run ``eval_script``.

    Writes the per-instance files to ``log_dir``.  Raises :class:`InfraError`
    when the image or the engine fails; a patch that does not apply or tests
    that time out are results, not errors.
    """
    import docker

    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / "patch.diff").write_text(patch, encoding="utf-8")
    (log_dir / "eval.sh").write_text(eval_script, encoding="utf-8")
    log = open(log_dir / "run_instance.log", "w", encoding="utf-8")

    def note(msg: str) -> None:
        log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {msg}\n")
        log.flush()

    ensure_image(client, image, instance_id, pull)
    container = None
    try:
        container = start_container(client, image, instance_id, name_prefix)
        note(f"container {container.name} started from {image}")
        container.put_archive("/tmp", _tar_one("patch.diff", patch.encode("utf-8")))
        applied_by: str | None = None
        out = ""
        for attempt, command in enumerate(apply_commands()):
            if attempt:
                _exec(container, ["/bin/bash", "-c", RESET])
            code, out = _exec(container, f"{command} {CONTAINER_PATCH_FILE}")
            if code == 0:
                applied_by = command
                note(f">>>>> Applied Patch ({command}):\n{out}")
                break
            note(f"Failed to apply patch to container: {command}\n{out}")
        if applied_by is None:
            code, _ = _exec(container, f"git apply --check --reverse {CONTAINER_PATCH_FILE}")
            if code == 0:
                applied_by = "already applied (git apply --check --reverse)"
                note(">>>>> Applied Patch: verified already applied")
        if applied_by is None:
            note(f">>>>> Patch Apply Failed:\n{out}")
            return InstanceRun(False, None, False, "", 0.0)
        _, diff = _exec(container, "git -c core.fileMode=false diff")
        note(f"Git diff before:\n{diff}")
        container.put_archive("/", _tar_one("eval.sh", eval_script.encode("utf-8")))
        output, timed_out, runtime = exec_with_timeout(container, ["/bin/bash", "/eval.sh"],
                                                       timeout)
        if timed_out:
            output += f"\n\nTimeout error: {int(timeout)} seconds exceeded."
        (log_dir / "test_output.txt").write_text(output, encoding="utf-8")
        note(f"Test runtime: {runtime:.2f} seconds" + (" (timed out)" if timed_out else ""))
        return InstanceRun(True, applied_by, timed_out, output, runtime)
    except docker.errors.DockerException as e:
        note(f"infrastructure error: {e}")
        raise InfraError(f"{instance_id}: docker failed ({str(e).splitlines()[0][:200]})") \
            from None
    finally:
        if container is not None:
            try:
                container.remove(force=True)
            except docker.errors.DockerException as e:
                note(f"could not remove container {container.name}: {e}")
        log.close()


def remove_image(client: Any, image: str) -> bool:
    """Remove ``image`` (``--clean-images``); False if it was already gone or in use."""
    import docker

    try:
        client.images.remove(image)
    except docker.errors.DockerException:
        return False
    return True
