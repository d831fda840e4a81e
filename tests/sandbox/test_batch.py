"""Launcher batches: a job's consecutive single-process tests run inside the launcher.

A test of one untrusted process limited to one process, with a file or nothing
as stdin and captures or nothing as stdout/stderr, and no checker, pipes, FIFOs,
work dirs or collected files (CMS Batch without a checker, Output Only, the
benchmark) runs in a *batch*: the runner sends the launcher a run of such tests
in one request, and the launcher makes each box, runs, watches and reaps the
process, reads its captures back and cleans up, one report per test
(docs/architecture.md, "The sandbox").  What these tests pin down:

- the records are those of the fork path (``Job(launcher=False)``, which never
  batches), for a job mixing batch tests with tests that stay on the per-test
  path (a checker, more than one process) and with every kind of ending;
- ``stop_on`` stops where it always did: no test runs after the first failure
  (a test that sleeps 5 s after it would show in the job's time), a spared signal
  does not stop the job, an exit-code rule that forbids 0 is honoured;
- nothing a test leaves in its box (files, a deep chain, a directory it locked
  with ``chmod 0``) is seen by the next one;
- a launcher killed in the middle of a batch is a judge error (the test it was
  running is XX, the job reports an error), never a verdict.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest

from evalkit.sandbox import job as sj

pytestmark = pytest.mark.docker

MIB = 1024**2
PROBE = r"""
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void link_of(int fd) {
    char path[64], target[512];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("fd%d %s\n", fd, target);
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "echo";
    if (!strcmp(m, "echo")) {  /* its input, back */
        char buf[256];
        while (fgets(buf, sizeof buf, stdin)) fputs(buf, stdout);
        return 0;
    }
    if (!strcmp(m, "exit")) return atoi(argv[2]);
    if (!strcmp(m, "big")) {
        for (long i = 0; i < atol(argv[2]); i++) putchar('a' + i % 26);
        return 0;
    }
    if (!strcmp(m, "err")) { fputs("to stderr\n", stderr); puts("out"); return 0; }
    if (!strcmp(m, "spin")) { volatile unsigned long x = 0; for (;;) x++; }
    if (!strcmp(m, "mem")) {
        size_t n = (size_t)atol(argv[2]) << 20;
        char *p = malloc(n);
        memset(p, 1, n);
        printf("%d\n", p[n - 1]);
        return 0;
    }
    if (!strcmp(m, "sleep")) {
        long ms = atol(argv[2]);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return 0;
    }
    if (!strcmp(m, "signal")) raise(atoi(argv[2]));
    if (!strcmp(m, "litter")) {  /* files, a chain of directories, one locked */
        FILE *f = fopen("left.txt", "w");
        fputs("from an earlier test\n", f);
        fclose(f);
        for (int i = 0; i < 200; i++) {
            if (mkdir("d", 0700) != 0 || chdir("d") != 0) return 1;
            close(open("f", O_CREAT | O_WRONLY, 0600));
        }
        if (chdir("/box/s0/box") != 0 || mkdir("locked", 0700) != 0) return 2;
        close(open("locked/x", O_CREAT | O_WRONLY, 0600));
        chmod("locked", 0);
        puts("littered");
        return 0;
    }
    if (!strcmp(m, "look")) {  /* what a test sees of its box and its streams */
        char cwd[256];
        printf("cwd %s uid %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?",
               getuid() >= 100000 ? "untrusted" : "other");
        struct stat st;
        stat(".", &st);
        printf("mode %o\n", st.st_mode & 07777);
        DIR *d = opendir(".");
        struct dirent *e;
        int n = 0;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                printf("entry %s\n", e->d_name), n++;
        printf("entries %d\n", n);
        link_of(0);
        link_of(1);
        link_of(2);
        printf("HOME %s TMPDIR %s\n", getenv("HOME"), getenv("TMPDIR"));
        return 0;
    }
    return 99;
}
"""
RUN = sj.Limits(cpu=1, wall=10, memory=64 * MIB, output=4 * MIB, processes=1)
COMPILE = sj.Compile(argv=["/usr/bin/gcc", "-O2", "-static", "-o", "probe", "probe.c"],
                     files={"probe.c": sj.FileText(PROBE)}, artifacts={"probe": "probe"},
                     limits=sj.Limits(cpu=60, wall=120, memory=512 * MIB, processes=64))


def probe(tid: str, *args: str, limits: sj.Limits = RUN, stdin: str | None = None,
          stderr: bool = False, return_limit: int = 64 * 1024, **test: object) -> sj.Test:
    """A test running the probe program with ``args`` (see PROBE)."""
    return sj.Test(id=tid, run=[sj.Process(
        name="user", argv=["{bin}/probe", *args], limits=limits,
        stdin=sj.Stream(path=stdin) if stdin else None,
        stdout=sj.Stream(capture="out.txt", returned=True),
        stderr=sj.Stream(capture="err.txt") if stderr else None,
        return_limit=return_limit)], **test)  # type: ignore[arg-type]


def records(pool, job: sj.Job) -> tuple[list[dict], sj.JobResult, float]:
    """The raw records of the job's tests (as the runner sent them), its result, its time."""
    seen: list[dict] = []
    start = time.monotonic()
    with pool.worker() as w:
        result = w.run(job, on_record=seen.append)
    return [r for r in seen if r.get("type") == "test"], result, time.monotonic() - start


TIMING = ("cpu_time", "wall_time", "max_rss_kb")  # measured, so never equal twice


def comparable(recs: list[dict]) -> list[dict]:
    """Records without their measured figures (every key is kept, so shape must match)."""
    out = []
    for r in recs:
        r = dict(r)
        r["procs"] = {name: {k: (None if k in TIMING else v) for k, v in p.items()}
                      for name, p in r["procs"].items()}
        if r.get("check"):
            r["check"] = {k: (None if k in TIMING else v) for k, v in r["check"].items()}
        out.append(r)
    return out


@pytest.fixture(scope="module")
def data(pool, tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("batch-data")
    (d / "a.in").write_text("first input\n")
    (d / "b.in").write_text("second\ninput\n")
    return pool.mirror("batch-probe", {"a.in": d / "a.in", "b.in": d / "b.in"})


def mixed_tests(data: str) -> list[sj.Test]:
    checker = sj.Process(name="checker", trusted=True, argv=["/bin/cat", "{work}/out.txt"],
                         limits=sj.Limits(cpu=5, wall=10),
                         stdout=sj.Stream(capture="checker.out", returned=True))
    return [
        probe("echo-a", "echo", stdin=f"{data}/a.in"),
        probe("exit-3", "exit", "3"),
        probe("stderr", "err", stderr=True),
        # more than the launcher sends in its report: the runner reads the file
        probe("big-held", "big", "70000", return_limit=100_000),
        probe("big-cut", "big", "70000", return_limit=1000),
        probe("checked", "echo", stdin=f"{data}/b.in", check=checker),
        probe("checked-fails", "exit", "4", check=checker),  # not OK: no check
        # the output is more than a report carries: the runner reads it, then checks;
        # and the checker's own (64 KiB returned of it) is read by the runner too
        probe("checked-big", "big", "70000", return_limit=100_000, check=checker),
        probe("threads", "echo", stdin=f"{data}/b.in", limits=sj.Limits(
            cpu=1, wall=10, memory=64 * MIB, processes=4)),  # per-test path (a tree)
        probe("segv", "signal", str(int(signal.SIGSEGV))),
        probe("spin", "spin", limits=sj.Limits(cpu=0.3, wall=10, memory=64 * MIB, processes=1)),
        probe("mem", "mem", "100"),
        probe("look", "look", stdin=f"{data}/a.in", stderr=True),
        probe("echo-b", "echo", stdin=f"{data}/b.in"),
    ]


def test_a_mixed_job_gives_the_records_of_the_fork_path(pool, data):
    tests = mixed_tests(data)
    batched, res, _ = records(pool, sj.Job(compile=COMPILE, tests=tests))
    forked, res_f, _ = records(pool, sj.Job(compile=COMPILE, tests=tests, launcher=False))
    assert res.error is None and res_f.error is None
    assert [r["id"] for r in batched] == [t.id for t in tests]
    assert comparable(batched) == comparable(forked)
    got = {r["id"]: r["procs"]["user"] for r in batched}
    assert got["echo-a"]["stdout"] == "first input\n"
    assert got["exit-3"]["verdict"] == sj.RE and got["exit-3"]["exit_code"] == 3
    assert got["stderr"]["stderr_size"] == len("to stderr\n") and "stderr" not in got["stderr"]
    assert len(got["big-held"]["stdout"]) == 70000 and got["big-held"]["stdout_size"] == 70000
    assert len(got["big-cut"]["stdout"]) == 1000 and got["big-cut"]["stdout_size"] == 70000
    checks = {r["id"]: r.get("check") for r in batched}
    assert checks["checked"]["stdout"] == "second\ninput\n"
    assert checks["checked-fails"] is None and got["checked-fails"]["exit_code"] == 4
    assert len(checks["checked-big"]["stdout"]) == 64 * 1024
    assert [k for k, v in checks.items() if v] == ["checked", "checked-big"]
    assert got["segv"]["verdict"] == sj.SIG and got["segv"]["signal"] == signal.SIGSEGV
    assert got["spin"]["verdict"] == sj.TLE
    assert got["mem"]["verdict"] == sj.MLE
    assert got["echo-b"]["stdout"] == "second\ninput\n"
    # What the process sees of its box and streams is the same on both paths: the
    # capture keeps its name, the input is named by its content (not the test).
    look = got["look"]["stdout"].splitlines()
    assert look[0] == "cwd /box/s0/box uid untrusted" and look[1] == "mode 700"
    assert "entries 0" in look
    assert "fd1 /tmp/work/out.txt" in look and "fd2 /tmp/work/err.txt" in look
    assert not any("a.in" in line for line in look), look


def test_a_test_never_sees_what_the_one_before_left_in_its_box(pool):
    tests = [probe("litter", "litter"), probe("look", "look"), probe("litter-2", "litter"),
             probe("look-2", "look")]
    for launcher in (True, False):
        recs, res, _ = records(pool, sj.Job(compile=COMPILE, tests=tests, launcher=launcher))
        assert res.error is None
        out = {r["id"]: r["procs"]["user"]["stdout"] for r in recs}
        assert out["litter"] == "littered\n" and out["litter-2"] == "littered\n", out
        for look in ("look", "look-2"):
            assert "entries 0" in out[look].splitlines(), (launcher, out[look])


def test_a_checker_never_sees_what_the_one_before_left_in_the_work_dir(pool):
    # A checker (root) may write anywhere in the work dir and in /dev/shm: both are
    # emptied after it, by the launcher or (a directory) by the runner.
    litter = sj.Process(name="checker", trusted=True, argv=["/bin/sh", "-c", (
        "mkdir {work}/dir && touch {work}/dir/f {work}/file /dev/shm/x && echo littered")],
        limits=sj.Limits(cpu=5, wall=10), stdout=sj.Stream(capture="checker.out", returned=True))
    files = sj.Process(name="checker", trusted=True, argv=["/bin/sh", "-c", (
        "touch {work}/file && echo littered")], limits=sj.Limits(cpu=5, wall=10),
        stdout=sj.Stream(capture="checker.out", returned=True))
    look = sj.Process(name="checker", trusted=True, argv=["/bin/sh", "-c", (
        "ls -A {work} /dev/shm")], limits=sj.Limits(cpu=5, wall=10),
        stdout=sj.Stream(capture="checker.out", returned=True))
    tests = [probe("dir", "exit", "0", check=litter), probe("look", "exit", "0", check=look),
             probe("files", "exit", "0", check=files), probe("look-2", "exit", "0", check=look)]
    seen = {}
    for launcher in (True, False):
        recs, res, _ = records(pool, sj.Job(compile=COMPILE, tests=tests, launcher=launcher))
        assert res.error is None
        seen[launcher] = {r["id"]: r["check"]["stdout"] for r in recs}
    assert seen[True] == seen[False]
    clean = "/dev/shm:\n\n/tmp/work:\nchecker.out\nout.txt\n"
    assert seen[True]["look"] == seen[True]["look-2"] == clean


@pytest.mark.parametrize("launcher", [True, False], ids=["launcher", "runner-forks"])
def test_stop_on_stops_at_the_first_failure_and_nothing_after_it_runs(pool, launcher):
    tests = [probe("a", "exit", "0"), probe("b", "exit", "0"), probe("fails", "exit", "1"),
             probe("sleeps", "sleep", "5000"), probe("c", "exit", "0")]
    recs, res, seconds = records(pool, sj.Job(compile=COMPILE, tests=tests, launcher=launcher,
                                              stop_on=sj.StopRule(untrusted_failure=True)))
    assert res.error is None
    assert [r["id"] for r in recs] == ["a", "b", "fails"]
    assert recs[-1]["procs"]["user"]["verdict"] == sj.RE
    # Had the 5 s test run (and its record been thrown away), the job would last 5 s.
    assert seconds < 5, seconds


@pytest.mark.parametrize("launcher", [True, False], ids=["launcher", "runner-forks"])
def test_a_spared_signal_does_not_stop_the_job(pool, launcher):
    # ICPC interactive rules spare SIGPIPE; the launcher ends its batch after any
    # test that did not exit 0, and the runner goes on with the next batch.
    tests = [probe("a", "exit", "0"), probe("pipe", "signal", str(int(signal.SIGPIPE))),
             probe("b", "exit", "0"), probe("fails", "exit", "2"), probe("c", "exit", "0")]
    rule = sj.StopRule(untrusted_failure=True, spare_signals=[int(signal.SIGPIPE)])
    recs, res, _ = records(pool, sj.Job(compile=COMPILE, tests=tests, launcher=launcher,
                                        stop_on=rule))
    assert res.error is None
    assert [r["id"] for r in recs] == ["a", "pipe", "b", "fails"]
    assert recs[1]["procs"]["user"]["signal"] == signal.SIGPIPE


@pytest.mark.parametrize("launcher", [True, False], ids=["launcher", "runner-forks"])
def test_an_exit_code_rule_that_forbids_0_is_honoured(pool, launcher):
    # exit_not_in: the job stops at the first test whose exit code is not listed; a
    # rule without 0 keeps such tests out of batches (the launcher stops only at
    # exit codes other than 0).
    tests = [probe("a", "exit", "3"), probe("b", "exit", "3"), probe("zero", "exit", "0"),
             probe("sleeps", "sleep", "5000")]
    rule = sj.StopRule(exit_not_in={"user": [3]})
    recs, res, seconds = records(pool, sj.Job(compile=COMPILE, tests=tests, launcher=launcher,
                                              stop_on=rule))
    assert res.error is None
    assert [r["id"] for r in recs] == ["a", "b", "zero"]
    assert seconds < 5, seconds  # the test after "zero" never ran


def test_a_launcher_killed_mid_batch_is_a_judge_error_not_a_verdict(pool):
    tests = [probe(f"ok-{i}", "exit", "0") for i in range(3)] + [
        probe("sleeps", "sleep", "3000")] + [probe(f"after-{i}", "exit", "0") for i in range(3)]
    seen: list[dict] = []
    with pool.worker() as w:
        # a first job builds the launcher and starts the runner
        assert w.run(sj.Job(compile=COMPILE)).error is None
        result: list[sj.JobResult] = []
        job = threading.Thread(target=lambda: result.append(
            w.run(sj.Job(tests=tests), on_record=seen.append)))
        job.start()
        # once the sleeping test runs, kill the launcher (its parent)
        # (no pgrep in the image; the pattern is split so that this shell never matches)
        script = ("for i in $(seq 200); do for d in /proc/[0-9]*; do "
                  "c=$(tr '\\0' ' ' < $d/cmdline 2>/dev/null); "
                  "case \"$c\" in *\"probe slee\"\"p 3000\"*) set -- $(cat $d/stat); "
                  "kill -9 $4; exit 0;; esac; done; sleep 0.05; done; exit 1")
        killed = subprocess.run(["docker", "exec", w.container.id, "sh", "-c", script],
                                capture_output=True, text=True, timeout=60)
        job.join(60)
        # the next job gets a new launcher and runs normally
        after = w.run(sj.Job(tests=[probe("next", "exit", "0")]))
    assert killed.returncode == 0, killed.stderr
    res = result[0]
    assert res.error is not None and "launcher" in res.error
    verdicts = {r["id"]: r["procs"]["user"]["verdict"] for r in seen if r.get("type") == "test"}
    assert verdicts == {"ok-0": sj.OK, "ok-1": sj.OK, "ok-2": sj.OK, "sleeps": sj.XX}, verdicts
    assert after.error is None and after.tests["next"].procs["user"].verdict == sj.OK
