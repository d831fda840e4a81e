"""Judge containers on a Docker engine, through the ``docker`` Python SDK.

One long-lived container per worker: submissions are compiled and all their
tests run inside it by the in-container runner, one long-lived runner process
per container (a single ``docker exec`` reading job paths on stdin and
streaming JSON records back), so per-test overhead is a fork/exec, not a
container start or even a ``docker exec``.  The
container has no network, a read-only root, a small ``/tmp`` tmpfs, a memory
and pids cgroup limit, all capabilities dropped except the few the runner needs
to switch to an unprivileged uid, and ``no-new-privileges``.  Task data and the
job file reach it through a read-only bind mount whose files are private to
root, so submissions cannot read expected outputs.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.sandbox.hostlocks import claim_cpus, file_lock
from evalkit.sandbox.job import Job, JobResult

log = logging.getLogger(__name__)
LABEL = "evalkit.sandbox"
RUNNER_IN_CONTAINER = "/opt/evalkit/evalkit_runner.py"
MOUNT = "/judge"
INPUTS = "in"  # DataStore: every mirrored file again, named by its content's sha256
INPUTS_LIST = ".inputs.json"
DEFAULT_IMAGE = "evalkit-judge:latest"
# Capabilities the runner (root in the container) needs: switch to the
# untrusted uids, hand them their directories, read root-only task files,
# and kill what they leave behind; SYS_ADMIN to start each untrusted process in
# IPC and network namespaces of its own (the process itself has no capability).
# Everything else is dropped.
RUNNER_CAPS = ["SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SYS_ADMIN"]


class SandboxError(EvalkitError):
    """The engine or a container failed: a judge-side error, never a verdict."""


@dataclass(frozen=True)
class SandboxConfig:
    image: str = DEFAULT_IMAGE
    workers: int = 1
    memory: int = 2 * 1024**3  # bytes: the largest per-process memory limit of the jobs
    memory_slack: int = 512 * 1024**2  # for the runner, checkers and /tmp (tmpfs counts)
    tmp_size: int = 512 * 1024**2  # runner, captures, checkers, compiled programs
    box_size: int = 256 * 1024**2  # what a submission may write (its box), a tmpfs of its own
    pids: int = 256
    cache_dir: Path = field(default_factory=lambda: default_cache_dir())
    job_deadline: float = 3600.0  # seconds for one job before the container is killed
    pin_cpus: bool = True

    def container_memory(self) -> int:
        return self.memory + self.memory_slack


def default_cache_dir() -> Path:
    root = os.environ.get("EVALKIT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "evalkit"
    )
    return Path(root) / "judge"


def runner_path() -> Path:
    from evalkit._resources import sandboxes_dir

    return sandboxes_dir() / "runner" / "evalkit_runner.py"


def sandbox_fingerprint(image_id: str | None) -> dict[str, str | None]:
    """What every sandboxed verdict depends on: the judge image and the runner."""
    return {"image_id": image_id,
            "runner_sha256": hashlib.sha256(runner_path().read_bytes()).hexdigest()}


def connect(timeout: float = 3600.0) -> Any:
    """A Docker client, or a one-line error saying how to start the engine."""
    try:
        import docker
    except ImportError as e:  # pragma: no cover - docker is a hard dependency
        raise SandboxError("the 'docker' Python package is missing: pip install docker") from e
    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
    except Exception as e:
        raise SandboxError(
            "cannot reach the Docker engine "
            f"({type(e).__name__}); start it (e.g. `sudo dockerd &` or "
            "`sudo systemctl start docker`) and check DOCKER_HOST"
        ) from e
    return client


def require_image(client: Any, image: str) -> str:
    """The image's id, or a one-line error saying how to build it."""
    import docker.errors

    try:
        return str(client.images.get(image).id)
    except docker.errors.ImageNotFound:
        raise SandboxError(
            f"judge image {image!r} not found; build it with `evalkit sandbox build`"
        ) from None


class DataStore:
    """Host directory mounted read-only at ``/judge`` in every container.

    Task files are mirrored in under a content key so that containers can
    reach data from anywhere on the host; everything is mode 0700/0600, so
    only root in the container (the runner and trusted programs) can read it.
    Every mirrored file is also hard-linked as ``in/<sha256 of its content>``
    (listed in the key's ``.inputs.json``): an untrusted process's input is
    opened there (:meth:`neutral_inputs`), so ``/proc/self/fd/0`` names only
    what the process can compute from its input itself, never the test, and the
    runner need not copy it (issue 12: CMS hands the program ``input.txt``).
    """

    def __init__(self, root: Path):
        self.root = root
        self._inputs: dict[str, dict[str, str]] = {}  # key -> {relative name: sha256}
        for sub in ("", "data", "exchange", INPUTS):
            (root / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(root / sub, 0o700)
        clean_exchange(root / "exchange")

    def mirror(self, key: str, files: dict[str, Path]) -> str:
        """Copy ``files`` (relative name -> host path) in once; return the container dir."""
        target = self.root / "data" / key
        done = target / ".complete"
        if done.exists():
            return f"{MOUNT}/data/{key}"
        # Every process sharing this cache (not only this one's threads): another
        # one's copy must never be removed while its containers read it.
        with file_lock(self.root / "data" / f".{key}.lock"):
            if not done.exists():
                tmp = self.root / "data" / f".{key}.{uuid.uuid4().hex}"
                digests = {}
                for rel, src in files.items():
                    dest = tmp / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    data = Path(src).read_bytes()
                    dest.write_bytes(data)
                    digests[rel] = hashlib.sha256(data).hexdigest()
                    with contextlib.suppress(FileExistsError):  # the same content, linked before
                        os.link(dest, self.root / INPUTS / digests[rel])
                tmp.mkdir(parents=True, exist_ok=True)
                (tmp / INPUTS_LIST).write_text(json.dumps(digests))
                (tmp / ".complete").touch()
                for dirpath, _dirs, filenames in os.walk(tmp):
                    os.chmod(dirpath, 0o700)
                    for fn in filenames:
                        os.chmod(os.path.join(dirpath, fn), 0o600)
                if target.exists():  # a crashed earlier copy
                    import shutil

                    shutil.rmtree(target)
                os.rename(tmp, target)
        return f"{MOUNT}/data/{key}"

    def neutral_inputs(self, payload: dict[str, Any]) -> None:
        """Point every untrusted process's stdin file of a job at its ``in/<sha256>`` link.

        Only files this store mirrored (listed in their key's ``.inputs.json``); any
        other stdin keeps its path and the runner hands over a copy instead.
        """
        prefix = f"{MOUNT}/data/"
        for test in payload.get("tests", []):
            for proc in test.get("run", []):
                stdin = proc.get("stdin") or {}
                path = stdin.get("path", "")
                if proc.get("trusted") or not path.startswith(prefix):
                    continue
                key, _, rel = path[len(prefix):].partition("/")
                digest = self._inputs_of(key).get(rel)
                if digest is not None:
                    stdin.update(path=f"{MOUNT}/{INPUTS}/{digest}", neutral=True)

    def _inputs_of(self, key: str) -> dict[str, str]:
        if key not in self._inputs:
            try:
                self._inputs[key] = json.loads(
                    (self.root / "data" / key / INPUTS_LIST).read_text())
            except (OSError, ValueError):
                self._inputs[key] = {}  # mirrored by an older evalkit: copies, as before
        return self._inputs[key]

    def write_job(self, payload: dict[str, Any]) -> tuple[Path, str]:
        # Named by the writing process, so a later start can tell (and remove) the
        # files of one that was killed before it could (see clean_exchange).
        name = f"{os.getpid()}-{uuid.uuid4().hex}.json"
        path = self.root / "exchange" / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f)
        return path, f"{MOUNT}/exchange/{name}"


LEGACY_JOB_AGE = 24 * 3600.0  # seconds: job files named without a pid (older evalkit)


def clean_exchange(exchange: Path) -> int:
    """Remove job files (submission sources) left by evalkit processes that no longer exist.

    Job files are removed after their job; only a ``kill -9`` leaves them.  Several
    evalkit processes share this directory, so only files whose writer (the pid in
    the name) is dead are removed; unnamed ones of older versions once a day old.
    """
    removed = 0
    try:
        entries = list(os.scandir(exchange))
    except OSError:
        return 0
    for entry in entries:
        head, sep, _rest = entry.name.partition("-")
        try:
            if sep and head.isdigit():
                stale = not _alive(int(head))
            else:
                stale = time.time() - entry.stat().st_mtime > LEGACY_JOB_AGE
            if stale:
                os.unlink(entry.path)
                removed += 1
        except OSError:  # gone already (another process cleaning too)
            continue
    return removed


class Worker:
    """One judge container and the uids its untrusted processes run as."""

    def __init__(self, client: Any, config: SandboxConfig, store: DataStore, index: int,
                 cpu: int | None = None):
        self.client = client
        self.config = config
        self.store = store
        self.index = index
        self.cpu = cpu  # the core it has to itself (see hostlocks.claim_cpus), or None
        # Distinct uids per container: RLIMIT_NPROC counts per uid across the
        # whole host, so containers must not share them.
        base = random.randrange(100_000, 60_000_000, 16)
        self.box_uids = [base + i for i in range(4)]
        self.container: Any = None
        self.baseline_diff: list[Any] = []
        self._session: ExecSession | None = None
        self.start()

    def start(self) -> None:
        cfg = self.config
        kwargs: dict[str, Any] = {}
        if self.cpu is not None:
            kwargs["cpuset_cpus"] = str(self.cpu)
        self.container = self.client.containers.run(
            cfg.image,
            command=["sleep", "infinity"],
            detach=True,
            init=True,
            network_mode="none",
            read_only=True,
            tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={cfg.tmp_size},mode=0755",
                   "/box": f"rw,exec,nosuid,nodev,size={cfg.box_size},mode=0755",
                   "/dev/shm": "rw,noexec,nosuid,nodev,size=1m,mode=0755"},
            mem_limit=cfg.container_memory(),
            memswap_limit=cfg.container_memory(),
            pids_limit=cfg.pids,
            cap_drop=["ALL"],
            cap_add=RUNNER_CAPS,
            security_opt=["no-new-privileges"],
            volumes={
                str(self.store.root): {"bind": MOUNT, "mode": "ro"},
                str(runner_path()): {"bind": RUNNER_IN_CONTAINER, "mode": "ro"},
            },
            labels={LABEL: "1", f"{LABEL}.pid": str(os.getpid())},
            name=f"evalkit-judge-{os.getpid()}-{self.index}-{uuid.uuid4().hex[:6]}",
            **kwargs,
        )
        # Mount points show up as changes; anything beyond them is tampering.
        self.baseline_diff = self.container.diff() or []

    def restart(self) -> None:
        self.remove()
        self.start()

    def remove(self) -> None:
        self._close_session()
        if self.container is not None:
            with contextlib.suppress(Exception):
                self.container.remove(force=True)
            self.container = None

    def run(self, job: Job, on_record: Callable[[dict[str, Any]], None] | None = None) -> JobResult:
        """Run ``job``; judge-side failures come back as ``JobResult.error``."""
        payload = job.to_json(self.box_uids)
        self.store.neutral_inputs(payload)
        path, in_container = self.store.write_job(payload)
        result = JobResult()
        timer = threading.Timer(self.config.job_deadline, self._kill)
        timer.start()
        try:
            for _attempt in range(2):
                fresh = self._session is None
                if self._session is None:
                    self._session = ExecSession(self.client.api, self.container.id)
                session = self._session
                ended = session.run(in_container, result, on_record)
                if ended or fresh or session.records:
                    break
                # The runner of earlier jobs was gone before this one started
                # (nothing came back): start a new one and run the job there.
                self._close_session()
            if not ended:
                err = session.stderr.decode(errors="replace")[-2000:]
                code = session.exit_code()
                self._close_session()
                if result.error is None:
                    result.error = f"runner ended early (exit {code}): {err}"
            elif not result.done and result.error is None and not (
                result.compile is not None and not result.compile.ok
            ) and result.trusted_build_error is None:
                result.error = "runner ended the job early"
        except Exception as e:  # noqa: BLE001 - engine trouble is a judge error
            self._close_session()
            result.error = f"{type(e).__name__}: {e}"
        finally:
            timer.cancel()
            with contextlib.suppress(OSError):
                path.unlink()
        return result

    def _close_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _kill(self) -> None:
        with contextlib.suppress(Exception):
            self.container.kill()


class ExecSession:
    """A long-lived ``docker exec`` fed one line per request on stdin and answering in
    JSON lines on stdout: by default the container's runner, fed job paths (each job
    ends with an ``end`` record); also the python tool's session (evalkit/tools).

    The exec's stdin and stdout are the hijacked HTTP connection (multiplexed
    frames: stream id, length, data).
    """

    def __init__(self, api: Any, container_id: str, cmd: list[str] | None = None,
                 user: str = "root"):
        from docker.utils.socket import frames_iter

        self.api = api
        self.exec_id = api.exec_create(
            container_id, cmd or ["python3", RUNNER_IN_CONTAINER, "--serve"], stdin=True,
            user=user,
        )["Id"]
        self.sock = api.exec_start(self.exec_id, socket=True)
        self.frames = frames_iter(self.sock, tty=False)
        self.buf = b""
        self.stderr = b""
        self.records = 0  # records of the current job

    def _send(self, data: bytes) -> None:
        raw = getattr(self.sock, "_sock", self.sock)
        raw.sendall(data)

    def _lines(self) -> Iterator[dict[str, Any]]:
        """The JSON lines of stdout as they arrive (stderr's tail is kept in ``stderr``)."""
        for stream, data in self.frames:
            if stream == 2:
                self.stderr = (self.stderr + data)[-8192:]
                continue
            self.buf += data
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                yield json.loads(line)

    def request(self, line: bytes) -> dict[str, Any] | None:
        """Send one request line; its one-line JSON answer, or None if the exec ended."""
        self._send(line + b"\n")
        return next(self._lines(), None)

    def run(self, job_path: str, result: JobResult,
            on_record: Callable[[dict[str, Any]], None] | None) -> bool:
        """Run one job; False if the runner ended before the job's ``end`` record."""
        self.records = 0
        try:
            self._send(job_path.encode() + b"\n")
        except OSError:
            return False
        for record in self._lines():
            if record.get("type") == "end":
                return True
            self.records += 1
            result.add(record)
            if on_record is not None:
                on_record(record)
        return False

    def exit_code(self) -> Any:
        with contextlib.suppress(Exception):
            return self.api.exec_inspect(self.exec_id).get("ExitCode")
        return None

    def close(self) -> None:
        """Hang up: the runner reads EOF and exits (if it is still there)."""
        raw = getattr(self.sock, "_sock", self.sock)
        with contextlib.suppress(Exception):
            raw.shutdown(2)  # socket.SHUT_RDWR
        with contextlib.suppress(Exception):
            self.sock.close()


class SandboxPool:
    """A fixed set of worker containers handed out one job at a time."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.client = connect(config.job_deadline + 60)
        self.image_id = require_image(self.client, config.image)
        cleanup_stale(self.client)
        self.store = DataStore(config.cache_dir)
        self._free: queue.Queue[Worker] = queue.Queue()
        self._workers: list[Worker] = []
        self._lock = threading.Lock()
        # One core per container, none shared with another evalkit process's judges:
        # a submission is timed on a core of its own.  If that many are not free, no
        # container is pinned (the kernel spreads them) and timing is noisier.
        self.cpus = claim_cpus(config.workers) if config.pin_cpus else None
        if config.pin_cpus and self.cpus is None:
            log.warning("judge containers not pinned to CPUs: %d wanted, fewer free on this "
                        "host (other evalkit judges hold them); timing is noisier",
                        config.workers)
        atexit.register(self.close)
        for i in range(config.workers):
            w = Worker(self.client, config, self.store, i,
                       self.cpus.cpus[i] if self.cpus is not None else None)
            self._workers.append(w)
            self._free.put(w)

    @contextlib.contextmanager
    def worker(self) -> Iterator[Worker]:
        w = self._free.get()
        try:
            yield w
        finally:
            self._free.put(w)

    def run(self, job: Job, retries: int = 1) -> JobResult:
        """Run a job on a free worker; on a judge-side failure restart it and retry."""
        with self.worker() as w:
            result = w.run(job)
            attempt = 0
            while result.error is not None and attempt < retries:
                attempt += 1
                time.sleep(0.5)
                w.restart()
                result = w.run(job)
            return result

    def mirror(self, key: str, files: dict[str, Path]) -> str:
        return self.store.mirror(key, files)

    def close(self) -> None:
        with self._lock:
            for w in self._workers:
                w.remove()
            self._workers.clear()
            if self.cpus is not None:
                self.cpus.release()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cleanup_stale(client: Any) -> int:
    """Remove judge containers left by evalkit processes that no longer exist."""
    removed = 0
    # ignore_removed: another process's pool may remove a container between the list and
    # its inspect (docker SDK), which raised NotFound and failed this pool's start.
    for c in client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True):
        pid = int(c.labels.get(f"{LABEL}.pid", "0") or 0)
        if pid and _alive(pid):
            continue
        with contextlib.suppress(Exception):
            c.remove(force=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
