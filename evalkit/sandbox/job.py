"""The job a judge container runs, and what it reports back.

These records mirror the JSON schema read by ``sandboxes/runner/evalkit_runner.py``.
They describe processes, files and limits only: what a verdict *means* for a
benchmark is decided by the caller (e.g. :mod:`evalkit.judging.cms`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Verdicts the runner reports for one process.
OK = "OK"
TLE = "TLE"  # CPU time over the limit
WALL = "WALL"  # wall time over the limit
MLE = "MLE"
OLE = "OLE"  # output over the size limit (SIGXFSZ)
RE = "RE"  # non-zero exit code
SIG = "SIG"  # killed by a signal
XX = "XX"  # could not be started: a judge-side failure


@dataclass(frozen=True)
class Limits:
    """Limits for one process; ``None`` means no limit of that kind."""

    cpu: float | None = None  # seconds of CPU time, all threads
    wall: float | None = None  # seconds
    memory: int | None = None  # bytes, peak resident set of the process
    output: int | None = None  # bytes per file written (RLIMIT_FSIZE)
    processes: int | None = None  # processes + threads of the untrusted uid
    stack: int | str | None = None  # bytes, or "unlimited"
    address_space: int | None = None  # bytes (RLIMIT_AS), for compilers
    # Seconds during which *every* process of the test is asleep (neither on a CPU
    # nor waiting for one, per /proc/<pid>/schedstat): a deadlock or a program
    # blocked on input.  Unlike the wall clock it does not grow while the host is
    # busy, so the verdict does not depend on load.  Multi-process tests only.
    idle: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Stream:
    """Where a process's stdin/stdout/stderr goes.

    Exactly one of ``path`` (a file the runner opens for the process, so an
    untrusted process can read its input without being able to open the
    file by name), ``capture`` (a file in the trusted work dir, returned to the
    host when ``returned``), ``pipe`` (an anonymous pipe named in the test) or
    ``fifo`` is set.  ``path`` may use the ``{work}`` placeholder (e.g. a
    checker reading a capture of the test's earlier process).
    """

    path: str | None = None
    capture: str | None = None
    pipe: str | None = None
    fifo: str | None = None
    returned: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("path", "capture", "pipe", "fifo"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.returned:
            out["return"] = True
        return out


@dataclass(frozen=True)
class Process:
    """One process of a test.

    ``argv`` may contain placeholders the runner fills in: ``{bin}`` (compiled
    submissions), ``{trusted}`` (trusted builds), ``{work}`` (the trusted work
    dir holding captures), ``{fifo:NAME}``.
    """

    name: str
    argv: list[str]
    trusted: bool = False
    slot: int = 0  # which untrusted uid runs it (separate uids per user process)
    limits: Limits = Limits()
    stdin: Stream | None = None
    stdout: Stream | None = None
    stderr: Stream | None = None
    env: dict[str, str] = field(default_factory=dict)
    return_limit: int = 64 * 1024
    # A trusted Python module (container path) that ``argv`` runs as
    # ``[python3, -I, <module>, args...]``: the runner forks the process from a warm
    # interpreter that has imported it (its zygote), calling its ``main()`` with
    # ``sys.argv = argv[2:]``, under the same uid, limits and isolation
    # (sandboxes/runner/evalkit_runner.py, ZYGOTE).  Untrusted processes only.
    zygote: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "argv": list(self.argv),
            "trusted": self.trusted,
            "slot": self.slot,
            "limits": self.limits.to_json(),
            "env": dict(self.env),
            "return_limit": self.return_limit,
        }
        for key in ("stdin", "stdout", "stderr"):
            stream = getattr(self, key)
            out[key] = stream.to_json() if stream is not None else None
        if self.zygote is not None:
            out["zygote"] = self.zygote
        return out


@dataclass(frozen=True)
class Fifo:
    """A named pipe of a test, in the box directory of ``slot``'s uid.

    ``end_of`` names the process at one end (``end_reads``: it reads from it).
    When that process has ended, the runner opens its end for it as soon as the
    peer holds (or waits in ``open()`` for) the other one, and closes it at once,
    so a peer never waits forever for a process that ended without opening its
    FIFO: it sees end of file (or EPIPE), as if the process had opened it and
    exited (docs/architecture.md, "Communication under load").
    """

    name: str
    slot: int = 0  # owned by this untrusted uid; trusted processes can open any
    end_of: str | None = None
    end_reads: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "slot": self.slot}
        if self.end_of is not None:
            out.update(end_of=self.end_of, end_reads=self.end_reads)
        return out


@dataclass(frozen=True)
class Test:
    """Processes started together, then an optional trusted check.

    The check runs only when every untrusted process ended with verdict OK.
    ``work_dirs`` are made in the trusted work dir before the processes start;
    the runner holds the read ends of the ``keep_open`` pipes until every
    process ended (their writers never see a broken pipe); it holds the write
    end of each ``hold_writes`` pipe until the named process ended (its reader
    sees EOF only then, so the order in which processes end is not a race);
    ``collect`` names
    work-dir files returned in :attr:`TestResult.files` (up to
    ``collect_limit`` bytes each).
    """

    id: str
    run: list[Process]
    check: Process | None = None
    fifos: list[Fifo] = field(default_factory=list)
    pipes: list[str] = field(default_factory=list)
    work_dirs: list[str] = field(default_factory=list)
    keep_open: list[str] = field(default_factory=list)
    hold_writes: dict[str, str] = field(default_factory=dict)  # pipe -> process name
    collect: list[str] = field(default_factory=list)
    collect_limit: int = 64 * 1024

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "run": [p.to_json() for p in self.run],
            "check": self.check.to_json() if self.check else None,
            "fifos": [f.to_json() for f in self.fifos],
            "pipes": list(self.pipes),
        }
        if self.work_dirs:
            out["work_dirs"] = list(self.work_dirs)
        if self.keep_open:
            out["keep_open"] = list(self.keep_open)
        if self.hold_writes:
            out["hold_writes"] = dict(self.hold_writes)
        if self.collect:
            out["collect"] = {"names": list(self.collect), "limit": self.collect_limit}
        return out


@dataclass(frozen=True)
class FileText:
    """An inline file (e.g. the submission's source)."""

    text: str


@dataclass(frozen=True)
class Compile:
    """An untrusted compile; ``artifacts`` maps produced file -> name under {bin}."""

    argv: list[str]
    files: dict[str, str | FileText]  # name in the compile dir -> container path or text
    artifacts: dict[str, str]
    limits: Limits = Limits()
    env: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "argv": list(self.argv),
            "files": _files_json(self.files),
            "artifacts": dict(self.artifacts),
            "limits": self.limits.to_json(),
            "env": dict(self.env),
        }


@dataclass(frozen=True)
class TrustedBuild:
    """A trusted program (checker, manager) built once per container, keyed by ``key``."""

    key: str
    argv: list[str]
    files: dict[str, str | FileText]
    artifacts: list[str]
    limits: Limits = Limits(cpu=120, wall=240)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "argv": list(self.argv),
            "files": _files_json(self.files),
            "artifacts": list(self.artifacts),
            "limits": self.limits.to_json(),
        }


@dataclass(frozen=True)
class StopRule:
    """When to stop running further tests (e.g. ICPC: first failure decides).

    ``untrusted_failure``: an untrusted process ended other than OK (a death by
    one of ``spare_signals`` does not count); ``check_exit_not_in``: the check
    exited with another code; ``exit_not_in``: a named process (of the run or
    the check) exited with a code not listed for it.
    """

    untrusted_failure: bool = False
    check_exit_not_in: list[int] | None = None
    exit_not_in: dict[str, list[int]] | None = None
    spare_signals: list[int] | None = None


@dataclass(frozen=True)
class Job:
    tests: list[Test] = field(default_factory=list)
    compile: Compile | None = None
    # Files placed under {bin} by the runner before the tests, without a compile step
    # (name -> container path or text): root's, readable by the untrusted uids.
    files: dict[str, str | FileText] = field(default_factory=dict)
    trusted_builds: list[TrustedBuild] = field(default_factory=list)
    stop_on: StopRule | None = None
    # False: the runner forks itself for every process, the path it takes in an image
    # without gcc for its launcher (same limits and verdicts, slower); for tests.
    launcher: bool = True
    # False: processes naming a zygote are exec'd (``python3 -I module ...``) instead of
    # forked warm (same limits and verdicts, slower); for tests.
    zygote: bool = True

    def to_json(self, box_uids: list[int]) -> dict[str, Any]:
        return {
            "box_uids": box_uids,
            "trusted_builds": [b.to_json() for b in self.trusted_builds],
            "compile": self.compile.to_json() if self.compile else None,
            "files": _files_json(self.files),
            "tests": [t.to_json() for t in self.tests],
            "stop_on": asdict(self.stop_on) if self.stop_on else None,
            "no_launcher": not self.launcher,
            "no_zygote": not self.zygote,
        }


def _files_json(files: dict[str, str | FileText]) -> dict[str, Any]:
    return {k: ({"text": v.text} if isinstance(v, FileText) else v) for k, v in files.items()}


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ProcResult:
    verdict: str
    exit_code: int | None
    signal: int | None
    cpu_time: float
    wall_time: float
    max_rss_kb: int
    stdout: str | None = None
    stderr: str | None = None
    stdout_size: int = 0
    error: str | None = None
    exit_order: int = -1  # order in which the test's processes ended (0 = first)
    idle_timeout: bool = False  # WALL because the whole test sat idle (Limits.idle)

    @property
    def ok(self) -> bool:
        return self.verdict == OK

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ProcResult:
        return cls(
            verdict=d["verdict"],
            exit_code=d.get("exit_code"),
            signal=d.get("signal"),
            cpu_time=float(d.get("cpu_time", 0.0)),
            wall_time=float(d.get("wall_time", 0.0)),
            max_rss_kb=int(d.get("max_rss_kb", 0)),
            stdout=d.get("stdout"),
            stderr=d.get("stderr"),
            stdout_size=int(d.get("stdout_size", 0)),
            error=d.get("error"),
            exit_order=int(d.get("exit_order", -1)),
            idle_timeout=bool(d.get("idle_timeout", False)),
        )


@dataclass(frozen=True)
class TestResult:
    id: str
    procs: dict[str, ProcResult]
    check: ProcResult | None
    files: dict[str, str] = field(default_factory=dict)  # the test's ``collect``ed files


def describe(p: ProcResult, who: str = "") -> str:
    """One human line for how a process ended (for judge messages)."""
    if p.verdict == WALL and p.idle_timeout:
        return (f"time limit exceeded (idle: every process of the test waiting; "
                f"{p.cpu_time:.3f}s CPU, {p.wall_time:.3f}s wall)")
    if p.verdict in (TLE, WALL):
        kind = "wall" if p.verdict == WALL else "CPU"
        return f"time limit exceeded ({kind}; {p.cpu_time:.3f}s CPU, {p.wall_time:.3f}s wall)"
    if p.verdict == MLE:
        return f"memory limit exceeded ({p.max_rss_kb // 1024} MiB)"
    if p.verdict == OLE:
        return "output limit exceeded"
    if p.verdict == SIG:
        return f"killed by signal {p.signal}"
    if p.verdict == RE:
        return f"{who + ' ' if who else ''}exited with code {p.exit_code}"
    return p.verdict


@dataclass(frozen=True)
class CompileResult:
    ok: bool
    result: ProcResult

    @property
    def message(self) -> str:
        return ((self.result.stderr or "") + (self.result.stdout or "")).strip()


@dataclass
class JobResult:
    """What a job produced; ``error`` is set for judge-side failures."""

    compile: CompileResult | None = None
    tests: dict[str, TestResult] = field(default_factory=dict)
    trusted_build_error: str | None = None
    error: str | None = None
    done: bool = False

    def add(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if kind == "trusted_build" and not record.get("ok"):
            res = record.get("result") or {}
            self.trusted_build_error = (
                f"trusted build {record.get('key')} failed: "
                f"{(res.get('stderr') or res.get('error') or '').strip()[:2000]}"
            )
        elif kind == "compile":
            self.compile = CompileResult(bool(record["ok"]), ProcResult.from_json(record["result"]))
        elif kind == "test":
            self.tests[record["id"]] = TestResult(
                id=record["id"],
                procs={k: ProcResult.from_json(v) for k, v in record["procs"].items()},
                check=ProcResult.from_json(record["check"]) if record.get("check") else None,
                files=dict(record.get("files") or {}),
            )
        elif kind == "error":
            self.error = str(record.get("message"))
        elif kind == "done":
            self.done = True
