"""CMS task types Batch, Communication and OutputOnly, as sandbox jobs.

Each function mirrors the corresponding code in cms-dev/cms:

- compilation: ``cms/grading/languages/cpp17_gpp.py`` —
  ``g++ -DEVAL -std=gnu++17 -O2 -pipe -static -s -o <exe> [grader|stub].cpp <task>.cpp``,
  with the task's header files copied beside the sources.
- Batch: ``cms/grading/tasktypes/Batch.py`` — stdin from the test input, stdout
  captured; output compared by white diff (``whitediff.py``) or by the
  task's checker, ``checker input.txt correct_output.txt output.txt``
  (``cms/grading/steps/trusted.py``).
- Communication: ``cms/grading/tasktypes/Communication.py`` — the manager
  gets the input on stdin and, for each user process i, the FIFO paths
  ``u{i}_to_m m_to_u{i}``; user process i gets ``m_to_u{i} u{i}_to_m`` and
  its 0-based index when there are several.  Each user process has the task's
  time limit; afterwards the *sum* of their CPU times is checked
  (``>= TL`` is a timeout); any user process failure scores 0 whatever the
  manager says; the manager's own failure is a judge error.
- OutputOnly: ``cms/grading/tasktypes/OutputOnly.py`` — each test's file
  ``output_<codename>.txt`` is compared by white diff or the checker; a file not
  submitted scores 0 ("File not submitted").
- Checker and manager: compiled as tps.py does (``package.TRUSTED_FLAGS``).
- Limits: ``cms/grading/steps/evaluation.py`` — CPU time limit, wall limit
  ``2*TL + 1``, memory over the whole process; one process (isolate ``-p1``)
  unless the task allows more.  Communication tests replace the per-process wall
  limit by an idle limit of the same length (:class:`CommunicationLimits`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from evalkit.judging.cms.outcome import parse_outcome
from evalkit.judging.cms.package import BATCH, OUTPUT_ONLY, TRUSTED_FLAGS, CmsTask
from evalkit.judging.cms.whitediff import white_diff
from evalkit.sandbox import job as sj

CXX = "/usr/bin/g++"
COMPILE_FLAGS = ["-DEVAL", "-std=gnu++17", "-O2", "-pipe", "-static", "-s"]
COMPILE_LIMITS = sj.Limits(cpu=30, wall=60, memory=2 * 1024**3, output=256 * 1024**2,
                           processes=64)
CHECKER_LIMITS = sj.Limits(cpu=30, wall=60)
# OutputOnly: the submitted file is only copied to the checker's input.
OUTPUT_ONLY_LIMITS = sj.Limits(cpu=10, wall=60, memory=512 * 1024**2, processes=1)
NOT_SUBMITTED = "File not submitted"  # OutputOnly.py

# Test verdicts (what a contestant would see).
AC, PA, WA, TLE, MLE, RE, OLE, JE = "AC", "PA", "WA", "TLE", "MLE", "RE", "OLE", "JE"
_RUN_VERDICTS = {sj.TLE: TLE, sj.WALL: TLE, sj.MLE: MLE, sj.OLE: OLE, sj.RE: RE, sj.SIG: RE}


@dataclass(frozen=True)
class JudgeLimits:
    """Sandbox settings of a CMS evaluation that are not in the task package."""

    output: int = 64 * 1024**2  # bytes per output file
    processes: int = 1  # CMS/isolate default for C++: no extra processes or threads

    def fingerprint(self) -> dict[str, int]:
        return {"output": self.output, "processes": self.processes}


@dataclass(frozen=True)
class TestOutcome:
    codename: str
    outcome: float  # in [0, 1]
    verdict: str
    time: float  # CPU seconds (summed over user processes)
    memory_kb: int
    message: str = ""
    wall_timeout: bool = False  # killed by the wall clock, not by the CPU limit

    def to_json(self) -> dict[str, object]:
        return {"outcome": self.outcome, "verdict": self.verdict, "time": self.time,
                "memory_kb": self.memory_kb, "message": self.message}


@dataclass
class Evaluation:
    compiled: bool
    compile_message: str = ""
    tests: dict[str, TestOutcome] = field(default_factory=dict)
    judge_error: str | None = None


def _key(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def executable_name(task: CmsTask) -> str:
    return task.code


def compile_job(task: CmsTask, source: str, data_dir: str) -> sj.Compile:
    """The untrusted compile of a C++17 submission (CMS's cpp17_gpp)."""
    sub_name = f"{task.code}.cpp"
    files: dict[str, str | sj.FileText] = {sub_name: sj.FileText(source)}
    for name in task.headers():
        files[name] = f"{data_dir}/graders/{name}"
    sources = [sub_name]
    if task.task_type == BATCH and task.uses_grader:
        files["grader.cpp"] = f"{data_dir}/graders/grader.cpp"
        sources = ["grader.cpp", sub_name]
    elif task.task_type != BATCH and task.uses_stub:
        files["stub.cpp"] = f"{data_dir}/graders/stub.cpp"
        sources = ["stub.cpp", sub_name]
    exe = executable_name(task)
    return sj.Compile(
        argv=[CXX, *COMPILE_FLAGS, "-o", exe, *sources],
        files=files,
        artifacts={exe: exe},
        limits=COMPILE_LIMITS,
    )


def trusted_builds(task: CmsTask, data_dir: str) -> list[sj.TrustedBuild]:
    """Checker (Batch, OutputOnly) or manager (Communication), built once per container."""
    if task.task_type in (BATCH, OUTPUT_ONLY):
        if not task.has_checker:
            return []
        folder, names, program = "checker", task.checker_files, "checker"
    else:
        folder, names, program = "graders", task.graders, "manager"
    files: dict[str, str | sj.FileText] = {n: f"{data_dir}/{folder}/{n}" for n in names}
    if f"{program}.cpp" in names:
        argv = [CXX, *TRUSTED_FLAGS, "-o", program, f"{program}.cpp"]
    else:  # a prebuilt binary shipped in the package
        argv = ["/bin/chmod", "755", program]
    digest = hashlib.sha256()
    for n in sorted(names):
        digest.update(n.encode() + b"\0" + names[n].read_bytes())
    key = _key(program, argv, digest.hexdigest())
    return [sj.TrustedBuild(key=key, argv=argv, files=files, artifacts=[program])]


def trusted_source(task: CmsTask) -> str:
    """The package file the trusted build compiles (for error messages)."""
    if task.task_type in (BATCH, OUTPUT_ONLY):
        return "checker/checker.cpp" if "checker.cpp" in task.checker_files else "checker/checker"
    return "graders/manager.cpp"


# Host slowdown (CPU share lost to other work) the wall backstop of a
# Communication test tolerates before a test is judged again as starved.
LOAD_FACTOR = 4.0
TRUSTED_MAX_TIME = 10.0  # CMS config trusted_sandbox_max_time_s (default)


@dataclass(frozen=True)
class CommunicationLimits:
    """Time limits of one Communication test (see docs/architecture.md, "Communication
    under load").

    - user CPU: the task's TL each, then the sum ``>= TL`` is a timeout (CMS);
    - manager CPU: ``max(n * (TL + 1), trusted_sandbox_max_time_s)`` (CMS);
    - idle: ``2 * TL + 1``, CMS's wall limit, but counted only while *every* process
      of the test sleeps (a submission blocked on input, a deadlock): the idle
      decoder waiting through the encoder's phase is not idle (the encoder or the
      manager runs), and a busy host adds run-queue time, not idle time;
    - wall: a backstop only, ``2 * TL + 1 + LOAD_FACTOR * (TL + manager CPU)``: all
      the CPU an accepted test may use, stretched by a host ``LOAD_FACTOR + 1`` times
      slower; users and manager share it (every process may live through every
      phase); the manager gets 10 s more so that users always end first.
    """

    idle: float
    user_wall: float
    manager_cpu: float
    manager_wall: float


def communication_limits(task: CmsTask) -> CommunicationLimits:
    """The derived limits of ``task``'s Communication tests."""
    tl, n = task.time_limit, task.num_processes
    manager_cpu = max(n * (tl + 1), TRUSTED_MAX_TIME)
    wall = 2 * tl + 1 + LOAD_FACTOR * (tl + manager_cpu)
    return CommunicationLimits(idle=2 * tl + 1, user_wall=round(wall, 3),
                               manager_cpu=manager_cpu, manager_wall=round(wall + 10, 3))


def _user_limits(task: CmsTask, limits: JudgeLimits) -> sj.Limits:
    return sj.Limits(
        cpu=task.time_limit,
        wall=2 * task.time_limit + 1,
        memory=task.memory_limit,
        output=limits.output,
        processes=limits.processes,
        stack=task.memory_limit,  # the stack may use all the memory (IOI rules)
    )


def test_job(task: CmsTask, codename: str, data_dir: str, builds: list[sj.TrustedBuild],
             limits: JudgeLimits) -> sj.Test:
    """The sandbox test for one testcase."""
    exe = "{bin}/" + executable_name(task)
    inp = f"{data_dir}/tests/{codename}.in"
    user_limits = _user_limits(task, limits)
    if task.task_type in (BATCH, OUTPUT_ONLY):
        argv = [exe]
        if task.task_type == OUTPUT_ONLY:  # the submitted file, as the "output"
            argv, user_limits = ["/bin/cat", "{bin}/" + output_file_name(codename)], \
                replace(OUTPUT_ONLY_LIMITS, output=limits.output)
        user = sj.Process(
            name="user", argv=argv, limits=user_limits,
            stdin=sj.Stream(path=inp),
            stdout=sj.Stream(capture="output.txt", returned=not task.has_checker),
            return_limit=limits.output,
        )
        check = None
        if task.has_checker:
            check = sj.Process(
                name="checker", trusted=True, limits=CHECKER_LIMITS,
                argv=["{trusted}/" + builds[0].key + "/checker", inp,
                      f"{data_dir}/tests/{codename}.out", "{work}/output.txt"],
                stdout=sj.Stream(capture="checker.out", returned=True),
                stderr=sj.Stream(capture="checker.err", returned=True),
            )
        return sj.Test(id=codename, run=[user], check=check)

    n = task.num_processes
    comm = communication_limits(task)
    user_limits = replace(user_limits, wall=comm.user_wall, idle=comm.idle)
    fifos: list[sj.Fifo] = []
    manager_argv = ["{trusted}/" + builds[0].key + "/manager"]
    users: list[sj.Process] = []
    for i in range(n):
        fifos += [sj.Fifo(f"u{i}_to_m", slot=i, end_of=f"user{i}"),
                  sj.Fifo(f"m_to_u{i}", slot=i, end_of=f"user{i}", end_reads=True)]
        manager_argv += [f"{{fifo:u{i}_to_m}}", f"{{fifo:m_to_u{i}}}"]
        if task.user_io_fifos:
            argv = [exe, f"{{fifo:m_to_u{i}}}", f"{{fifo:u{i}_to_m}}"]
            stdin = stdout = None
        else:
            argv = [exe]
            stdin, stdout = sj.Stream(fifo=f"m_to_u{i}"), sj.Stream(fifo=f"u{i}_to_m")
        if n > 1:
            argv.append(str(i))
        users.append(sj.Process(name=f"user{i}", argv=argv, slot=i, limits=user_limits,
                                stdin=stdin, stdout=stdout))
    manager = sj.Process(
        name="manager", trusted=True, argv=manager_argv,
        limits=sj.Limits(cpu=comm.manager_cpu, wall=comm.manager_wall),
        stdin=sj.Stream(path=inp),
        stdout=sj.Stream(capture="manager.out", returned=True),
        stderr=sj.Stream(capture="manager.err", returned=True),
    )
    return sj.Test(id=codename, run=[manager, *users], fifos=fifos)


def build_job(task: CmsTask, source: str, data_dir: str, limits: JudgeLimits,
              codenames: list[str] | None = None) -> sj.Job:
    builds = trusted_builds(task, data_dir)
    names = codenames if codenames is not None else sorted(task.tests)
    return sj.Job(
        trusted_builds=builds,
        compile=compile_job(task, source, data_dir),
        tests=[test_job(task, c, data_dir, builds, limits) for c in names],
    )


def output_file_name(codename: str) -> str:
    """The file an OutputOnly submission gives for a test (tps.py submission_format)."""
    return f"output_{codename}.txt"


def output_only_job(task: CmsTask, files: dict[str, str], data_dir: str,
                    limits: JudgeLimits) -> tuple[sj.Job, list[str]]:
    """The job judging the submitted files of an OutputOnly task; the tests it covers."""
    names = [c for c in sorted(task.tests) if output_file_name(c) in files]
    builds = trusted_builds(task, data_dir)
    wanted = {output_file_name(c) for c in names}
    compile_ = sj.Compile(
        argv=["/bin/true"],
        files={n: sj.FileText(t) for n, t in files.items() if n in wanted},
        artifacts={n: n for n in sorted(wanted)}, limits=COMPILE_LIMITS)
    tests = [test_job(task, c, data_dir, builds, limits) for c in names]
    return sj.Job(trusted_builds=builds, compile=compile_, tests=tests), names


def interpret_output_only(task: CmsTask, result: sj.JobResult | None,
                          submitted: list[str]) -> Evaluation:
    """Outcomes of every test: judged files, and 0 for files not submitted."""
    ev = interpret(task, result, submitted) if result is not None \
        else Evaluation(compiled=True)
    if ev.judge_error is None:
        ev.compiled = True  # nothing to compile: a file's absence scores 0, not CE
        for c in sorted(task.tests):
            if c not in ev.tests:
                ev.tests[c] = TestOutcome(c, 0.0, WA, 0.0, 0, NOT_SUBMITTED)
    return ev


def _verdict(outcome: float) -> str:
    # CMS labels: <= 0 not correct, >= 1 correct, otherwise partially correct.
    if outcome >= 1.0:
        return AC
    if outcome <= 0.0:
        return WA
    return PA


def interpret_batch(task: CmsTask, res: sj.TestResult) -> TestOutcome:
    user = res.procs["user"]
    time, mem = user.cpu_time, user.max_rss_kb
    if user.verdict == sj.XX:
        return TestOutcome(res.id, 0.0, JE, time, mem, f"could not run: {user.error}")
    if not user.ok:
        return TestOutcome(res.id, 0.0, _RUN_VERDICTS[user.verdict], time, mem,
                           _run_message(user), wall_timeout=user.verdict == sj.WALL)
    if task.has_checker:
        chk = res.check
        if chk is None or not chk.ok:
            why = chk.verdict if chk else "did not run"
            return TestOutcome(res.id, 0.0, JE, time, mem, f"checker failed ({why})")
        parsed = parse_outcome(chk.stdout or "", chk.stderr or "")
        if parsed is None:
            return TestOutcome(res.id, 0.0, JE, time, mem,
                               f"checker printed no outcome: {(chk.stdout or '')[:100]!r}")
        outcome, text = parsed
        return TestOutcome(res.id, outcome, _verdict(outcome), time, mem, text)
    expected = task.tests[res.id].output
    assert expected is not None
    if user.stdout_size > len(user.stdout or ""):
        return TestOutcome(res.id, 0.0, WA, time, mem, "output larger than returned")
    ok, text = white_diff(expected.read_bytes(), (user.stdout or "").encode())
    return TestOutcome(res.id, 1.0 if ok else 0.0, AC if ok else WA, time, mem, text)


def interpret_communication(task: CmsTask, res: sj.TestResult) -> TestOutcome:
    manager = res.procs["manager"]
    users = [res.procs[f"user{i}"] for i in range(task.num_processes)]
    time = round(sum(u.cpu_time for u in users), 4)
    mem = max(u.max_rss_kb for u in users)
    if manager.verdict == sj.XX or any(u.verdict == sj.XX for u in users):
        name, bad = next((n, p) for n, p in res.procs.items() if p.verdict == sj.XX)
        return TestOutcome(res.id, 0.0, JE, time, mem,
                           f"could not start {name}: {bad.error or 'unknown error'}")
    if not manager.ok:
        return TestOutcome(res.id, 0.0, JE, time, mem,
                           f"manager failed ({_run_message(manager)})")
    failed = next((u for u in users if not u.ok), None)
    if failed is not None:
        return TestOutcome(res.id, 0.0, _RUN_VERDICTS[failed.verdict], time, mem,
                           _run_message(failed),
                           wall_timeout=failed.verdict == sj.WALL and not failed.idle_timeout)
    if time >= task.time_limit:
        return TestOutcome(res.id, 0.0, TLE, time, mem, "time limit exceeded (sum of processes)")
    parsed = parse_outcome(manager.stdout or "", manager.stderr or "")
    if parsed is None:
        return TestOutcome(res.id, 0.0, JE, time, mem,
                           f"manager printed no outcome: {(manager.stdout or '')[:100]!r}")
    outcome, text = parsed
    return TestOutcome(res.id, outcome, _verdict(outcome), time, mem, text)


def starved_tests(task: CmsTask, ev: Evaluation) -> list[str]:
    """Tests killed by the wall clock while using less CPU than the time limit.

    CMS scores a wall-clock timeout as a timeout (evaluation.py), which is right
    for a program that sleeps or blocks, but on a loaded judge machine a correct
    program can be starved of CPU too.  Such tests are worth judging again; a
    program that really blocks times out again and keeps its verdict.  A
    Communication test ended by its idle limit (every process asleep) is a
    verdict, not starvation, and is not judged again.
    """
    return [c for c, t in ev.tests.items()
            if t.wall_timeout and t.time < task.time_limit]


# How often the starved tests of a submission are judged again.
WALL_RETRIES = 2


def evaluate(task: CmsTask, source: str, data_dir: str, limits: JudgeLimits,
             run: Callable[[sj.Job], sj.JobResult],
             codenames: list[str] | None = None) -> tuple[Evaluation, int]:
    """Judge ``source`` on ``codenames`` (default: all); tests starved by the host
    (:func:`starved_tests`) are judged again, only they, at most WALL_RETRIES times.

    Returns the evaluation and how many test runs the re-judging added.
    """
    names = codenames if codenames is not None else sorted(task.tests)
    ev = interpret(task, run(build_job(task, source, data_dir, limits, names)), names)
    extra = 0
    for _ in range(WALL_RETRIES):
        starved = starved_tests(task, ev) if ev.judge_error is None else []
        if not starved:
            break
        extra += len(starved)
        redo = interpret(task, run(build_job(task, source, data_dir, limits, starved)), starved)
        if redo.judge_error is not None:
            ev.judge_error = redo.judge_error
            break
        ev.tests.update(redo.tests)
    return ev, extra


def interpret(task: CmsTask, result: sj.JobResult, codenames: list[str]) -> Evaluation:
    """Turn the runner's facts into CMS outcomes per testcase."""
    if result.error is not None or result.trusted_build_error is not None:
        return Evaluation(compiled=False,
                          judge_error=result.error or result.trusted_build_error)
    if result.compile is not None and result.compile.result.verdict == sj.WALL \
            and result.compile.result.cpu_time < (COMPILE_LIMITS.cpu or 0) / 2:
        # Out of wall time with little CPU used: the compiler was starved by an
        # overloaded machine, not defeated by the source (a template bomb burns
        # CPU).  Not a verdict: the pipeline retries judge errors.
        r = result.compile.result
        return Evaluation(compiled=False, judge_error=(
            f"compile ran out of wall time ({r.wall_time:.0f}s) with only {r.cpu_time:.1f}s "
            "of CPU: machine overloaded; will be retried"))
    if result.compile is None or not result.compile.ok:
        msg = result.compile.message if result.compile else "no compile result"
        if result.compile is not None and result.compile.result.verdict not in (sj.OK, sj.RE):
            msg = f"compilation {result.compile.result.verdict}: {msg}".strip()
        return Evaluation(compiled=False, compile_message=msg[:4000])
    ev = Evaluation(compiled=True, compile_message=result.compile.message[:4000])
    fn = interpret_batch if task.task_type in (BATCH, OUTPUT_ONLY) \
        else interpret_communication
    for c in codenames:
        if c not in result.tests:
            ev.judge_error = f"no result for test {c}"
            return ev
        ev.tests[c] = fn(task, result.tests[c])
    return ev


def _run_message(p: sj.ProcResult) -> str:
    return sj.describe(p)
