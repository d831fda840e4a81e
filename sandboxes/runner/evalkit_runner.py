#!/usr/bin/env python3
"""evalkit's in-container runner.

Runs inside a judge container (as root with a handful of capabilities) and
executes *jobs* (one given as argument, or with --serve one per path read on
stdin, each closed by an ``end`` record): optional trusted builds (checkers, managers), an optional
untrusted compile, then a list of tests.  Each test starts one or more
processes at once (untrusted ones as an unprivileged uid), connected by files,
pipes or FIFOs, waits for all of them under CPU, wall, memory and output
limits, then optionally runs a trusted check.  One JSON line per step is
written to stdout as soon as the step ends.

The runner knows nothing about benchmarks: it reports facts (exit status,
signal, CPU and wall time, peak memory, captured output) and the host decides
what they mean.  It depends on the standard library only, because it runs on
the image's own python3, not on the host's environment.

Limits and how they are enforced (compare isolate(1), which CMS uses):
- CPU time: a watchdog reads the process's CPU time (all threads) from /proc
  every few milliseconds and kills it once over the limit; RLIMIT_CPU is a
  backstop.  Reported time comes from wait4's rusage (user+system, threads and
  reaped children included), as isolate's --time.
- Wall time: killed at the wall limit (the host sets 2*TL+1 like CMS).
- Memory: the container's cgroup caps the whole process tree (an OOM kill
  during a test is reported as MLE); the peak RSS from rusage above the limit is
  MLE too, so slack given to the runner itself is never given to a submission.
- Output: RLIMIT_FSIZE, so an oversized write raises SIGXFSZ.
- Processes: RLIMIT_NPROC for the untrusted uid, plus the container pids limit.
After each test every process of the untrusted uids is killed (setsid and
double-fork escapes included) and their writable directories are wiped.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import math
import os
import resource
import select
import signal
import socket
import stat
import sys
import time

# hashlib, shutil and subprocess are imported where used (once per runner): the
# zygotes are this file too, and every child forked from one would carry their
# ~5 MiB (OpenSSL's, bz2's, lzma's) in its memory figure.

TMP = "/tmp"
# What a submission may write (its box, its FIFOs) lives on a file system of its
# own, so filling it never leaves the checkers and the runner without room in /tmp.
BOX_ROOT = "/box" if os.path.isdir("/box") else TMP
BIN_DIR = os.path.join(TMP, "bin")
TRUSTED_DIR = os.path.join(TMP, "trusted")
WORK_DIR = os.path.join(TMP, "work")
COMPILE_DIR = os.path.join(BOX_ROOT, "s0", "compile")  # the compile's uid is slot 0's
PR_SET_NO_NEW_PRIVS = 38
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
WATCHDOG_INTERVAL = 0.01
DEFAULT_CAPTURE = 64 * 1024
F_SETPIPE_SZ = 1031
PIPE_SIZE = 1 << 20

_libc = ctypes.CDLL(None, use_errno=True)


FLUSH_EVERY = 0.05  # seconds: records of short tests are sent in batches
REPORT_MAX = 1 << 17  # bytes: the largest message from the launcher (INLINE_MAX + header)
BATCH_TESTS = 256  # tests per launcher batch (run_batch)
BATCH_BYTES = 100_000  # bytes per batch request: the launcher reads at most 128 KiB
STREAMS = ("stdin", "stdout", "stderr")


class _Out:
    last_flush = 0.0
    pending = False
    lines: list = []  # records not yet written


def emit(record: dict, now: bool = False) -> None:
    """Write one record; it reaches the host within FLUSH_EVERY seconds (or ``now``).

    Every flush wakes the container shim, dockerd and the host's reader, which
    costs more than a sub-millisecond test, so records of short tests are
    batched; wait_all flushes while a test runs (see maybe_flush).  They are
    kept here, not in sys.stdout's buffer, which would write (and wake all of
    those) every 8 KiB, some thirty records.
    """
    _Out.lines.append(json.dumps(record))
    _Out.pending = True
    maybe_flush(force=now)


def maybe_flush(force: bool = False) -> None:
    if not _Out.pending:
        return
    t = time.monotonic()
    if force or t - _Out.last_flush >= FLUSH_EVERY:
        data = ("\n".join(_Out.lines) + "\n").encode()
        _Out.lines = []
        view = memoryview(data)
        while view:
            view = view[os.write(1, view):]
        _Out.last_flush = t
        _Out.pending = False


# --------------------------------------------------------------------------
# Directories


def make_dir(path: str, uid: int = 0, mode: int = 0o700) -> str:
    if os.path.lexists(path):
        wipe(path)
    os.makedirs(path)
    os.chown(path, uid, uid)
    os.chmod(path, mode)
    return path


def wipe(path: str) -> None:
    """Remove ``path`` and everything under it, however deep.

    Without recursion and with paths relative to an open directory: a
    submission can leave a chain of thousands of directories (shutil.rmtree
    recursed into RecursionError, and full paths pass PATH_MAX).  Its processes
    are dead by now, so nothing moves under us; the runner (DAC_OVERRIDE)
    enters directories whatever their mode.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(st.st_mode):
        os.unlink(path)
        return
    parent, name = os.path.split(os.path.abspath(path))
    top = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        wipe_at(top, name)
    finally:
        os.close(top)


def wipe_at(top: int, name: str) -> None:
    """Remove directory ``name`` of the open directory ``top`` and its whole tree."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    names = [name]  # the path from top, one name per level; one descriptor open at a time
    fd = os.open(name, flags, dir_fd=top)
    try:
        while True:
            sub = None
            for entry in os.scandir(fd):
                if entry.is_dir(follow_symlinks=False):
                    sub = entry.name
                    break
                try:
                    os.unlink(entry.name, dir_fd=fd)
                except FileNotFoundError:
                    pass
            if sub is not None:  # go down
                new = os.open(sub, flags, dir_fd=fd)
                os.close(fd)
                fd = new
                names.append(sub)
                continue
            done = names.pop()  # empty now: go up and remove it
            if not names:
                os.close(fd)
                fd = -1
                os.rmdir(done, dir_fd=top)
                return
            new = os.open("..", flags, dir_fd=fd)
            os.close(fd)
            fd = new
            os.rmdir(done, dir_fd=fd)
    finally:
        if fd >= 0:
            os.close(fd)


def slot_dir(slot: int) -> str:
    """root:uid 0710: only its own uid (and root) can pass, so a box another uid
    opened with ``chmod .`` is still out of reach of the other user processes."""
    return BOX_ROOT + "/s%d" % slot


def box_dir(slot: int) -> str:
    return slot_dir(slot) + "/box"


def fifo_dir(slot: int) -> str:
    return slot_dir(slot) + "/fifo"


def make_slot_dirs(uids) -> None:
    """The slot directories (once per runner, again if the uids change)."""
    for slot, uid in enumerate(uids):
        path = slot_dir(slot)
        try:
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode) and st.st_uid == 0 and st.st_gid == uid and \
                    stat.S_IMODE(st.st_mode) == 0o710:
                continue
            wipe(path)
        except FileNotFoundError:
            pass
        os.mkdir(path, 0o700)
        os.chown(path, 0, uid)
        os.chmod(path, 0o710)


# --------------------------------------------------------------------------
# Cgroup memory accounting (v1 and v2)


_oom_files: list = []  # (fd, key, path) of the first cgroup events file found, kept open


def oom_kills() -> int:
    """Number of OOM kills in this container's memory cgroup so far.

    The file is opened once and re-read with pread (cgroup files are
    regenerated at offset 0): it is read twice per test.
    """
    if not _oom_files:
        for path, key in (("/sys/fs/cgroup/memory.events", "oom_kill"),
                          ("/sys/fs/cgroup/memory/memory.oom_control", "oom_kill")):
            try:
                _oom_files.append((os.open(path, os.O_RDONLY | os.O_CLOEXEC), key, path))
                break
            except OSError:
                continue
        else:
            _oom_files.append((-1, "", ""))
    fd, key, _ = _oom_files[0]
    if fd < 0:
        return 0
    try:
        text = os.pread(fd, 4096, 0).decode()
    except OSError:
        return 0
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key:
            return int(parts[1])
    return 0


# --------------------------------------------------------------------------
# Killing


def uids_with_processes(uids) -> set:
    """Those of ``uids`` that own a process in the container (one /proc scan)."""
    wanted = set(uids)
    found = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                uid = os.stat("/proc/" + name).st_uid
            except OSError:
                continue
            if uid in wanted:
                found.add(uid)
    return found


def kill_uids(uids) -> None:
    """Kill every process owned by any of ``uids`` (kill(-1) as each uid)."""
    # Forking the runner costs milliseconds; most tests leave nothing behind.
    for uid in sorted(uids_with_processes(uids)):
        kill_uid_now(uid)


def kill_uid(uid: int) -> None:
    kill_uids([uid])


def kill_uid_now(uid: int) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def kill_group(pid: int) -> None:
    if pid <= 0:  # not started (killpg(0) would be the runner's own group)
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


# --------------------------------------------------------------------------
# The launcher: a small C fork server that starts each process of a test.
#
# Forking this (Python) runner for every process costs milliseconds (its page
# tables are copied) and the child's peak RSS includes the runner's ~10 MiB,
# since ru_maxrss survives exec.  Instead, once per job, the runner starts the
# launcher, a static C program compiled once per container with the image's
# gcc, and sends it one request per process over a socket (argv, env, limits,
# uid, and the stdin/stdout/stderr descriptors); the launcher forks from its
# own small image, applies setsid, oom_score_adj, rlimits, the uid and
# no_new_privs in the child, execs, reaps it and reports its status and
# rusage.  Without gcc the runner falls back to forking itself.

LAUNCHER_C = r"""/* evalkit launcher: a small fork server, started once per job by the runner.
 * Forking the (Python) runner for each process of a test costs milliseconds
 * and leaves the runner's ~10 MiB in the process's peak RSS (ru_maxrss
 * survives exec); forking this small static program costs little and leaves
 * almost nothing.  Requests arrive on fd 3 (a SOCK_SEQPACKET socket), one per
 * message, as NUL-separated fields
 *   tag uid cpu_soft cpu_hard fsize stack as nproc cwd stdin stdout stderr
 *   watch wall_us cpu_us mem_bytes argc argv... env...
 * ("-" = not set, "u" = unlimited; uid 0 = trusted: stays root).  Each stream
 * is "r:PATH" or "w:PATH" (opened by the child as root: read, or
 * create/truncate 0600; an untrusted stdin "r:" is handed over as a copy, see
 * open_input), "n:PATH" (read, a file named by its content: no copy), "f:PATH" (a FIFO, opened after the uid switch) or
 * "d" (the next descriptor attached to the message, SCM_RIGHTS: a pipe end).
 * The child applies setsid, oom_score_adj 1000, rlimits, its streams, the uid
 * and no_new_privs, opens its FIFOs and execs.  Replies: "P<tag> <pid>" once forked (pid -1: fork failed),
 * "E<tag> <message>" if it could not start, "R<pid> <status> <utime_us>
 * <stime_us> <maxrss_kb> <uid> <fifo_mask>" once reaped (fifo_mask: which FIFO streams a
 * forked FIFO process had open, -1 for any other).  EOF on fd 3 ends the server.
 *
 * watch "1" (a test's only process): the launcher itself watches the process
 * to its end, enforcing the wall limit and the CPU and memory watchdog as the
 * runner's wait_all does (every WATCH_MS; killing its process group), and
 * answers once: "W<tag> <pid> <status> <utime_us> <stime_us> <maxrss_kb>
 * <wall_us> <killed_by|->".  Two wake-ups of the runner per process fewer,
 * which is most of what a sub-millisecond test costs beyond fork and exec.
 *
 * "B" (a batch: a run of consecutive tests of one process each, see batch()):
 * the launcher does, per test, what the runner's test() does around a watched
 * process (its box made and removed, the OOM count read before and after, its
 * captures read and removed) and answers one "T" report per test, then "Z".
 * The runner wakes once per report instead of running ~160 us of Python. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SOCK 3
#define NFIXED 16
#define WATCH_MS 10 /* the runner's WATCHDOG_INTERVAL */

static int sfd = -1; /* signalfd for SIGCHLD */
static int ns_on = 0; /* "--ns": namespaces of their own for untrusted processes */
static int child_netfd = -1, child_ipcfd = -1; /* the namespaces the next child enters */
static int child_checks_ipc = 0; /* the child looks for SysV objects itself (see ipcns_for) */
/* FIFO streams a forked child has open (see child), in a MAP_SHARED page: slot per child */
#define NMARKS 256
static struct mark { pid_t pid; int mask; } *marks;
static int mark_slot = -1;
#define MAXNS_ 16

/* An IPC namespace per uid, replaced by a new one when the test before left a
 * SysV object in it (a new one for every process cost ~0.05 ms in a quiet loop
 * and ~3 ms per test in the benchmark under load: its teardown).  POSIX message
 * queues cannot be made at all (RLIMIT_MSGQUEUE 0), so they never need looking for.
 * The check is the kernel's own counts of the calling process's namespace (SHM_INFO
 * used_ids, MSG_INFO msgpool, SEM_INFO semusz: ipc/shm.c, msg.c, sem.c), made by the
 * child once it has entered it (three system calls, no setns or /proc reading in the
 * launcher): a child that finds an object moves to a new namespace of its own
 * (unshare) and says so in ipc_seen (it shares this memory: vfork-like clone), so
 * that the uid's namespace is replaced before its next process.  A forked child (a
 * FIFO process) cannot say so: for it the launcher looks itself, in the namespace. */
static uid_t ipc_uid[MAXNS_];
static int ipc_fd[MAXNS_], ipc_bad[MAXNS_], n_ipc = 0, own_ipc = -1, ipc_slot = -1;
static volatile int ipc_seen = 0; /* set by a vfork-like child: its uid's namespace held an object */

static int ipc_objects(void) {
    struct shm_info shm;
    struct msginfo msq;
    struct seminfo sem;
    union { int val; struct semid_ds *buf; unsigned short *array; struct seminfo *__buf; } arg;
    arg.__buf = &sem;
    if (shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&shm) < 0 ||
        msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&msq) < 0 || semctl(0, 0, SEM_INFO, arg) < 0)
        return 1;  /* cannot tell: as if there were */
    return shm.used_ids != 0 || msq.msgpool != 0 || sem.semusz != 0;
}

static int ipc_dirty(int fd) {
    if (own_ipc < 0 && (own_ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC)) < 0) return 1;
    if (setns(fd, CLONE_NEWIPC) != 0) return 1;
    int dirty = ipc_objects();
    if (setns(own_ipc, CLONE_NEWIPC) != 0) _exit(1);  /* never stay in it */
    return dirty;
}

/* the uid's IPC namespace; checked here only when the child cannot (check_here) */
static int ipcns_for(uid_t uid, int check_here) {
    int slot = -1;
    for (int i = 0; i < n_ipc; i++)
        if (ipc_uid[i] == uid) slot = i;
    ipc_slot = slot;
    if (slot >= 0 && !ipc_bad[slot] && !(check_here && ipc_dirty(ipc_fd[slot])))
        return ipc_fd[slot];
    if (slot < 0 && n_ipc == MAXNS_) return -1;
    if (own_ipc < 0 && (own_ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC)) < 0) return -1;
    if (unshare(CLONE_NEWIPC) != 0) return -1;
    int fd = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
    if (setns(own_ipc, CLONE_NEWIPC) != 0) _exit(1);
    if (fd < 0) return -1;
    if (slot < 0) slot = n_ipc++;
    else close(ipc_fd[slot]);  /* the old one goes with its last reference */
    ipc_uid[slot] = uid;
    ipc_fd[slot] = fd;
    ipc_bad[slot] = 0;
    ipc_slot = slot;
    return fd;
}

/* A network namespace per uid, made once (a new one per process costs ~6-12 ms
 * of kernel work, a new IPC namespace almost nothing): its loopback is down, so
 * only Unix sockets work there, and they go with the processes of the test,
 * which are all dead before the next one starts.  Kept alive by the fd. */
static uid_t ns_uid[MAXNS_];
static int ns_fd[MAXNS_], n_ns = 0;

static int netns_for(uid_t uid) {
    for (int i = 0; i < n_ns; i++)
        if (ns_uid[i] == uid) return ns_fd[i];
    if (n_ns == MAXNS_) return -1;
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0) return -1;
    if (unshare(CLONE_NEWNET) != 0) { close(self); return -1; }
    int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (setns(self, CLONE_NEWNET) != 0) _exit(1);  /* never stay in it */
    close(self);
    if (fd < 0) return -1;
    ns_uid[n_ns] = uid;
    ns_fd[n_ns++] = fd;
    return fd;
}

static char msg[1 << 17];
static const char *tag = "";

/* errors_sent: an "E" went out since the last batch test began (the child's too: it
 * shares this memory under the vfork-like clone) */
static volatile int errors_sent = 0;

static void reply(const char *text) {
    if (text[0] == 'E') errors_sent = 1;
    (void)!send(SOCK, text, strlen(text), MSG_NOSIGNAL);
}

/* A batch's watched process: its result is kept for the test's report instead of
 * being sent as "W" (see watched_reply and batch). */
static int batch_on = 0;
static struct wres {
    int ready, status;
    long pid, utime, stime, maxrss;
    long long wall_us, cpu_limit, mem_limit;
    const char *killed;
} wres;
/* set by a vfork-like child that could not become the process (it shares this memory) */
static volatile int child_failed = 0;

static void watched_reply(long pid, int status, long utime, long stime, long maxrss,
                          long long wall_us, const char *killed) {
    if (batch_on) {
        wres.ready = 1; wres.pid = pid; wres.status = status; wres.utime = utime;
        wres.stime = stime; wres.maxrss = maxrss; wres.wall_us = wall_us; wres.killed = killed;
        return;
    }
    char buf[200];
    snprintf(buf, sizeof buf, "W%s %ld %d %ld %ld %ld %lld %s", tag, pid, status, utime, stime,
             maxrss, wall_us, killed ? killed : "-");
    reply(buf);
}

static void fail(const char *what) {
    child_failed = 1;
    char buf[700];
    snprintf(buf, sizeof buf, "E%s %s: %s", tag, what, strerror(errno));
    reply(buf);
    _exit(127);
}

static int set(const char *v) { return strcmp(v, "-") != 0; }
static long long now_us(void);
#define INLINE_MAX 60000 /* bytes of captures a batch report carries (see batch) */
#define WORK "/tmp/work" /* the runner's WORK_DIR */
static size_t out_len;
static void out_flush(void);
static void watch(pid_t pid, long long t0, char **f);
static void reap(void);

static void lim(int which, const char *soft, const char *hard) {
    struct rlimit r;
    r.rlim_cur = strcmp(soft, "u") == 0 ? RLIM_INFINITY : strtoull(soft, NULL, 10);
    r.rlim_max = strcmp(hard, "u") == 0 ? RLIM_INFINITY : strtoull(hard, NULL, 10);
    if (setrlimit(which, &r) != 0) fail("setrlimit");
}

static const char *STREAM[3] = {"open stdin", "open stdout", "open stderr"};

/* An untrusted process's input file is handed over as a copy named input.txt
 * (as CMS copies it into the box): /proc/self/fd/0 of the file itself would
 * name the test (/judge/data/KEY/tests/0-01.in).  Inputs the host's data store
 * also keeps under their content's sha256 ("n:", /judge/in/SHA) need no copy:
 * that name tells the process nothing it cannot compute from its input. */
static int open_input(const char *path, int copy) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || !copy || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return fd;
    int mem = memfd_create("input.txt", 0);
    if (mem < 0) return -1;
    for (;;) {
        ssize_t n = sendfile(mem, fd, NULL, 1 << 30);
        if (n == 0) break;
        if (n < 0 && errno != EINTR) return -1;
    }
    close(fd);
    if (lseek(mem, 0, SEEK_SET) != 0) return -1;
    return mem;
}

static void child(char **f, char **argv, char **envp, const int *fds) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sched_param sp = {0};
    (void)sched_setscheduler(0, SCHED_OTHER, &sp);  /* not the launcher's SCHED_BATCH */
    uid_t uid = (uid_t)strtoul(f[1], NULL, 10);
    if (setsid() < 0) fail("setsid");
    if (uid != 0) {  /* the submission, not the runner, is what the OOM killer picks */
        int fd = open("/proc/self/oom_score_adj", O_WRONLY);
        if (fd < 0 || write(fd, "1000", 4) != 4) fail("oom_score_adj");
        close(fd);
    }
    if (chdir(f[8]) != 0) fail("chdir");
    if (child_netfd >= 0 && setns(child_netfd, CLONE_NEWNET) != 0) fail("setns");
    if (child_ipcfd >= 0 && setns(child_ipcfd, CLONE_NEWIPC) != 0) fail("setns");
    if (child_ipcfd >= 0 && child_checks_ipc && ipc_objects()) {  /* see ipcns_for */
        ipc_seen = 1;
        if (unshare(CLONE_NEWIPC) != 0) fail("unshare(CLONE_NEWIPC)");
    }
    if (child_ipcfd >= 0) lim(RLIMIT_MSGQUEUE, "0", "0");  /* no POSIX message queues */
    lim(RLIMIT_CORE, "0", "0");
    if (set(f[2])) lim(RLIMIT_CPU, f[2], f[3]);
    if (set(f[4])) lim(RLIMIT_FSIZE, f[4], f[4]);
    if (set(f[5])) lim(RLIMIT_STACK, f[5], f[5]);
    if (set(f[6])) lim(RLIMIT_AS, f[6], f[6]);
    int io[3], passed = 0;
    for (int i = 0; i < 3; i++) {
        const char *v = f[9 + i];
        io[i] = -1;
        if (v[0] == 'd') io[i] = fds[passed++];
        else if (v[0] == 'r' && v[1] == ':') io[i] = open_input(v + 2, uid != 0 && i == 0);
        else if (v[0] == 'n' && v[1] == ':') io[i] = open(v + 2, O_RDONLY);  /* named neutrally */
        else if (v[0] == 'w' && v[1] == ':') io[i] = open(v + 2, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        else if (v[0] == 'f' && v[1] == ':') continue;  /* after the uid switch */
        if (io[i] < 0) fail(STREAM[i]);
    }
    if (uid != 0) {
        if (set(f[7])) lim(RLIMIT_NPROC, f[7], f[7]);
        if (setgroups(0, NULL) != 0) fail("setgroups");
        if (setresgid(uid, uid, uid) != 0) fail("setresgid");
        if (setresuid(uid, uid, uid) != 0) fail("setresuid");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("prctl(NO_NEW_PRIVS)");
    }
    /* FIFOs: the untrusted side opens them as itself, blocking until the other side
     * opens its end, as isolate's redirections do (so a peer may open them in any
     * order, and late).  This child is a fork of its own (see spawn): the launcher and
     * the runner go on meanwhile, and the runner's limits bound the wait.  Each open
     * stream is marked in a page shared with the launcher (no message, no wake-up),
     * which reports the marks when it reaps the process: one killed before all were
     * open never started, since its peer never opened its end (the runner names it). */
    for (int i = 0; i < 3; i++) {
        if (io[i] >= 0) continue;
        if ((io[i] = open(f[9 + i] + 2, i == 0 ? O_RDONLY : O_WRONLY)) < 0) fail("open fifo");
        if (mark_slot >= 0) __atomic_or_fetch(&marks[mark_slot].mask, 1 << i, __ATOMIC_SEQ_CST);
    }
    for (int i = 0; i < 3; i++)  /* all >= 4 (0-2 are the launcher's /dev/null) */
        if (dup2(io[i], i) < 0) fail("dup2");
    /* everything else is closed; the socket (fd 3) stays until exec, to report */
    if (syscall(SYS_close_range, 4, ~0U, 0) != 0)
        for (int fd = 4; fd < 65536; fd++) close(fd);
    execve(argv[0], argv, envp);
    fail("execve");
}

struct start_args { char **f, **argv, **envp; const int *fds; };
static char child_stack[1 << 16] __attribute__((aligned(16)));

static int start(void *arg) {
    struct start_args *a = arg;
    child(a->f, a->argv, a->envp, a->fds);
    return 127;
}

/* one request of len bytes at buf (NUL-terminated fields; buf[len] is readable) */
static void spawn(char *buf0, ssize_t len, int *fds, int nfds) {
    char *f[NFIXED + 1];
    char *p = buf0, *end = buf0 + len;
    int n = 0;
    while (n <= NFIXED && p < end) { f[n++] = p; p += strlen(p) + 1; }
    if (n <= NFIXED) { reply("Ebad request"); return; }
    tag = f[0];
    int argc = atoi(f[NFIXED]);
    char *argv[argc + 1];
    int i = 0;
    while (i < argc && p < end) { argv[i++] = p; p += strlen(p) + 1; }
    argv[i] = NULL;
    int nenv = 0;
    for (char *q = p; q < end; q += strlen(q) + 1) nenv++;
    char *envp[nenv + 1];
    for (int j = 0; j < nenv; j++) { envp[j] = p; p += strlen(p) + 1; }
    envp[nenv] = NULL;
    char buf[160];
    int watched = strcmp(f[12], "1") == 0, wanted = 0, bad = 0;
    for (int k = 9; k < 12; k++) {
        if (strcmp(f[k], "d") == 0) wanted++;
        else if (strlen(f[k]) < 3 || f[k][1] != ':' || !strchr("rwfn", f[k][0])) bad = 1;
    }
    if (i < argc || argc < 1 || wanted != nfds || bad) {
        snprintf(buf, sizeof buf, "E%s bad request", tag); reply(buf);
        if (watched) watched_reply(-1, 0, 0, 0, 0, 0, NULL);
        else { snprintf(buf, sizeof buf, "P%s -1", tag); reply(buf); }
        return;
    }
    long long t0 = now_us();
    struct start_args a = {f, argv, envp, fds};
    /* vfork-like (as glibc's posix_spawn): no page tables copied, and this
     * process sleeps until the child has exec'd or failed, so one stack will do */
    /* untrusted: its uid's IPC namespace (holding nothing of an earlier test)
     * and network namespace (no other user process of the test is there) */
    /* A process with a FIFO stream waits in open() for its peer (see child): it gets a
     * fork of its own, not the vfork-like clone, which would hold the launcher (and the
     * runner waiting for its pid, so nobody would watch the test's other processes)
     * until the peer came, if ever.  Forking this small static program costs little. */
    int fifo = 0;
    for (int k = 9; k < 12; k++) fifo |= f[k][0] == 'f';
    child_netfd = child_ipcfd = -1;
    child_checks_ipc = !fifo;
    if (ns_on && strcmp(f[1], "0") != 0) {
        uid_t u = (uid_t)strtoul(f[1], NULL, 10);
        if ((child_netfd = netns_for(u)) < 0 || (child_ipcfd = ipcns_for(u, fifo)) < 0) {
            snprintf(buf, sizeof buf, "E%s netns: %s", tag, strerror(errno)); reply(buf);
            if (watched) watched_reply(-1, 0, 0, 0, 0, 0, NULL);
            else { snprintf(buf, sizeof buf, "P%s -1", tag); reply(buf); }
            return;
        }
    }
    pid_t pid;
    ipc_seen = 0;
    mark_slot = -1;
    if (fifo) {
        for (int k = 0; k < NMARKS && mark_slot < 0; k++)
            if (marks && marks[k].pid == 0) mark_slot = k;
        if (mark_slot >= 0) { marks[mark_slot].pid = -1; marks[mark_slot].mask = 0; }
        if ((pid = fork()) == 0) child(f, argv, envp, fds);
        if (mark_slot >= 0) marks[mark_slot].pid = pid > 0 ? pid : 0;
    } else {
        pid = clone(start, child_stack + sizeof child_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
    }
    if (ipc_seen && ipc_slot >= 0) ipc_bad[ipc_slot] = 1;  /* a new one for its next process */
    if (pid < 0) {
        int err = errno;
        snprintf(buf, sizeof buf, "E%s fork: %s", tag, strerror(err));
        reply(buf);
        if (watched) watched_reply(-1, 0, 0, 0, 0, 0, NULL);
        else { snprintf(buf, sizeof buf, "P%s -1", tag); reply(buf); }
        return;
    }
    if (watched) {
        for (int k = 0; k < nfds; k++) { close(fds[k]); fds[k] = -1; } /* the child's now */
        watch(pid, t0, f);
        reap(); /* anything else that ended meanwhile (its SIGCHLD was read by watch) */
        return;
    }
    snprintf(buf, sizeof buf, "P%s %ld", tag, (long)pid);
    reply(buf);
}

static long long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

/* /proc/PID/NAME into buf (NUL-terminated); 0 if the process is gone */
static int proc_read(pid_t pid, const char *name, char *buf, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    return 1;
}

/* user+system CPU (us) and resident bytes of a live process (as the runner's
 * cpu_now and rss_now); 0 once it is gone */
static long long proc_cpu_us(pid_t pid) {
    char buf[1024], *p;
    unsigned long long ut = 0, st = 0;
    if (!proc_read(pid, "stat", buf, sizeof buf) || !(p = strrchr(buf, ')')) ||
        sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return 0;
    return (long long)(ut + st) * 1000000LL / sysconf(_SC_CLK_TCK);
}

static long long proc_rss(pid_t pid) {
    char buf[256];
    unsigned long long size = 0, res = 0;
    if (!proc_read(pid, "statm", buf, sizeof buf) || sscanf(buf, "%llu %llu", &size, &res) != 2)
        return 0;
    return (long long)res * sysconf(_SC_PAGESIZE);
}


/* The uid that owns a process: /proc/PID's owner, or (a process made
 * non-dumpable shows as root there) the real uid in its status; -1 if gone. */
static long proc_uid(const char *name) {
    char path[64], buf[2048], *p;
    struct stat st;
    snprintf(path, sizeof path, "/proc/%s", name);
    if (stat(path, &st) != 0) return -1;
    if (st.st_uid != 0) return (long)st.st_uid;
    pid_t pid = (pid_t)atol(name);
    if (!proc_read(pid, "status", buf, sizeof buf) || !(p = strstr(buf, "\nUid:"))) return -1;
    return strtol(p + 5, NULL, 10);
}

/* Every process of a submission's uid (its whole tree, wherever it moved:
 * setsid, double fork): CPU of each with its reaped children (us), resident
 * bytes of the live ones, how many live; with kill_them, SIGKILL each live one.
 * This is what isolate's cgroup accounts; zombies keep their CPU until reaped,
 * and orphans come to the launcher (a child subreaper), which reaps them only
 * after counting (tree_end). */
struct usage { long long cpu_us, rss; int live; };

static struct usage uid_usage(uid_t uid, int kill_them) {
    struct usage u = {0, 0, 0};
    DIR *d = opendir("/proc");
    struct dirent *e;
    if (!d) return u;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9' || proc_uid(e->d_name) != (long)uid) continue;
        pid_t pid = (pid_t)atol(e->d_name);
        char buf[1024], *p, state = 0;
        unsigned long long ut = 0, st = 0, cut = 0, cst = 0;
        if (!proc_read(pid, "stat", buf, sizeof buf) || !(p = strrchr(buf, ')')) ||
            sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
                   &state, &ut, &st, &cut, &cst) != 5)
            continue;
        u.cpu_us += (long long)(ut + st + cut + cst) * 1000000LL / sysconf(_SC_CLK_TCK);
        if (state != 'Z' && state != 'X') {
            u.live++;
            u.rss += proc_rss(pid);
            if (kill_them) kill(pid, SIGKILL);
        }
    }
    closedir(d);
    return u;
}

/* After the watched process of a tree (whole-uid accounting) ended: kill what
 * is left of the uid, wait until all of it is dead, count the CPU of those not
 * reaped by their own parents (zombies, now all the launcher's), reap them. */
static long long tree_end(uid_t uid, long long *peak) {
    struct usage u;
    for (int i = 0; i < 2000; i++) {  /* a SIGKILLed process is a zombie within microseconds */
        u = uid_usage(uid, 1);  /* what is left still counts: its memory right before the kill */
        if (u.rss > *peak) *peak = u.rss;
        if (u.live == 0) break;
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
    }
    u = uid_usage(uid, 0);
    DIR *d = opendir("/proc");  /* reap them here: their CPU is counted */
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && proc_uid(e->d_name) == (long)uid)
            (void)waitpid((pid_t)atol(e->d_name), NULL, WNOHANG);
    if (d) closedir(d);
    return u.cpu_us;
}

static long long opt_ll(const char *v) { return set(v) ? strtoll(v, NULL, 10) : -1; }

/* the watch loop of a "watch" request: the rules and their order are wait_all's
 * (the CPU and memory of a process are first looked at WATCH_MS after its start:
 * reading /proc costs more than a whole tiny test) */
static void watch(pid_t pid, long long t0, char **f) {
    long long wall = opt_ll(f[13]), cpu = opt_ll(f[14]), mem = opt_ll(f[15]);
    wres.cpu_limit = cpu;
    wres.mem_limit = mem;
    /* an untrusted process that may start others: limits and figures are the uid's */
    uid_t uid = (uid_t)strtoul(f[1], NULL, 10);
    int tree = uid != 0 && strcmp(f[7], "1") != 0;
    long long peak = 0;
    long long next_look = t0 + WATCH_MS * 1000LL;
    const char *killed = NULL, *why;
    int status = 0;
    struct rusage ru;
    for (;;) {
        pid_t got = wait4(pid, &status, WNOHANG, &ru);
        if (got == pid) break;
        if (got < 0 && errno != EINTR) {  /* cannot happen: only this loop reaps it */
            char err[160];
            snprintf(err, sizeof err, "E%s wait4: %s", tag, strerror(errno));
            reply(err);  /* a judge error, never an exit status made up here */
            memset(&ru, 0, sizeof ru);
            status = 0;
            break;
        }
        long long now = now_us();
        why = NULL;
        if (wall >= 0 && now - t0 >= wall) why = "wall";
        else if (now >= next_look && tree) {
            next_look = now + WATCH_MS * 1000LL;
            struct usage u = uid_usage(uid, 0);
            if (u.rss > peak) peak = u.rss;
            if (cpu >= 0 && u.cpu_us > cpu) why = "cpu";
            else if (mem >= 0 && u.rss > mem) why = "memory";
        } else if (now >= next_look) {
            next_look = now + WATCH_MS * 1000LL;
            if (cpu >= 0 && proc_cpu_us(pid) > cpu) why = "cpu";
            else if (mem >= 0 && proc_rss(pid) > mem) why = "memory";
        }
        if (why) {
            if (!killed) killed = why;
            kill(-pid, SIGKILL);
        }
        long long until = now + 1000000LL;  /* wake at least every second */
        if (wall >= 0 && !killed && t0 + wall < until) until = t0 + wall;
        if ((cpu >= 0 || mem >= 0) && next_look < until) until = next_look;
        if (killed && now + WATCH_MS * 1000LL < until) until = now + WATCH_MS * 1000LL;
        if (batch_on && out_len) {  /* a batch's pending reports go out 2 ms into a test */
            if (now - t0 >= 2000) out_flush();
            else if (t0 + 2000 < until) until = t0 + 2000;
        }
        long long left = until - now;
        int timeout = left <= 0 ? 0 : (int)(left / 1000 + (left % 1000 != 0));
        struct pollfd pf = {sfd, POLLIN, 0};
        if (poll(&pf, 1, timeout) > 0) {  /* SIGCHLD */
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) > 0) {}
        }
    }
    long long wall_us = now_us() - t0;
    if (tree) {  /* the rest of the tree: its CPU is the submission's (added as user time) */
        ru.ru_utime.tv_usec += tree_end(uid, &peak);
        ru.ru_utime.tv_sec += ru.ru_utime.tv_usec / 1000000;
        ru.ru_utime.tv_usec %= 1000000;
        if (peak / 1024 > ru.ru_maxrss) ru.ru_maxrss = peak / 1024;
    }
    watched_reply((long)pid, status, (long)ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec,
                  (long)ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec, ru.ru_maxrss,
                  wall_us, killed);
}

static void reap(void) {
    int status;
    struct rusage ru;
    pid_t pid;
    siginfo_t si;
    /* peek first: the uid of an orphan (a submission's process whose parent
     * died) is only known before it is reaped; the runner adds its CPU to its uid's */
    for (;;) {
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0) break;
        char name[24];
        snprintf(name, sizeof name, "%ld", (long)si.si_pid);
        long uid = proc_uid(name);
        if ((pid = wait4(si.si_pid, &status, WNOHANG, &ru)) <= 0) break;
        int mask = -1;  /* its FIFO streams open (a forked FIFO process), -1: not one */
        for (int k = 0; marks && k < NMARKS; k++)
            if (marks[k].pid == pid) { mask = marks[k].mask; marks[k].pid = 0; }
        char buf[160];
        snprintf(buf, sizeof buf, "R%ld %d %ld %ld %ld %ld %d", (long)pid, status,
                 (long)ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec,
                 (long)ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec, ru.ru_maxrss, uid,
                 mask);
        reply(buf);
    }
}

/* ---- batches ("B"): consecutive tests of one untrusted process each --------
 * Request fields: "B" stop_mode oom_path oom_key ntests, then per test
 *   box ok_cpu_us RUN CHECK
 * where RUN and CHECK are each "ret0 ret1 ret2 nfields <nfields fields>", the
 * fields a watched spawn request (CHECK: nfields 0, no checker).  box: the test's
 * box (made here 0700 for the request's uid, removed after it); retI: "-"
 * (stream I is no capture), else its capture is read back: the file's size and
 * its first retI bytes (0: the size only).  ok_cpu_us: the most CPU the runner's
 * describe() calls within the limit ("-": none), so that "OK" is decided here
 * exactly as there: exit 0, no signal, no kill, CPU and memory within the limits.
 * The checker (trusted: root, no namespace) runs after an OK process, as in the
 * runner's test(); then its process group is killed, and the work dir (where it
 * may write) and /dev/shm are emptied as clean_after_test does.  Without a
 * checker the captures are simply removed.
 * stop_mode 1 (the job stops at a failure): the batch ends after any test not OK
 * (a superset of what the runner's stop_after calls a failure, so no test runs
 * here that the runner's own loop would not run; the runner goes on with a new
 * batch when its rule says so).  The batch also ends, before a test, when its box
 * cannot be made ("X<index>": not run), and after a test whose process or checker
 * could not start (an "E" was sent), whose box was left not empty (the runner
 * wipes it), whose capture is too large to send (the runner reads the file; a
 * checker due then is left to the runner too), or whose checker left what only
 * the runner removes (a directory in the work dir, files in /dev/shm).
 * Report per test: "T<index> pid status utime_us stime_us maxrss_kb wall_us
 * killed|- oom_delta flags" + " I size n" per capture (n bytes follow the
 * newline, in stream order; n = -1: not sent, read the file), then "\n" and the
 * bytes; then, if the checker ran, the same for it as "C<index> ..." (oom_delta
 * 0).  flags: 1 an error, 2 box not empty, 4 a capture not sent, 8 the work dir
 * is the runner's to sweep, 16 the checker is the runner's to run.  Reports are
 * sent several to a message (at most OUT_MAX bytes; pending ones go out once a
 * test has run FLUSH_US, or 2 ms into a test), so that the runner wakes once for
 * several tests.  Then "Z<tests run>".  A message from the runner during a batch
 * ends it (before the next test); a runner that hung up ends the launcher. */
#define OUT_MAX 120000 /* < the runner's REPORT_MAX */
#define FLUSH_US 20000 /* the runner's records reach the host every FLUSH_EVERY (50 ms) */
static char report_buf[2 * INLINE_MAX + 2048];
static char out_buf[OUT_MAX];
static size_t out_len = 0;
static int oom_fd = -2;
static char oom_key[64];

static void out_flush(void) {
    if (out_len && send(SOCK, out_buf, out_len, MSG_NOSIGNAL) < 0) _exit(0);  /* runner gone */
    out_len = 0;
}

static long long oom_count(void) {  /* the runner's oom_kills() */
    char buf[4096];
    if (oom_fd < 0) return 0;
    ssize_t n = pread(oom_fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return 0;
    buf[n] = 0;
    size_t kl = strlen(oom_key);
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (kl && strncmp(l, oom_key, kl) == 0 && l[kl] == ' ')
            return strtoll(l + kl + 1, NULL, 10);
    return 0;
}

static char *next_field(char **p, char *end) {
    if (*p >= end) return NULL;
    char *v = *p;
    *p += strlen(v) + 1;
    return v;
}

/* one spawn request of a batch item: its capture rules, then its fields */
struct req { char *ret[3], *sub, *f[NFIXED + 1]; ssize_t len; int nf; };

static int parse_req(struct req *r, char **p, char *end) {
    for (int i = 0; i < 3; i++)
        if (!(r->ret[i] = next_field(p, end))) return 0;
    char *nf_s = next_field(p, end);
    if (!nf_s) return 0;
    r->nf = atoi(nf_s);
    r->sub = *p;
    for (int k = 0; k < r->nf; k++) {
        char *v = next_field(p, end);
        if (!v) return 0;
        if (k <= NFIXED) r->f[k] = v;
    }
    r->len = *p - r->sub;
    return r->nf == 0 || r->nf > NFIXED;
}

/* Read back the captures of a finished request: " I size n" each into caps, the
 * bytes at data (room left: *room); flags |= 4 for one too large to send. */
static int read_captures(struct req *r, char *caps, size_t caps_size, char *data, size_t *used,
                         size_t *room) {
    int flags = 0, cl = 0;
    caps[0] = 0;
    for (int i = 0; i < 3; i++) {
        if (strcmp(r->ret[i], "-") == 0) continue;
        const char *path = r->f[9 + i] + 2;  /* "w:PATH" */
        long long limit = strtoll(r->ret[i], NULL, 10), size = 0, got = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0) size = st.st_size;
        long long want = limit < size ? limit : size;
        if (fd >= 0 && want > (long long)*room) {
            got = -1;  /* the runner reads it */
            flags |= 4;
        } else if (fd >= 0) {
            while (got < want) {
                ssize_t n = read(fd, data + *used + got, want - got);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                got += n;
            }
            *used += got;
            *room -= got;
        }
        if (fd >= 0) close(fd);
        cl += snprintf(caps + cl, caps_size - cl, " %d %lld %lld", i, size, got);
    }
    return flags;
}

/* what clean_after_test does after a checker: the work dir and /dev/shm emptied;
 * 8 if something is there that only the runner removes (a directory) */
static int sweep_work(const char *work) {
    int flags = 0;
    DIR *d = opendir(work);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (unlinkat(dirfd(d), e->d_name, 0) != 0 && errno != ENOENT) flags = 8;
    }
    if (d) closedir(d);
    if ((d = opendir("/dev/shm"))) {
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) flags = 8;
        closedir(d);
    }
    return flags;
}

static void batch(char *buf, ssize_t len) {
    char *p = buf, *end = buf + len, *h[5], out[64];
    for (int k = 0; k < 5; k++)
        if (!(h[k] = next_field(&p, end))) { reply("Ebad batch"); reply("Z0"); return; }
    int stop_mode = atoi(h[1]), n = atoi(h[4]), done = 0;
    if (oom_fd == -2) {
        oom_fd = h[2][0] ? open(h[2], O_RDONLY | O_CLOEXEC) : -1;
        snprintf(oom_key, sizeof oom_key, "%s", h[3]);
    }
    batch_on = 1;
    /* OOM kills so far: the count after a test is the count before the next (nothing
     * runs between them), one read per test instead of the runner's two */
    long long oom0 = oom_count(), last_flush = now_us();
    static char bytes[2 * INLINE_MAX];
    for (int t = 0; t < n; t++) {
        struct req run, chk;
        char *box = next_field(&p, end), *ok_cpu_s = next_field(&p, end);
        if (!box || !ok_cpu_s || !parse_req(&run, &p, end) || run.nf == 0 ||
            !parse_req(&chk, &p, end)) { reply("Ebad batch"); break; }
        if (t > 0) {  /* the runner hung up (then nobody is there to report to) or says stop */
            struct pollfd pf = {SOCK, POLLIN, 0};
            if (poll(&pf, 1, 0) > 0) {
                if (pf.revents & (POLLHUP | POLLERR)) _exit(0);
                break;
            }
        }
        uid_t uid = (uid_t)strtoul(run.f[1], NULL, 10);
        if (mkdir(box, 0700) != 0 || chown(box, uid, uid) != 0) {  /* the runner makes it */
            if (errno != EEXIST) rmdir(box);
            snprintf(out, sizeof out, "X%d", t);
            reply(out);
            break;
        }
        errors_sent = child_failed = 0;
        memset(&wres, 0, sizeof wres);
        spawn(run.sub, run.len, NULL, 0);
        tag = "";
        long long oom1 = oom_count();
        long long oom_delta = oom1 - oom0;
        oom0 = oom1;
        int flags = errors_sent || child_failed || !wres.ready || wres.pid <= 0 ? 1 : 0;
        if (!wres.ready) wres.pid = -1;
        long long ok_cpu = opt_ll(ok_cpu_s);
        int ok = !flags && WIFEXITED(wres.status) && WEXITSTATUS(wres.status) == 0 &&
                 !wres.killed && (wres.mem_limit < 0 || wres.maxrss * 1024LL <= wres.mem_limit) &&
                 (ok_cpu < 0 || wres.utime + wres.stime <= ok_cpu);
        char caps[160], ccaps[160];
        size_t used = 0, room = INLINE_MAX;
        flags |= read_captures(&run, caps, sizeof caps, bytes, &used, &room);
        size_t user_bytes = used;
        int hl = snprintf(report_buf, 512, "T%d %ld %d %ld %ld %ld %lld %s %lld", t, wres.pid,
                          wres.status, wres.utime, wres.stime, wres.maxrss, wres.wall_us,
                          wres.killed ? wres.killed : "-", oom_delta);
        struct wres user = wres;
        int checked = 0, cflags = 0;
        if (chk.nf && ok && (flags & 4)) flags |= 16 | 8;  /* the runner reads, then checks */
        else if (chk.nf && ok) {
            checked = 1;
            errors_sent = child_failed = 0;
            memset(&wres, 0, sizeof wres);
            spawn(chk.sub, chk.len, NULL, 0);
            tag = "";
            if (wres.ready && wres.pid > 0) kill(-(pid_t)wres.pid, SIGKILL);  /* wait_watched's */
            oom0 = oom_count();  /* the next test's count starts after the checker */
            cflags = errors_sent || child_failed || !wres.ready || wres.pid <= 0 ? 1 : 0;
            if (!wres.ready) wres.pid = -1;
            room = INLINE_MAX;
            cflags |= read_captures(&chk, ccaps, sizeof ccaps, bytes, &used, &room);
            flags |= cflags & 1;
            if (cflags & 4) flags |= 4 | 8;  /* the runner reads the checker's files, sweeps */
        }
        if (!(flags & 4)) {
            if (checked) flags |= sweep_work(WORK);
            else
                for (int i = 0; i < 3; i++)
                    if (strcmp(run.ret[i], "-") != 0) unlink(run.f[9 + i] + 2);
        }
        if (rmdir(box) != 0 && errno != ENOENT) flags |= 2;
        hl += snprintf(report_buf + hl, 512 - hl, " %d%s\n", flags, caps);
        memcpy(report_buf + hl, bytes, user_bytes);
        hl += user_bytes;
        if (checked) {
            int cl = snprintf(report_buf + hl, 512, "C%d %ld %d %ld %ld %ld %lld %s 0 %d%s\n", t,
                              wres.pid, wres.status, wres.utime, wres.stime, wres.maxrss,
                              wres.wall_us, wres.killed ? wres.killed : "-", cflags, ccaps);
            memcpy(report_buf + hl + cl, bytes + user_bytes, used - user_bytes);
            hl += cl + (used - user_bytes);
        }
        wres = user;
        if (out_len + hl > OUT_MAX) out_flush();
        memcpy(out_buf + out_len, report_buf, hl);
        out_len += hl;
        long long now = now_us();
        if (now - last_flush >= FLUSH_US) { out_flush(); last_flush = now; }
        done++;
        if (flags || (stop_mode && !ok)) break;
    }
    batch_on = 0;
    out_flush();
    snprintf(out, sizeof out, "Z%d", done);
    reply(out);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--ns") == 0) ns_on = 1;
    /* orphans of a submission come here, not to the container's init, which
     * would reap them (and their CPU time) unseen */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return 1;
    marks = mmap(NULL, NMARKS * sizeof *marks, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 -1, 0);
    if (marks == MAP_FAILED) marks = NULL;  /* then no FIFO process is known as never started */
    /* SCHED_BATCH: a request does not preempt the runner that sent it (it goes
     * on to wait for the answer first), which saves it a wake-up per process;
     * the processes started run SCHED_OTHER as anywhere else */
    struct sched_param sp = {0};
    (void)sched_setscheduler(0, SCHED_BATCH, &sp);
    /* never inherited by a test's process: it could ask for root processes */
    if (fcntl(SOCK, F_SETFD, FD_CLOEXEC) != 0) return 1;
    /* the runner (CPython) ignores SIGPIPE/SIGXFSZ; ignored signals survive exec */
    for (int s = 1; s < 65; s++) signal(s, SIG_DFL);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_SETMASK, &chld, NULL);
    sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) return 1;
    struct pollfd pf[2] = {{SOCK, POLLIN, 0}, {sfd, POLLIN, 0}};
    for (;;) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (pf[1].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) > 0) {}
            reap();
        }
        if (pf[0].revents) {
            union { struct cmsghdr h; char buf[CMSG_SPACE(3 * sizeof(int))]; } c;
            struct iovec iov = {msg, sizeof msg - 1};
            struct msghdr mh = {0};
            mh.msg_iov = &iov;
            mh.msg_iovlen = 1;
            mh.msg_control = c.buf;
            mh.msg_controllen = sizeof c.buf;
            ssize_t len = recvmsg(SOCK, &mh, MSG_CMSG_CLOEXEC);
            if (len < 0 && errno == EINTR) continue;
            if (len <= 0) return 0;  /* the runner is gone */
            int fds[3] = {-1, -1, -1}, nfds = 0;
            struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
            if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                nfds = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                if (nfds > 3) nfds = 3;
                memcpy(fds, CMSG_DATA(cm), nfds * sizeof(int));
            }
            msg[len] = 0;
            if (len == 1 && msg[0] == '?') reply(".");  /* ping: R lines so far were sent */
            else if (len == 1 && msg[0] == 's') {}  /* a batch's stop that came after its end */
            else if (len > 2 && msg[0] == 'B' && msg[1] == 0 && nfds == 0) batch(msg, len);
            else spawn(msg, len, fds, nfds);
            for (int i = 0; i < nfds; i++)
                if (fds[i] >= 0) close(fds[i]);
            tag = "";
        }
    }
}
"""


CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
NS_FLAGS = CLONE_NEWIPC | CLONE_NEWNET


class _Namespaces:
    """Whether each untrusted process gets an IPC and a network namespace of its own.

    SysV shared memory, message queues and semaphores live in the IPC
    namespace: each uid has its own, replaced by a new one before a process
    starts in it if the test before left an object there (a new one per
    process cost ~3 ms per test under load: its teardown), so nothing of one
    test survives into the next; POSIX message queues (also there, but not
    listed anywhere) cannot be made at all (RLIMIT_MSGQUEUE 0).  Abstract Unix sockets and 127.0.0.1 live in the network one:
    each uid (each user process of a Communication task) has its own, made once
    (a new one per process costs 6-12 ms of kernel work; its loopback is down,
    so only Unix sockets exist there, and they die with the test's processes).
    So the processes of a Communication task cannot talk to each other except
    through the judge, as in isolate, where each box has its own.  It needs
    CAP_SYS_ADMIN (the container has it; the untrusted process does not).
    """

    on = False
    probed = False
    net: dict = {}  # uid -> fd of its network namespace (see netns_for)
    ipc: dict = {}  # uid -> fd of its IPC namespace (see ipcns_for)


NAMESPACES = _Namespaces()


def netns_for(uid: int) -> int:
    """The launcher's netns_for: one network namespace per uid, kept by an open fd."""
    fd = NAMESPACES.net.get(uid)
    if fd is None:
        me = os.open("/proc/self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            if _libc.unshare(CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
            fd = os.open("/proc/self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            if _libc.setns(me, CLONE_NEWNET) != 0:  # never stay in it
                os._exit(1)
        finally:
            os.close(me)
        NAMESPACES.net[uid] = fd
    return fd


def ipc_objects() -> bool:
    """The launcher's ipc_objects: whether this process's IPC namespace holds a SysV object.

    The kernel's counts (SHM_INFO used_ids, MSG_INFO msgpool, SEM_INFO semusz),
    each the int at the given index of the struct it fills.
    """
    for call, index in ((lambda b: _libc.shmctl(0, 14, b), 0),
                        (lambda b: _libc.msgctl(0, 12, b), 0),
                        (lambda b: _libc.semctl(0, 0, 19, b), 7)):
        buf = ctypes.create_string_buffer(256)
        if call(buf) < 0 or int.from_bytes(buf.raw[4 * index:4 * index + 4], sys.byteorder):
            return True
    return False


def ipc_dirty(fd: int) -> bool:
    """The launcher's ipc_dirty: whether the namespace holds a SysV object."""
    me = os.open("/proc/self/ns/ipc", os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(fd, CLONE_NEWIPC) != 0:
            return True
        try:
            return ipc_objects()
        finally:
            if _libc.setns(me, CLONE_NEWIPC) != 0:  # never stay in it
                os._exit(1)
    finally:
        os.close(me)


def ipcns_for(uid: int) -> int:
    """The launcher's ipcns_for: the uid's IPC namespace, a new one if the last was used."""
    fd = NAMESPACES.ipc.get(uid)
    if fd is not None and not ipc_dirty(fd):
        return fd
    me = os.open("/proc/self/ns/ipc", os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.unshare(CLONE_NEWIPC) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWIPC)")
        new = os.open("/proc/self/ns/ipc", os.O_RDONLY | os.O_CLOEXEC)
        if _libc.setns(me, CLONE_NEWIPC) != 0:
            os._exit(1)
    finally:
        os.close(me)
    if fd is not None:
        os.close(fd)
    NAMESPACES.ipc[uid] = new
    return new


def probe_namespaces() -> bool:
    """Whether a child can get new IPC and network namespaces here (once per runner)."""
    if not NAMESPACES.probed:
        NAMESPACES.probed = True
        pid = os.fork()
        if pid == 0:
            os._exit(0 if _libc.unshare(NS_FLAGS) == 0 else 1)
        _, status = os.waitpid(pid, 0)
        NAMESPACES.on = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return NAMESPACES.on


class _Launcher:
    path = ""  # empty: fork the runner instead
    tried = False  # build_launcher was called (once per runner)
    sock = None  # socket.socket to the running launcher
    pid = -1
    dead = False
    serial = 0
    started: dict = {}  # tag -> pid
    errors: dict = {}  # tag -> [message]
    reaped: dict = {}  # pid -> (status, utime_us, stime_us, maxrss_kb)
    watched: dict = {}  # tag -> (pid, status, utime_us, stime_us, maxrss_kb, wall_us, killed_by)
    poller = None  # select.poll() on sock
    orphan_cpu: dict = {}  # uid -> CPU us of its processes the launcher reaped (whole-tree)
    own: set = set()  # pids of the processes the runner asked for (not orphans)
    fifo_masks: dict = {}  # pid -> bits of the FIFO streams it had open when reaped
    pong = False
    reports: list = []  # a batch's answers in order: ("T", index, fields, data) or ("X", index)
    batch_end = -1  # tests a batch ran ("Z"), -1 while it runs


LAUNCHER = _Launcher()


def start_launcher() -> None:
    """Start the fork server for this job (it ends when the runner's end closes)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    null = os.open("/dev/null", os.O_RDWR)
    try:
        LAUNCHER.pid = os.posix_spawn(
            LAUNCHER.path, [LAUNCHER.path] + (["--ns"] if NAMESPACES.on else []), {},
            file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                          (os.POSIX_SPAWN_DUP2, null, 2),
                          (os.POSIX_SPAWN_DUP2, theirs.fileno(), 3)])
    finally:
        os.close(null)
        theirs.close()
    LAUNCHER.sock = ours
    LAUNCHER.poller = select.poll()
    LAUNCHER.poller.register(ours.fileno(), select.POLLIN)


def stop_launcher() -> None:
    """Close the launcher's socket (it exits) and forget it."""
    if LAUNCHER.sock is not None:
        LAUNCHER.sock.close()
        LAUNCHER.sock = None
        LAUNCHER.poller = None
    if LAUNCHER.pid > 0:
        try:
            os.waitpid(LAUNCHER.pid, 0)
        except ChildProcessError:
            pass
        LAUNCHER.pid = -1
    LAUNCHER.dead = False


def launcher_pump(block: bool = False) -> None:
    """Read the launcher's replies (at least one when ``block``)."""
    sock = LAUNCHER.sock
    while sock is not None and not LAUNCHER.dead:
        try:
            data = sock.recv(REPORT_MAX, 0 if block else socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        block = False
        if not data:
            LAUNCHER.dead = True
            return
        kind = data[:1]
        if kind == b"T":  # batch tests' reports, one after another (see batch())
            at = 0
            while at < len(data):
                nl = data.index(b"\n", at)
                fields = data[at + 1:nl].split()
                kind = "T" if data[at] == 84 else "C"  # a test's process, or its checker
                start, at = nl + 1, nl + 1 + sum(max(int(n), 0) for n in fields[12::3])
                LAUNCHER.reports.append((kind, int(fields[0]), fields, data[start:at]))
            continue
        rest = data[1:].decode(errors="replace")
        if kind == b"P":
            tag, pid = rest.split(" ", 1)
            LAUNCHER.started[tag] = int(pid)
        elif kind == b"E":
            tag, _, message = rest.partition(" ")
            LAUNCHER.errors.setdefault(tag, []).append(message)
        elif kind == b"R":
            pid, status, utime, stime, maxrss, uid, mask = (int(x) for x in rest.split())
            LAUNCHER.reaped[pid] = (status, utime, stime, maxrss)
            if mask >= 0:
                LAUNCHER.fifo_masks[pid] = mask
            if pid not in LAUNCHER.own and uid > 0:
                # an orphan of a submission, reaped by the launcher: its CPU is its uid's
                LAUNCHER.orphan_cpu[uid] = LAUNCHER.orphan_cpu.get(uid, 0) + utime + stime
        elif kind == b".":
            LAUNCHER.pong = True
        elif kind == b"X":
            LAUNCHER.reports.append(("X", int(rest), None, b""))
        elif kind == b"Z":
            LAUNCHER.batch_end = int(rest)
        elif kind == b"W":
            tag, *numbers, killed = rest.split()
            LAUNCHER.watched[tag] = (*(int(x) for x in numbers),
                                     None if killed == "-" else killed)


def build_launcher() -> str:
    """Compile the launcher into the trusted dir once per container; '' if impossible."""
    import hashlib
    import subprocess

    key = hashlib.sha256(LAUNCHER_C.encode()).hexdigest()[:16]
    path = os.path.join(TRUSTED_DIR, "launcher-" + key)
    if os.path.isfile(path):
        return path
    src = os.path.join(TRUSTED_DIR, "launcher-%s-%d.c" % (key, os.getpid()))
    tmp = src[:-2]
    with open(src, "w") as f:
        f.write(LAUNCHER_C)
    try:
        for static in (["-static"], []):  # static: a smaller image to fork from
            try:
                done = subprocess.run(["gcc", "-O2", *static, "-o", tmp, src],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, timeout=300, check=False)
            except (OSError, subprocess.SubprocessError):
                return ""
            if done.returncode == 0:
                os.chmod(tmp, 0o700)
                os.rename(tmp, path)
                return path
        return ""
    finally:
        for leftover in (src, tmp):
            try:
                os.unlink(leftover)
            except OSError:
                pass


# --------------------------------------------------------------------------
# Process spawning


class Proc:
    def __init__(self, spec: dict, job: dict):
        self.spec = spec
        self.name = spec["name"]
        self.trusted = bool(spec.get("trusted", False))
        self.slot = int(spec.get("slot", 0))
        self.uid = 0 if self.trusted else job["box_uids"][self.slot]
        limits = spec.get("limits", {})
        self.cpu_limit = limits.get("cpu")
        self.wall_limit = limits.get("wall")
        self.idle_limit = limits.get("idle")  # see Limits.idle (evalkit/sandbox/job.py)
        self.mem_limit = limits.get("memory")
        self.fsize = limits.get("output")
        self.nproc = limits.get("processes")
        self.stack = limits.get("stack")
        self.address_space = limits.get("address_space")
        self.pid = -1  # the process itself (killed, watched): -1 until known
        self.launched = False  # started by the launcher, which reaps it
        self.tag = ""  # the launcher's name for the request
        self.pidfd = -1  # forked by the runner: a pidfd to wait on
        self.start = 0.0
        self.end = 0.0
        self.status = None
        self.cpu_time = 0.0  # user + system seconds, reaped descendants included
        self.max_rss_kb = 0
        self.killed_by: str | None = None
        self.exit_order = -1  # 0 for the first process of the test reaped, 1 for the next...
        self.exec_error: str | None = None
        self.captures: dict[str, str] = {}
        self.captured: dict[str, tuple] = {}  # which -> (size, text) sent by the launcher
        self.fifo_streams: dict[int, str] = {}  # stream index -> FIFO path it opens
        # An untrusted process that may start others: CPU and memory are its uid's
        # (every process of it, as isolate's cgroup), not only its own.
        self.tree = not self.trusted and (self.nproc is None or int(self.nproc) != 1)
        self.peak_rss = 0  # bytes: the largest sum over the tree seen by the watchdog
        # A trusted Python module argv runs ([python3, -I, module, args...]) that a
        # zygote may fork warm instead (see ZYGOTE); the zygote that did, if one did.
        self.zygote = spec.get("zygote")
        self.warm = None

    def cwd(self) -> str:
        return self.spec.get("cwd") or (WORK_DIR if self.trusted else box_dir(self.slot))

    def finished(self) -> bool:
        """Whether the launcher has reaped this (launched) process, or it never started."""
        return self.pid < 0 or self.pid in LAUNCHER.reaped or LAUNCHER.dead

    def busy_ns(self) -> int:
        """Nanoseconds on a CPU plus waiting for one (/proc/<pid>/schedstat); -1 if unknown."""
        if self.pid < 0:
            return -1
        try:
            with open("/proc/%d/schedstat" % self.pid) as f:
                run, wait = f.read().split()[:2]
            return int(run) + int(wait)
        except (OSError, IndexError, ValueError):
            return -1

    def rss_now(self) -> int:
        """Resident bytes of the process (its tree) right now (0 once it is gone)."""
        if self.tree:
            rss = uid_usage(self.uid)[1]
            self.peak_rss = max(self.peak_rss, rss)
            return rss
        if self.pid < 0:
            return 0
        try:
            with open("/proc/%d/statm" % self.pid) as f:
                return int(f.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            return 0

    def cpu_now(self) -> float:
        if self.tree:
            return uid_usage(self.uid)[0] + LAUNCHER.orphan_cpu.get(self.uid, 0) / 1e6
        if self.pid < 0:
            return 0.0
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            return 0.0


def proc_uid(name: str) -> int:
    """The launcher's proc_uid: /proc/PID's owner, or the real uid of a non-dumpable one."""
    try:
        uid = os.stat("/proc/" + name).st_uid
        if uid != 0:
            return uid
        with open("/proc/%s/status" % name) as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def own_pids() -> set:
    """Pids of root processes that are the judge's own: init, this runner, its launcher
    and zygotes (alive, or zombies not yet reaped: their pids cannot be reused)."""
    pids = {"1", str(os.getpid())}
    if LAUNCHER.pid > 0:
        pids.add(str(LAUNCHER.pid))
    pids.update(str(z.pid) for z in ZYGOTES.servers.values())
    return pids


def uid_usage(uid: int, kill: bool = False) -> tuple:
    """The launcher's uid_usage: (CPU seconds, resident bytes, live processes) of ``uid``."""
    cpu_ticks = rss = live = 0
    skip = own_pids()  # each would cost a read of its status (root-owned, see proc_uid)
    for name in os.listdir("/proc"):
        if not name.isdigit() or name in skip or proc_uid(name) != uid:
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu_ticks += sum(int(x) for x in fields[11:15])
            if fields[0] not in ("Z", "X"):
                live += 1
                with open("/proc/%s/statm" % name) as f:
                    rss += int(f.read().split()[1]) * PAGE_SIZE
                if kill:
                    os.kill(int(name), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            continue
    return cpu_ticks / CLK_TCK, rss, live


def tree_end(p) -> None:
    """After ``p`` (a tree) ended: kill the rest of its uid, and count it (see LAUNCHER_C)."""
    for _ in range(2000):
        _cpu, rss, live = uid_usage(p.uid, kill=True)  # memory right before the kill counts
        p.peak_rss = max(p.peak_rss, rss)
        if live == 0:
            break
        time.sleep(0.0005)
    if p.launched:
        # The launcher reaps them: wait until it has (no process of the uid is
        # left), then ping it, so that every R line (with its CPU) has arrived.
        for _ in range(2000):
            if not any(n.isdigit() and proc_uid(n) == p.uid for n in os.listdir("/proc")):
                break
            launcher_pump()
            time.sleep(0.0005)
        launcher_ping()
        extra = LAUNCHER.orphan_cpu.pop(p.uid, 0) / 1e6
    else:
        # Forked by the runner (a child subreaper): the zombies are its own, counted then reaped.
        extra = uid_usage(p.uid)[0]
        reap_zombies()
    p.cpu_time += extra
    p.max_rss_kb = max(p.max_rss_kb, p.peak_rss // 1024)


FORKED: set = set()  # pids the runner forked for a test and has not reaped yet


def reap_zombies() -> None:
    """Reap the runner's zombie children (orphans it adopted as subreaper), not the launcher."""
    try:
        kids = open("/proc/self/task/%d/children" % os.getpid()).read().split()
    except OSError:
        kids = []
    for kid in kids:
        pid = int(kid)
        if pid == LAUNCHER.pid or pid in FORKED:  # a test's own process: reap() waits for it
            continue
        # A zygote's pid is skipped by the /proc scans (own_pids): only Zygote.stop,
        # which also forgets it, may reap it, or an untrusted process could reuse it.
        if any(z.pid == pid for z in ZYGOTES.servers.values()):
            continue
        try:
            with open("/proc/%d/stat" % pid) as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
            if zombie:
                os.waitpid(pid, os.WNOHANG)
        except (OSError, ChildProcessError):
            pass


def launcher_ping() -> None:
    """Wait until the launcher has answered everything before (see '?' in LAUNCHER_C)."""
    if LAUNCHER.sock is None or LAUNCHER.dead:
        return
    LAUNCHER.pong = False
    LAUNCHER.sock.send(b"?")
    while not LAUNCHER.pong and not LAUNCHER.dead:
        launcher_pump(block=True)


def substitute(arg: str, ctx: dict) -> str:
    if "{" not in arg:
        return arg
    out = arg
    for key, value in ctx.items():
        out = out.replace("{" + key + "}", value)
    return out


def spawn(proc: Proc, ctx: dict, pipes: dict, env_base: dict, watch: bool = False) -> None:
    """Start ``proc``: forked by its zygote if it names one (a warm Python, see
    ZYGOTE below), else through the launcher when it was built, else by forking
    the runner.

    ``watch``: the launcher watches it to its end itself (see run_alone).
    """
    spec = proc.spec
    argv = [substitute(a, ctx) for a in spec["argv"]]
    env = dict(env_base)
    env["HOME"] = proc.cwd()
    env["TMPDIR"] = proc.cwd()
    env.update(spec.get("env", {}))
    streams = [stream_field(spec.get(key), mode, proc, pipes, key, ctx)
               for mode, key in (("r", "stdin"), ("w", "stdout"), ("w", "stderr"))]
    proc.fifo_streams = {i: field[2:] for i, (field, _) in enumerate(streams)
                         if field.startswith("f:")}
    if wants_zygote(proc):
        z = zygote_for(substitute(proc.zygote, ctx))
        if z is not None:
            spawn_warm(z, proc, argv, env, streams)
            return
    if LAUNCHER.sock is not None:
        spawn_launched(proc, argv, env, [field for field, _ in streams],
                       [fd for _, fd in streams if fd is not None], watch)
        return
    # Forking the runner: the same streams, opened here (a FIFO by the child,
    # after its uid switch: opening it here would block).
    fds, fifo_paths = open_streams(proc, streams)
    netns = netns_for(proc.uid) if NAMESPACES.on and not proc.trusted else -1
    ipcns = ipcns_for(proc.uid) if NAMESPACES.on and not proc.trusted else -1
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    proc.start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(err_r)
            # CPython ignores SIGPIPE and SIGXFSZ; ignored signals survive exec,
            # and a submission must die on them as it would anywhere else.
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):
                signal.signal(sig, signal.SIG_DFL)
            enter_box(proc, fds, fifo_paths, NAMESPACES.on, ipcns, netns, err_w)
            os.execve(argv[0], argv, env)
        except BaseException as e:  # noqa: BLE001 - report anything to the parent
            try:
                os.write(err_w, ("%s: %s" % (type(e).__name__, e)).encode()[:1000])
            finally:
                os._exit(127)
    os.close(err_w)
    for fd in fds:
        if fd >= 0:
            os.close(fd)
    proc.pid = pid
    FORKED.add(pid)
    proc.pidfd = os.pidfd_open(pid)
    proc._err_r = err_r  # type: ignore[attr-defined]


def open_streams(proc: Proc, streams: list) -> tuple:
    """The fork path's descriptors for stdin/stdout/stderr (-1: a FIFO the child opens)."""
    fds: list = []
    fifo_paths: list = []
    for i, (field, fd) in enumerate(streams):
        kind, path = field[0], field[2:]
        fifo_paths.append(path if kind == "f" else None)
        if fd is None and kind == "r":
            fd = open_input(path, i == 0 and not proc.trusted)
        elif fd is None and kind == "n":
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        elif fd is None:
            fd = -1 if kind == "f" else os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        fds.append(fd)
    return fds, fifo_paths


def enter_box(proc: Proc, fds: list, fifo_paths: list, ns: bool, ipcns: int, netns: int,
              keep: int) -> None:
    """In a child forked for ``proc`` (by the runner, or by a zygote): become it.

    setsid, oom_score_adj, the cwd, the rlimits, (``ns``) the uid's IPC and
    network namespaces, the uid itself and no_new_privs (the order and the rules
    of the launcher's child()), then its streams on 0-2; every other descriptor
    but ``keep`` (the error pipe, close-on-exec) is closed.
    """
    os.setsid()
    if not proc.trusted:
        # Raise our own OOM score before dropping privileges (after the
        # uid switch /proc/self is no longer ours to write): the
        # submission, not the runner, is what the OOM killer picks.
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    os.chdir(proc.cwd())
    set_limits(proc)
    if not proc.trusted and ns:
        if _libc.setns(ipcns, CLONE_NEWIPC) != 0:
            raise OSError(ctypes.get_errno(), "setns(CLONE_NEWIPC)")
        if _libc.setns(netns, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns(CLONE_NEWNET)")
        resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, 0))  # no POSIX mqueues
    if not proc.trusted:
        os.setgroups([])
        os.setresgid(proc.uid, proc.uid, proc.uid)
        os.setresuid(proc.uid, proc.uid, proc.uid)
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS)")
    for i, path in enumerate(fifo_paths):  # blocking, as the launcher's child
        if path is not None:
            fds[i] = os.open(path, os.O_RDONLY if i == 0 else os.O_WRONLY)
            os.write(keep, FIFO_OPEN + bytes([48 + i]))  # see fifo_wait_error
    for i, fd in enumerate(fds):
        os.dup2(fd, i)
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)


def open_input(path: str, copy: bool) -> int:
    """The launcher's open_input: a copy named input.txt for an untrusted stdin."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    if not copy or not stat.S_ISREG(os.fstat(fd).st_mode):  # /dev/null stays itself
        return fd
    try:
        mem = os.memfd_create("input.txt", os.MFD_CLOEXEC)
        while os.sendfile(mem, fd, None, 1 << 30):
            pass
        os.lseek(mem, 0, os.SEEK_SET)
        return mem
    finally:
        os.close(fd)


def stream_field(spec, mode: str, proc: Proc, pipes: dict, which: str, ctx: dict) -> tuple:
    """How a process gets a stream: (field, descriptor to pass or None).

    The field is the launcher's ("r:PATH", "n:PATH", "w:PATH", "f:PATH" or "d", see
    LAUNCHER_C).  Files are opened by the launcher's child itself (as root,
    before its uid switch): opening them here and passing the descriptors costs
    the runner six system calls per process.
    """
    if spec is None:
        return mode + ":/dev/null", None
    if "path" in spec:  # placeholders allowed, e.g. {work}/output.txt of an earlier process
        path = substitute(spec["path"], ctx)
        if not path.startswith("/"):  # as the runner would have opened it
            path = os.path.abspath(path)
        if spec.get("neutral") and mode == "r":  # named by its content: no copy (open_input)
            mode = "n"
    elif "capture" in spec:
        path = os.path.join(WORK_DIR, spec["capture"])
        proc.captures[which] = path
        mode = "w"
    elif "pipe" in spec:
        r, w = pipes[spec["pipe"]]
        return "d", os.dup(r if mode == "r" else w)
    elif "fifo" in spec:
        path, mode = substitute("{fifo:%s}" % spec["fifo"], ctx), "f"
    else:
        raise ValueError("bad stream spec %r" % (spec,))
    if "\0" in path:
        raise ValueError("NUL in path %r" % (path,))
    return mode + ":" + path, None


def launch_fields(proc: Proc, argv: list, env: dict, streams: list, watch: bool) -> list:
    """The launcher's request fields for ``proc`` (see LAUNCHER_C); gives it its tag."""
    def opt(value) -> str:
        return "-" if value is None else str(int(value))

    def micros(seconds) -> str:
        return "-" if seconds is None else str(int(seconds * 1e6))

    cpu_soft = cpu_hard = "-"
    if proc.cpu_limit is not None:
        soft = int(math.ceil(proc.cpu_limit)) + 1
        cpu_soft, cpu_hard = str(soft), str(soft + 1)
    stack = "-" if proc.stack is None else ("u" if proc.stack == "unlimited" else
                                            str(int(proc.stack)))
    LAUNCHER.serial += 1
    tag = str(LAUNCHER.serial)
    fields = [tag, str(0 if proc.trusted else proc.uid), cpu_soft, cpu_hard, opt(proc.fsize),
              stack, opt(proc.address_space), opt(proc.nproc), proc.cwd()]
    fields += streams
    fields += ["1" if watch else "0", micros(proc.wall_limit), micros(proc.cpu_limit),
               opt(proc.mem_limit)]
    fields += [str(len(argv))] + argv + ["%s=%s" % kv for kv in env.items()]
    proc.launched = True
    proc.tag = tag
    return fields


def spawn_launched(proc: Proc, argv: list, env: dict, streams: list, fds: list,
                   watch: bool = False) -> None:
    """Start ``proc`` through the launcher (see LAUNCHER_C) and learn its pid
    (``watch``: the launcher watches it to its end; wait_watched takes the result)."""
    try:
        message = ("\0".join(launch_fields(proc, argv, env, streams, watch)) + "\0").encode()
        proc.start = time.monotonic()
        assert LAUNCHER.sock is not None
        if fds:
            socket.send_fds(LAUNCHER.sock, [message], fds)
        else:
            LAUNCHER.sock.send(message)
    finally:
        for fd in fds:
            os.close(fd)
    if watch:
        return
    while proc.tag not in LAUNCHER.started and not LAUNCHER.dead:
        launcher_pump(block=True)
    proc.pid = LAUNCHER.started.pop(proc.tag, -1)
    LAUNCHER.own.add(proc.pid)


def run_alone(proc: Proc, ctx: dict, env_base: dict) -> None:
    """Start ``proc`` and wait for its end: a test's (or step's) only process.

    Through the launcher, which watches it to its end itself: the runner sends
    one request and wakes once for the answer, instead of four times per
    process (see LAUNCHER_C), for the same limits and the same verdicts.
    """
    if LAUNCHER.sock is None or LAUNCHER.dead or wants_zygote(proc):
        spawn(proc, ctx, {}, env_base)
        wait_all([proc])
        return
    spawn(proc, ctx, {}, env_base, watch=True)
    wait_watched(proc)


def wait_watched(p: Proc) -> None:
    """Wait for the launcher's answer about a watched process (flushing records)."""
    poller = LAUNCHER.poller
    assert poller is not None
    while p.tag not in LAUNCHER.watched and not LAUNCHER.dead:
        if poller.poll(FLUSH_EVERY * 1000):
            launcher_pump()
        maybe_flush()
    take_watched(p, LAUNCHER.watched.pop(p.tag, None), LAUNCHER.errors.pop(p.tag, []))


def ok_cpu_us(limit) -> str:
    """The most CPU (us) that describe() does not call over ``limit`` ("-": none), so
    that the launcher tells OK apart exactly as describe does (see batch())."""
    if limit is None:
        return "-"
    us = int(limit * 1e6)
    while (us + 1) / 1e6 <= limit:
        us += 1
    while us > 0 and us / 1e6 > limit:
        us -= 1
    return str(us)


def take_report(p: Proc, fields: list, raw: bytes) -> int:
    """Fill in ``p`` from its batch report (see batch() in LAUNCHER_C); its flags."""
    killed = fields[7].decode()
    take_watched(p, (int(fields[1]), int(fields[2]), int(fields[3]), int(fields[4]),
                     int(fields[5]), int(fields[6]), None if killed == "-" else killed),
                 LAUNCHER.errors.pop(p.tag, []), kill=False)  # the launcher killed it
    at = 0
    for j in range(10, len(fields) - 2, 3):
        n = int(fields[j + 2])
        if n >= 0:
            p.captured[STREAMS[int(fields[j])]] = (
                int(fields[j + 1]), raw[at:at + n].decode(errors="replace"))
            at += n
    return int(fields[9])


def take_watched(p: Proc, report, errors: list, kill: bool = True) -> None:
    """Fill in ``p`` from the launcher's report on it (a "W" or a batch's "T"; None:
    the launcher ended first) and the errors it sent about it; ``kill``: the
    process group of a trusted one is killed (a batch's launcher did that)."""
    p.exit_order = 0
    if report is None:
        p.end = time.monotonic()
        p.exec_error = "; ".join(errors or ["the launcher ended before reporting"])
        return
    pid, status, utime, stime, maxrss, wall_us, killed_by = report
    p.pid = pid
    p.end = p.start + wall_us / 1e6  # measured by the launcher, from fork to reaping
    if pid > 0 and not errors:
        p.status = status
        p.cpu_time = (utime + stime) / 1e6
        p.max_rss_kb = maxrss
        p.killed_by = killed_by
    if errors or pid < 0:
        p.exec_error = "; ".join(errors or ["fork failed"])
    if kill and p.trusted and p.pid > 0:
        kill_group(p.pid)


def make_pipe() -> tuple:
    """A pipe with a 1 MiB buffer (as problemtools' interactive runner), if allowed."""
    r, w = os.pipe()
    try:
        fcntl.fcntl(r, F_SETPIPE_SZ, PIPE_SIZE)
    except OSError:
        pass  # the default 64 KiB
    return r, w


def set_limits(proc: Proc) -> None:
    def lim(which: int, value) -> None:
        resource.setrlimit(which, (value, value))

    lim(resource.RLIMIT_CORE, 0)
    if proc.cpu_limit is not None:
        soft = int(math.ceil(proc.cpu_limit)) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    if proc.fsize is not None:
        lim(resource.RLIMIT_FSIZE, int(proc.fsize))
    if proc.stack is not None:
        lim(resource.RLIMIT_STACK, resource.RLIM_INFINITY if proc.stack == "unlimited"
            else int(proc.stack))
    if proc.address_space is not None:
        lim(resource.RLIMIT_AS, int(proc.address_space))
    if proc.nproc is not None and not proc.trusted:
        lim(resource.RLIMIT_NPROC, int(proc.nproc))


def wait_all(procs: list[Proc], on_reap=None, ends: dict | None = None) -> None:
    """Wait for every process, enforcing wall limits and the CPU watchdog.

    Processes are reaped in the order they end (those ending within one poll
    are taken in start order); ``exit_order`` records it, so the host can tell
    e.g. whether an interactive validator or the submission ended first.
    Launched processes end when the launcher's report arrives on its socket;
    forked ones when their pidfd becomes readable.  ``ends``: process name ->
    its FIFO ends, opened for it once it has ended (see stand_in).  Once every
    process with an idle limit has ended, the others (a manager) get one idle
    limit of their own: asleep that long with nothing left to wait for, they are
    killed ("idle"), not left to their wall limit.
    """
    running = list(procs)
    order = 0
    idle = IdleClock(procs)
    orphaned: list = []  # FIFO ends of ended processes, not yet stood in for
    poller = select.poll()
    for p in procs:
        if not p.launched:
            poller.register(p.pidfd, select.POLLIN)
    if LAUNCHER.sock is not None and any(p.launched for p in procs):
        poller.register(LAUNCHER.sock.fileno(), select.POLLIN)
    while running:
        now = time.monotonic()
        timeout = 1.0
        for p in running:
            if p.launched and p.finished():
                timeout = 0.0
            if p.wall_limit is not None:
                timeout = min(timeout, max(0.0, p.start + p.wall_limit - now))
            if p.cpu_limit is not None or p.mem_limit is not None or orphaned:
                timeout = min(timeout, WATCHDOG_INTERVAL)
        events = poller.poll(timeout * 1000)
        maybe_flush()
        ready = {fd for fd, _ in events}
        if LAUNCHER.sock is not None and LAUNCHER.sock.fileno() in ready:
            launcher_pump()
        now = time.monotonic()
        for p in [p for p in running
                  if (p.launched and p.finished()) or (not p.launched and p.pidfd in ready)]:
            running.remove(p)
            if not p.launched:
                poller.unregister(p.pidfd)
            reap(p)
            p.exit_order = order
            order += 1
            if on_reap is not None:
                on_reap(p)
            orphaned += (ends or {}).get(p.name, [])
            if p.idle_limit is not None and not any(q.idle_limit is not None for q in running):
                idle.restart()  # the rest (a manager) gets an idle limit of its own
        orphaned = [end for end in orphaned if running and not stand_in(*end)]
        idle_out = idle.expired(running, now)
        users_left = any(p.idle_limit is not None for p in running)
        for p in running:
            if idle_out and (p.idle_limit is not None or not users_left) and \
                    p.killed_by is None:
                p.killed_by = "idle"
                kill_group(p.pid)
            elif p.wall_limit is not None and now - p.start >= p.wall_limit:
                p.killed_by = p.killed_by or "wall"
                kill_group(p.pid)
            elif p.cpu_limit is not None and p.cpu_now() > p.cpu_limit:
                p.killed_by = p.killed_by or "cpu"
                kill_group(p.pid)
            elif p.mem_limit is not None and p.rss_now() > p.mem_limit:
                p.killed_by = p.killed_by or "memory"
                kill_group(p.pid)


class IdleClock:
    """How long every process of a test has been asleep at once (``Limits.idle``).

    Each watchdog tick adds the part of the elapsed time that no process of the
    test spent on a CPU or in a run queue (the sum of their schedstat deltas,
    which overlap at worst, so idle time is never over-counted).  A process that
    waits for a busy peer is not idle; a test whose processes all wait for one
    another (a submission blocked on input) is, whatever the host's load.
    """

    def __init__(self, procs: list[Proc]):
        limits = [p.idle_limit for p in procs if p.idle_limit is not None]
        self.limit = min(limits) if limits else None
        self.idle = 0.0
        self.last: float | None = None
        self.busy: dict[int, int] = {}

    def restart(self) -> None:
        """Count idle time afresh (from the next tick)."""
        self.idle = 0.0
        self.last = None

    def expired(self, running: list[Proc], now: float) -> bool:
        if self.limit is None:
            return False
        busy = {p.pid: p.busy_ns() for p in running}
        # A process not yet seen or whose schedstat cannot be read (gone, or a
        # kernel without it) makes the tick count as busy: never idle by doubt.
        known = self.last is not None and all(
            b >= 0 and pid in self.busy for pid, b in busy.items())
        if known and self.last is not None:
            delta = sum(max(0, b - self.busy[pid]) for pid, b in busy.items()) / 1e9
            self.idle += max(0.0, (now - self.last) - delta)
        self.last, self.busy = now, busy
        return self.idle >= self.limit


def stand_in(path: str, reads: bool) -> bool:
    """Open an ended process's end of a FIFO for it, once the peer is there; True when done.

    The peer (a manager) may be waiting in open() for that end: a process that
    ended (or was killed) without opening its FIFO would leave it there until its
    own limits, and the test would end as a judge error a submission can force.
    The end is opened non-blocking, only once the peer holds (or waits in open()
    for) the other end, which wakes it, and is closed at once: the peer then sees
    end of file or EPIPE, exactly as if the process had opened it and exited.
    CMS (Communication.py, isolate) leaves such a manager to its wall limit,
    then fails the job.  Called every watchdog tick until done.
    """
    if reads:  # the peer writes: a writer is there if a read does not say EOF
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return True
        try:
            return os.read(fd, 1 << 16) != b""  # data for an ended reader: dropped
        except BlockingIOError:
            return True
        except OSError:
            return True
        finally:
            os.close(fd)
    try:  # the peer reads: ENXIO while there is no reader
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC))
    except OSError as e:
        return e.errno != errno.ENXIO
    return True


def reap(p: Proc) -> None:
    if p.launched:
        reap_launched(p)
    elif p.warm is not None:
        reap_warm(p)
    else:
        _, status, ru = os.wait4(p.pid, 0)
        FORKED.discard(p.pid)
        p.end = time.monotonic()
        p.status = status
        p.cpu_time = ru.ru_utime + ru.ru_stime
        p.max_rss_kb = ru.ru_maxrss
        os.close(p.pidfd)
        err = os.read(p._err_r, 1000)  # type: ignore[attr-defined]
        os.close(p._err_r)  # type: ignore[attr-defined]
        opened = set()
        while err[:1] == FIFO_OPEN and len(err) >= 2:  # notes come first, an error after
            opened.add(err[1] - 48)
            err = err[2:]
        if err:
            p.exec_error = err.decode(errors="replace")
        else:
            p.exec_error = fifo_wait_error(p, opened)
    if p.trusted and p.pid > 0:
        kill_group(p.pid)
    if p.tree and p.pid > 0:
        tree_end(p)


def reap_launched(p: Proc) -> None:
    """Take what the launcher reported about ``p`` (it has reaped it)."""
    p.end = time.monotonic()
    errors = LAUNCHER.errors.pop(p.tag, [])
    report = LAUNCHER.reaped.pop(p.pid, None) if p.pid > 0 else None
    if report is not None:
        status, utime, stime, maxrss = report
        p.status = status
        p.cpu_time = (utime + stime) / 1e6
        p.max_rss_kb = maxrss
    elif not errors:
        errors = ["the launcher ended before reporting"]
    mask = LAUNCHER.fifo_masks.pop(p.pid, -1)
    if errors:
        p.exec_error = "; ".join(errors)
    elif mask >= 0:
        p.exec_error = fifo_wait_error(p, {i for i in range(3) if mask >> i & 1})


FIFO_OPEN = b"\x01"  # fork path: the child's note that a FIFO stream is open (then its index)


def fifo_wait_error(p: Proc, opened: set) -> str | None:
    """Why ``p`` never ran, if it ended waiting in open() for a FIFO's other end.

    Its FIFO streams are opened for it before exec (blocking, as isolate's
    redirections), so a process that ended before all were open was killed by a
    limit while its peer (the manager) never opened the other end: nothing of
    the submission ran, and the verdict is a judge error naming the FIFO.
    """
    missing = [path for i, path in sorted(p.fifo_streams.items()) if i not in opened]
    if not missing:
        return None
    return ("never started: the other end of its FIFO %s was not opened (waited %.1f s)"
            % (missing[0], time.monotonic() - p.start))


def read_capture_sized(path: str, limit: int) -> tuple:
    """(size of the file, its first ``limit`` bytes as text); (0, "") if it is missing."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return 0, ""
    try:
        size = os.fstat(fd).st_size
        want = min(limit, size)
        chunks = []
        while want > 0:
            chunk = os.read(fd, min(want, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
        return size, b"".join(chunks).decode(errors="replace")
    finally:
        os.close(fd)


def read_capture(path: str, limit: int) -> str:
    return read_capture_sized(path, limit)[1]


def describe(p: Proc, oom_delta: int) -> dict:
    status = p.status or 0
    cpu = p.cpu_time
    max_rss_kb = p.max_rss_kb
    exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    # Memory first: a process whose peak went over the limit would have been
    # stopped right then under a exact cgroup limit (isolate --cg-mem), before
    # any later time-out.
    if p.exec_error:
        verdict = "XX"  # could not start: a judge-side failure
    elif p.killed_by == "memory" or (
            p.mem_limit is not None and max_rss_kb * 1024 > p.mem_limit) or (
            sig == signal.SIGKILL and oom_delta > 0 and p.killed_by is None):
        verdict = "MLE"
    elif p.killed_by in ("wall", "idle"):
        verdict = "WALL"
    elif p.killed_by == "cpu" or sig == signal.SIGXCPU or (
            p.cpu_limit is not None and cpu > p.cpu_limit):
        verdict = "TLE"
    elif sig == signal.SIGXFSZ:
        verdict = "OLE"
    elif sig is not None:
        verdict = "SIG"
    elif exit_code != 0:
        verdict = "RE"
    else:
        verdict = "OK"
    out = {
        "verdict": verdict,
        "exit_code": exit_code,
        "signal": sig,
        "cpu_time": round(cpu, 4),
        "wall_time": round(p.end - p.start, 4),
        "max_rss_kb": max_rss_kb,
        "exit_order": p.exit_order,
    }
    if p.killed_by == "idle":
        out["idle_timeout"] = True
    if p.exec_error:
        out["error"] = p.exec_error
    limit = int(p.spec.get("return_limit", DEFAULT_CAPTURE))
    for which, path in p.captures.items():
        returned = p.spec.get(which, {}).get("return")
        if which in p.captured:  # read back by the launcher (a batch)
            size, text = p.captured[which]
        else:
            size, text = read_capture_sized(path, limit if returned else 0)
        out[which + "_size"] = size
        if returned:
            out[which] = text
    return out


# --------------------------------------------------------------------------
# Zygotes: warm Python interpreters that fork a test's process.
#
# A process whose spec names a "zygote" (a trusted Python module that its argv
# runs as ``python3 -I MODULE ARGS...``, e.g. LiveCodeBench's harness) is not
# exec'd: a zygote, one long-lived root process per module and runner (this
# file run as ``--zygote MODULE``), has imported the module and called its
# ``zygote_preload()`` once, and forks a child for each such process.  The
# child becomes the process exactly as the fork path's child does (enter_box:
# setsid, oom_score_adj, rlimits, the uid's namespaces, the uid, no_new_privs,
# its streams, nothing else open) and then runs ``MODULE.main()`` with
# ``sys.argv = ARGS`` (argv[2:]) as ``__main__``, ending as that interpreter
# would (sys.exit, atexit, non-daemon threads joined).  A fresh python3 and its
# imports cost a tiny LiveCodeBench sample ~40 ms; a fork costs ~1 ms.
#
# Nothing of one process reaches the next: each is a fresh fork of a zygote
# that never runs untrusted code (copy-on-write: a child changing a module
# changes its own copy), holds nothing but the module and the paths of earlier
# requests, and whose socket, like every descriptor but the child's streams,
# is closed in the child before the module runs.  The child runs as the
# untrusted uid, so it can neither signal nor ptrace the zygote (root).  The
# runner watches the child as it does the fork path's (wait_all: wall limit,
# 10 ms CPU/RSS watchdog over the whole uid; a pidfd sent by the zygote); the
# zygote reaps it and reports its status and rusage; its orphans come to the
# runner (the zygote is no subreaper), which counts and reaps them (tree_end).
# The random module reseeds itself in each child (os.register_at_fork); string
# hashing is the zygote's (as in lcb_runner's forked workers).

MAX_ZYGOTES = 4  # per runner; the oldest goes first (a module changes with its content)
ZYGOTE_START = 120.0  # seconds to import the module and preload


class _Zygotes:
    off = False  # the job asked for exec'd processes (Job(zygote=False))
    servers: dict = {}  # module path -> Zygote
    failed: set = set()  # modules whose zygote could not start: exec'd instead


ZYGOTES = _Zygotes()


class Zygote:
    """The runner's end of one zygote (see above)."""

    def __init__(self, module: str):
        self.module = module
        self.reaped: dict = {}  # pid -> (status, utime_us, stime_us, maxrss_kb)
        self.dead = False
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        null = os.open("/dev/null", os.O_RDWR)
        try:
            # The environment of a test's python3 (the child gets its own
            # os.environ): what the interpreter reads at start-up is the same.
            self.pid = os.posix_spawn(
                sys.executable, [sys.executable, "-I", os.path.abspath(__file__), "--zygote",
                                 module], {"PATH": "/usr/local/bin:/usr/bin:/bin",
                                           "LANG": "C.UTF-8"},
                file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                              (os.POSIX_SPAWN_DUP2, null, 2),
                              (os.POSIX_SPAWN_DUP2, theirs.fileno(), 3)])
        finally:
            os.close(null)
            theirs.close()
        self.sock = ours
        ready = select.select([ours], [], [], ZYGOTE_START)[0]
        answer = ours.recv(4096) if ready else b""
        if answer != b"ready":
            self.stop()
            raise OSError("zygote for %s did not start: %s" % (
                module, answer.decode(errors="replace") or "no answer"))

    def pump(self, block: bool) -> tuple:
        """One message (and the descriptors with it); (b"", []) when none or gone.

        A report on a reaped child (``R``) is kept in ``reaped`` and not returned.
        """
        while not self.dead:
            try:
                msg, fds, _flags, _addr = socket.recv_fds(
                    self.sock, 4096, 1, 0 if block else socket.MSG_DONTWAIT)
            except BlockingIOError:
                return b"", []
            except InterruptedError:
                continue
            except OSError:
                msg, fds = b"", []
            if not msg:
                self.dead = True
                for fd in fds:
                    os.close(fd)
                return b"", []
            if msg[:1] == b"R":  # a child reaped: kept until its reap() asks
                pid, *numbers = (int(x) for x in msg[1:].split())
                self.reaped[pid] = tuple(numbers)
                if block:
                    return b"R", []
                continue
            return msg, fds
        return b"", []

    def wait_reaped(self, pid: int):
        """The zygote's report on child ``pid``: (status, utime_us, stime_us, maxrss_kb)."""
        while pid not in self.reaped and not self.dead:
            msg, fds = self.pump(block=True)
            for fd in fds:
                os.close(fd)
        return self.reaped.pop(pid, None)

    def hung_up(self) -> bool:
        """Whether the zygote is gone (its end of the socket closed)."""
        poller = select.poll()
        poller.register(self.sock.fileno(), select.POLLIN)
        return any(ev & (select.POLLHUP | select.POLLERR) for _fd, ev in poller.poll(0))

    def stop(self) -> None:
        """Hang up (the zygote exits on EOF) and reap it (the caller forgets it)."""
        self.dead = True
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)  # it holds nothing; never wait for a hung one
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def wants_zygote(proc: Proc) -> bool:
    return bool(proc.zygote) and not proc.trusted and not ZYGOTES.off


def zygote_for(module: str):
    """The running zygote of ``module`` (started on first use); None: exec instead."""
    z = ZYGOTES.servers.get(module)
    if z is not None and (z.dead or z.hung_up()):
        z.stop()
        del ZYGOTES.servers[module]
        z = None
    if z is None and module not in ZYGOTES.failed:
        while len(ZYGOTES.servers) >= MAX_ZYGOTES:
            ZYGOTES.servers.pop(next(iter(ZYGOTES.servers))).stop()
        try:
            z = ZYGOTES.servers[module] = Zygote(module)
        except OSError:
            ZYGOTES.failed.add(module)  # same verdicts exec'd, only slower
    return z


def spawn_warm(z: Zygote, proc: Proc, argv: list, env: dict, streams: list) -> None:
    """Start ``proc`` as a child of zygote ``z`` (the fork path's streams and namespaces)."""
    fds, fifo_paths = open_streams(proc, streams)
    ns = NAMESPACES.on
    netns = netns_for(proc.uid) if ns else -1
    ipcns = ipcns_for(proc.uid) if ns else -1
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    request = json.dumps({"spec": proc.spec, "uid": proc.uid, "argv": argv, "env": env,
                          "fifos": fifo_paths, "ns": ns}).encode()
    passed = [fd for fd in fds if fd >= 0] + [err_w] + ([ipcns, netns] if ns else [])
    proc.warm = z
    proc.start = time.monotonic()
    try:
        socket.send_fds(z.sock, [request], passed)
        msg, got = z.pump(block=True)
        while msg == b"R":  # an earlier child's report came first
            msg, got = z.pump(block=True)
    except OSError as e:
        msg, got = b"E" + str(e).encode(), []
    finally:
        os.close(err_w)
        for fd in fds:
            if fd >= 0:
                os.close(fd)
    proc._err_r = err_r  # type: ignore[attr-defined]
    if msg[:1] == b"P" and len(got) == 1:
        proc.pid = int(msg[1:])
        proc.pidfd = got[0]
        return
    for fd in got:
        os.close(fd)
    # Not started: a judge-side failure (XX); reap() reports it at once.
    proc.exec_error = "zygote: " + (msg[1:].decode(errors="replace") or "no answer")
    proc.pidfd = os.eventfd(1)  # readable now: wait_all reaps it without waiting


def reap_warm(p: Proc) -> None:
    """Take what the zygote reported about ``p`` (it has reaped it)."""
    report = p.warm.wait_reaped(p.pid) if p.pid > 0 else None
    p.end = time.monotonic()
    os.close(p.pidfd)
    err = os.read(p._err_r, 1000)  # type: ignore[attr-defined]
    os.close(p._err_r)  # type: ignore[attr-defined]
    if report is not None:
        p.status, utime, stime, p.max_rss_kb = report
        p.cpu_time = (utime + stime) / 1e6
    elif p.exec_error is None:
        p.exec_error = "the zygote ended before reporting"
    if err:
        p.exec_error = err.decode(errors="replace")


PR_SET_DUMPABLE = 4


def zygote_main(module_path: str) -> int:
    """``--zygote MODULE``: load MODULE, then fork a child per request (see ZYGOTE).

    Only the children return from here: as the test's process, with MODULE's
    main() as this interpreter's program.
    """
    module, request, fds = zygote_serve(module_path)
    err_w = -1
    try:
        spec = request["spec"]
        # A Proc for this one uid (whatever its slot), for enter_box's rules.
        proc = Proc(spec, {"box_uids": [request["uid"]] * (int(spec.get("slot", 0)) + 1)})
        fifo_paths = request["fifos"]
        streams = [-1 if path is not None else fds.pop(0) for path in fifo_paths]
        err_w = fds.pop(0)
        # The runner's decision (the zygote never probes namespaces itself).
        ns = bool(request["ns"])
        ipcns, netns = (fds[0], fds[1]) if ns else (-1, -1)
        enter_box(proc, streams, fifo_paths, ns, ipcns, netns, err_w)
        # What exec does for a process that changed uid: it may be inspected by
        # its own uid (as an exec'd python3 is), not only by root.
        _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = list(request["argv"][2:])
        module.__name__ = "__main__"
        module.__file__ = sys.argv[0] if sys.argv else module.__file__
        sys.modules["__main__"] = module
        os.close(err_w)
    except BaseException as e:  # noqa: BLE001 - report anything to the runner
        try:
            os.write(err_w, ("%s: %s" % (type(e).__name__, e)).encode()[:1000])
        finally:
            os._exit(127)
    run_as_main(module)
    return 0  # never reached


def exit_status(code) -> int:
    """The exit status of ``sys.exit(code)``, as the interpreter makes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(str(code) + "\n")
    except Exception:  # noqa: BLE001 - as the interpreter: the status stays 1
        pass
    return 1


def run_as_main(module) -> None:
    """``sys.exit(module.main())`` in a zygote's child, then the end of a process.

    What the interpreter does at exit that a program can see (non-daemon
    threads joined, atexit handlers, stdio flushed; an uncaught exception
    printed, status 1), then ``os._exit``: tearing the interpreter down would
    touch, and so copy, every page inherited from the zygote (several ms per
    sample).  lcb_runner's workers (multiprocessing, forked) end with os._exit
    too.
    """
    try:
        status = exit_status(module.main())
    except SystemExit as e:
        status = exit_status(e.code)
    except BaseException:  # noqa: BLE001 - the interpreter's handling of the uncaught
        try:
            sys.excepthook(*sys.exc_info())
        except BaseException:  # noqa: BLE001
            pass
        status = 1
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001 - as at exit: reported, not fatal
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BaseException:  # noqa: BLE001 - the interpreter exits 120 then
            status = 120
    os._exit(status)


def zygote_serve(module_path: str) -> tuple:
    """The zygote's loop; returns (module, request, descriptors) in each child only."""
    import gc
    import importlib.util

    sock = socket.socket(fileno=3)
    try:
        loader_spec = importlib.util.spec_from_file_location("evalkit_zygote_module",
                                                             module_path)
        if loader_spec is None or loader_spec.loader is None:
            raise ImportError("cannot load " + module_path)
        module = importlib.util.module_from_spec(loader_spec)
        loader_spec.loader.exec_module(module)
        preload = getattr(module, "zygote_preload", None)
        if preload is not None:
            preload()
        if not callable(getattr(module, "main", None)):
            raise ImportError("%s has no main()" % module_path)
    except BaseException as e:  # noqa: BLE001 - the runner execs instead
        sock.send(("%s: %s" % (type(e).__name__, e)).encode()[:1000])
        os._exit(1)
    # Children do not walk (and so copy) the zygote's objects in their collections.
    gc.collect()
    gc.freeze()
    sock.send(b"ready")
    children: dict = {}  # pidfd -> pid
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    while True:
        for fd, _event in poller.poll():
            if fd != sock.fileno():  # a child ended: reap it, report it
                pid = children.pop(fd)
                poller.unregister(fd)
                _, status, ru = os.wait4(pid, 0)
                os.close(fd)
                sock.send(b"R%d %d %d %d %d" % (
                    pid, status, int(ru.ru_utime * 1e6), int(ru.ru_stime * 1e6), ru.ru_maxrss))
                continue
            msg, fds, _flags, _addr = socket.recv_fds(sock, 1 << 20, 8)
            if not msg:  # the runner is gone
                os._exit(0)
            try:
                request = json.loads(msg)
                pid = os.fork()
            except (OSError, ValueError) as e:
                sock.send(("E%s: %s" % (type(e).__name__, e)).encode()[:1000])
                for x in fds:
                    os.close(x)
                continue
            if pid == 0:
                sock.detach()  # closed by enter_box; never by a finalizer later
                return module, request, fds
            for x in fds:
                os.close(x)
            pidfd = os.pidfd_open(pid)
            children[pidfd] = pid
            poller.register(pidfd, select.POLLIN)
            socket.send_fds(sock, [b"P%d" % pid], [pidfd])


# --------------------------------------------------------------------------
# Steps


class Runner:
    def __init__(self, job: dict):
        self.job = job
        self.uids = list(job["box_uids"])
        self.env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
        # Docker may leave tmpfs roots world-writable (1777) whatever the mount
        # options say; untrusted uids get only their own directories.
        for d in (TMP, "/dev/shm", BOX_ROOT, "/dev/mqueue"):
            if os.path.isdir(d):
                os.chmod(d, 0o755)
        for d, mode in ((BIN_DIR, 0o755), (TRUSTED_DIR, 0o700)):
            if not os.path.isdir(d):
                os.makedirs(d)
                os.chmod(d, mode)
        self.ctx = {"bin": BIN_DIR, "trusted": TRUSTED_DIR, "work": WORK_DIR}
        self.test_dirs: list = []  # untrusted dirs made for the current test
        # Files the runner made in WORK_DIR for a test in which only untrusted
        # processes ran (None: anything may be there, sweep it all).
        self.known_files: list | None = None
        probe_namespaces()
        ZYGOTES.off = bool(job.get("no_zygote"))
        if job.get("no_launcher"):
            stop_launcher()
        else:
            if not LAUNCHER.tried:
                LAUNCHER.tried = True
                LAUNCHER.path = build_launcher()
            if LAUNCHER.path and (LAUNCHER.sock is None or LAUNCHER.dead):
                stop_launcher()
                start_launcher()
            LAUNCHER.started.clear()
            LAUNCHER.errors.clear()
            LAUNCHER.reaped.clear()
            LAUNCHER.watched.clear()
            LAUNCHER.orphan_cpu.clear()
            LAUNCHER.own.clear()
            LAUNCHER.fifo_masks.clear()
            LAUNCHER.reports.clear()

    def sweep(self) -> None:
        """Kill leftovers of untrusted uids and wipe what they could write.

        A job with a compile (or files) is a new submission: the programs of the one
        before are removed from BIN_DIR too (a job without one runs what an
        earlier job of its own put there, e.g. scripts/bench_sandbox.py).
        """
        kill_uids(self.uids)
        make_slot_dirs(self.uids)
        for slot in range(len(self.uids)):
            for d in (box_dir(slot), fifo_dir(slot)):
                if os.path.lexists(d):
                    wipe(d)
        for d in (WORK_DIR, COMPILE_DIR):
            if os.path.lexists(d):
                wipe(d)
        if (self.job.get("compile") or self.job.get("files")) and os.path.isdir(BIN_DIR):
            for entry in os.scandir(BIN_DIR):
                wipe(entry.path)
        self.wipe_shm()

    def wipe_shm(self) -> None:
        if os.path.isdir("/dev/shm"):
            for name in os.listdir("/dev/shm"):
                wipe(os.path.join("/dev/shm", name))

    def clean_after_test(self) -> None:
        """What sweep does, for the few places a test used (its processes are dead).

        An empty box is removed with one rmdir (and made again with mkdir +
        chown), rather than a tree walk: this is most of a tiny test's set-up.
        """
        for d in self.test_dirs:
            try:
                os.rmdir(d)
            except FileNotFoundError:
                pass
            except OSError:  # not empty, or not a directory any more
                wipe(d)
        self.test_dirs = []
        if LAUNCHER.sock is None:
            reap_zombies()  # orphans the runner adopted (the launcher reaps its own)
        if self.known_files is not None:
            # Only untrusted processes ran, and they cannot write to WORK_DIR or
            # /dev/shm (root's, 0700/0755): what is there is what the runner made.
            for path in self.known_files:
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
            self.known_files = None
            return
        try:
            entries = list(os.scandir(WORK_DIR))
        except FileNotFoundError:
            entries = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                wipe(entry.path)
            else:
                os.unlink(entry.path)
        self.wipe_shm()

    def place_files(self, dest_dir: str, files: dict, owner: int) -> None:
        for name, source in files.items():
            dest = os.path.join(dest_dir, name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if isinstance(source, dict):
                with open(dest, "w") as f:
                    f.write(source["text"])
            else:
                copy_file(source, dest)
            os.chown(dest, owner, owner)
            os.chmod(dest, 0o644)

    def trusted_build(self, build: dict) -> dict:
        key = build["key"]
        target = os.path.join(TRUSTED_DIR, key)
        done = os.path.join(target, ".done")
        record = {"type": "trusted_build", "key": key}
        if os.path.exists(done):
            record.update(ok=True, cached=True)
            return record
        make_dir(target, 0, 0o700)
        self.place_files(target, build.get("files", {}), 0)
        spec = {"name": "build", "trusted": True, "argv": build["argv"], "cwd": target,
                "limits": build.get("limits", {"cpu": 60, "wall": 120}),
                "stdout": {"capture": "build.out", "return": True},
                "stderr": {"capture": "build.err", "return": True}}
        make_dir(WORK_DIR, 0, 0o700)
        p = Proc(spec, self.job)
        run_alone(p, self.ctx, self.env)
        result = describe(p, 0)
        ok = result["verdict"] == "OK" and all(
            os.path.exists(os.path.join(target, a)) for a in build.get("artifacts", []))
        if ok:
            open(done, "w").close()
        record.update(ok=ok, cached=False, result=result)
        return record

    def compile(self, comp: dict) -> dict:
        uid = self.uids[0]
        make_dir(COMPILE_DIR, uid, 0o700)
        make_dir(WORK_DIR, 0, 0o700)
        self.place_files(COMPILE_DIR, comp.get("files", {}), uid)
        spec = {"name": "compile", "trusted": False, "slot": 0, "argv": comp["argv"],
                "cwd": COMPILE_DIR, "limits": comp.get("limits", {}),
                "env": comp.get("env", {}),
                "stdout": {"capture": "compile.out", "return": True},
                "stderr": {"capture": "compile.err", "return": True},
                "return_limit": comp.get("return_limit", 16384)}
        before = oom_kills()
        p = Proc(spec, self.job)
        run_alone(p, self.ctx, self.env)
        kill_uid(uid)
        result = describe(p, oom_kills() - before)
        ok = result["verdict"] == "OK"
        for src, name in comp.get("artifacts", {}).items():
            path = os.path.join(COMPILE_DIR, src)
            dest = os.path.join(BIN_DIR, name)
            if ok and os.path.isfile(path) and not os.path.islink(path):
                copy_file(path, dest)
                os.chown(dest, 0, 0)
                os.chmod(dest, 0o755)
            else:
                ok = False
        wipe(COMPILE_DIR)
        return {"type": "compile", "ok": ok, "result": result}

    def test(self, test: dict) -> dict:
        try:
            work_ok = stat.S_ISDIR(os.lstat(WORK_DIR).st_mode)
        except FileNotFoundError:
            work_ok = False
        if not work_ok:
            make_dir(WORK_DIR, 0, 0o700)  # else emptied by clean_after_test
        slots = sorted({int(p.get("slot", 0)) for p in test["run"] if not p.get("trusted")})
        ctx = dict(self.ctx)
        for slot in slots:
            self.fresh_dir(box_dir(slot), self.uids[slot])
            ctx["box%d" % slot] = box_dir(slot)
        ends: dict = {}  # process name -> [(FIFO path, whether it reads)] (see stand_in)
        for fifo in test.get("fifos", []):
            slot = int(fifo.get("slot", 0))
            d = fifo_dir(slot)
            if d not in self.test_dirs:
                self.fresh_dir(d, self.uids[slot])
            path = os.path.join(d, fifo["name"])
            os.mkfifo(path, 0o600)
            os.chown(path, self.uids[slot], self.uids[slot])
            ctx["fifo:" + fifo["name"]] = path
            if fifo.get("end_of"):
                ends.setdefault(fifo["end_of"], []).append((path, bool(fifo.get("end_reads"))))
        for name in test.get("work_dirs", []):  # trusted scratch dirs, e.g. a feedback dir
            os.makedirs(os.path.join(WORK_DIR, name), mode=0o700, exist_ok=True)
        pipes = {name: make_pipe() for name in test.get("pipes", [])}
        # Read ends the runner holds until the test ends: a writer into such a
        # pipe never gets SIGPIPE/EPIPE because its reader went away.
        held = [pipes[name][0] for name in test.get("keep_open", [])]
        # Write ends the runner holds until the named process is reaped, so the
        # reader sees EOF only after that: which process ended first is then
        # not a race (as problemtools' interactive runner does).
        held_w = {pipes[pipe][1]: owner for pipe, owner in test.get("hold_writes", {}).items()}
        procs = [Proc(spec, self.job) for spec in test["run"]]
        before = oom_kills()
        if len(procs) == 1 and not pipes and not test.get("fifos"):
            run_alone(procs[0], ctx, self.env)
        else:
            self.run_together(procs, ctx, pipes, held, held_w, ends)
        return self.finish_test(test, procs, oom_kills() - before, ctx)

    def finish_test(self, test: dict, procs: list, oom_delta: int, ctx: dict) -> dict:
        """The record of a test whose processes ran (both paths: test, run_batch)."""
        if not test.get("work_dirs") and all(
                not p.trusted and not any("path" in (p.spec.get(k) or {})
                                          for k in ("stdout", "stderr")) for p in procs):
            self.known_files = [path for p in procs for path in p.captures.values()]
        record = {"type": "test", "id": test["id"],
                  "procs": {p.name: describe(p, oom_delta if not p.trusted else 0)
                            for p in procs}}
        # Before the check: nothing untrusted runs beside it.  A process limited
        # to one process (RLIMIT_NPROC=1, set before its uid switch) cannot fork
        # or make threads, so once it is reaped its uid owns nothing and the
        # /proc scan can be skipped.
        if not all(p.launched and p.status is not None and p.nproc is not None
                   and int(p.nproc) == 1 for p in procs if not p.trusted) or \
                len({p.uid for p in procs if not p.trusted}) != \
                len([p for p in procs if not p.trusted]):
            kill_uids(self.uids)
        check = test.get("check")
        untrusted_ok = all(record["procs"][p.name]["verdict"] == "OK"
                           for p in procs if not p.trusted)
        if check is not None and untrusted_ok:
            c = Proc(check, self.job)
            self.known_files = None
            run_alone(c, ctx, self.env)
            record["check"] = describe(c, 0)
        collect = test.get("collect") or {}
        if collect:
            limit = int(collect.get("limit", DEFAULT_CAPTURE))
            record["files"] = {name: read_capture(os.path.join(WORK_DIR, name), limit)
                               for name in collect.get("names", [])
                               if os.path.isfile(os.path.join(WORK_DIR, name))}
        return record

    def run_together(self, procs: list, ctx: dict, pipes: dict, held: list,
                     held_w: dict, ends: dict) -> None:
        """Start all processes of a test (pipes, FIFOs between them), wait for all."""
        try:
            for p in procs:
                spawn(p, ctx, pipes, self.env)
        finally:
            for r, w in pipes.values():
                if r not in held:
                    os.close(r)
                if w not in held_w:
                    os.close(w)

        def release(p: Proc) -> None:
            for fd, owner in list(held_w.items()):
                if owner == p.name:
                    os.close(fd)
                    del held_w[fd]

        try:
            wait_all(procs, release, ends)
        finally:
            for fd in list(held) + list(held_w):
                os.close(fd)

    def fresh_dir(self, path: str, uid: int) -> None:
        """An empty directory only ``uid`` may use, removed by clean_after_test."""
        try:
            os.mkdir(path, 0o700)  # the umask (022) leaves 0700 as it is
            os.chown(path, uid, uid)
        except FileExistsError:
            make_dir(path, uid, 0o700)
        self.test_dirs.append(path)

    def stop_after(self, test: dict, record: dict) -> bool:
        rule = self.job.get("stop_on")
        if not rule:
            return False
        spared = set(rule.get("spare_signals") or [])  # deaths by these are not failures
        if rule.get("untrusted_failure") and any(
                r["verdict"] != "OK" and not (r["verdict"] == "SIG" and r["signal"] in spared)
                for name, r in record["procs"].items()
                if not next(s for s in test["run"] if s["name"] == name).get("trusted")):
            return True
        codes = rule.get("check_exit_not_in")
        check = record.get("check")
        if codes is not None and check is not None and check["exit_code"] not in codes:
            return True
        # Named processes (run or check) that must end with one of the codes.
        for name, allowed in (rule.get("exit_not_in") or {}).items():
            r = check if check is not None and name == check_name(test) else \
                record["procs"].get(name)
            if r is not None and r["exit_code"] not in allowed:
                return True
        return False

    def batchable(self, test: dict) -> bool:
        """Whether ``test`` may run in a launcher batch (run_batch): one untrusted
        process limited to one process (nothing of it can outlive it), no zygote,
        stdin a file or nothing, stdout and stderr captures or nothing, and at most
        a trusted checker of the same kind (not in a job with a stop rule); no pipes,
        FIFOs, work dirs or collected files (they stay on test()'s path)."""
        if len(test["run"]) != 1 or any(test.get(k) for k in (
                "pipes", "fifos", "work_dirs", "collect", "keep_open", "hold_writes")):
            return False
        spec, check = test["run"][0], test.get("check")
        nproc = (spec.get("limits") or {}).get("processes")
        if spec.get("trusted") or nproc is None or int(nproc) != 1:
            return False
        if check is not None and (not check.get("trusted") or self.job.get("stop_on")):
            return False
        for proc in (spec, check) if check is not None else (spec,):
            if proc.get("zygote"):
                return False
            for key in STREAMS:
                stream = proc.get(key)
                if stream is not None and not (set(stream) <= (
                        {"path", "neutral"} if key == "stdin" else {"capture", "return"})):
                    return False
        # The launcher ends a batch after any test that did not exit 0 cleanly, which
        # is every failure of stop_after as long as exit code 0 is allowed.
        exits = (self.job.get("stop_on") or {}).get("exit_not_in") or {}
        return spec["name"] not in exits or 0 in exits[spec["name"]]

    def batch_request(self, p: Proc, ctx: dict) -> list:
        """A batch item's request for ``p`` (see batch() in LAUNCHER_C): what spawn
        would send, watched, after its three capture rules."""
        spec = p.spec
        argv = [substitute(a, ctx) for a in spec["argv"]]
        env = dict(self.env)
        env["HOME"] = p.cwd()
        env["TMPDIR"] = p.cwd()
        env.update(spec.get("env", {}))
        streams = [stream_field(spec.get(key), mode, p, {}, key, ctx)[0]
                   for mode, key in (("r", "stdin"), ("w", "stdout"), ("w", "stderr"))]
        limit = str(int(spec.get("return_limit", DEFAULT_CAPTURE)))
        rets = [("-" if key not in p.captures else limit if spec[key].get("return") else "0")
                for key in STREAMS]
        fields = launch_fields(p, argv, env, streams, True)
        return [*rets, str(len(fields)), *fields]

    def run_batch(self, tests: list) -> tuple:
        """Run ``tests`` (batchable, consecutive) as one launcher batch (see batch()
        in LAUNCHER_C); (how many were recorded, whether the job stops there).

        Each test gets test()'s record, from the same figures the launcher's "W"
        has, and test()'s clean-up, done by the launcher (its box removed, its
        captures read back and removed, the work dir swept after a checker) or,
        where the launcher says it could not, by clean_after_test.  The launcher
        decides whether the checker runs by describe()'s own rule for "OK" (given
        the exact CPU bound); a report that disagrees with the runner's record is a
        judge error.  It stops after every test that is not OK (stop_mode 1), so it
        never runs one that the job's stop rule would have spared; the runner goes
        on with a new batch where the rule does not stop.
        """
        try:
            work_ok = stat.S_ISDIR(os.lstat(WORK_DIR).st_mode)
        except FileNotFoundError:
            work_ok = False
        if not work_ok:
            make_dir(WORK_DIR, 0, 0o700)
        oom_kills()  # finds the file, whose path the launcher opens too
        _, oom_key, oom_path = _oom_files[0]
        rule = self.job.get("stop_on")
        ctx = dict(self.ctx)
        items: list = []
        procs: list = []  # (process, checker or None) per test
        size = 0
        for test in tests:
            p = Proc(test["run"][0], self.job)
            box = box_dir(p.slot)
            ctx["box%d" % p.slot] = box
            serial = LAUNCHER.serial
            parts = [box, ok_cpu_us(p.cpu_limit), *self.batch_request(p, ctx)]
            c = None
            if test.get("check") is not None:
                c = Proc(test["check"], self.job)
                parts += self.batch_request(c, ctx)
            else:
                parts += ["-", "-", "-", "0"]
            item = ("\0".join(parts) + "\0").encode()
            if size + len(item) > BATCH_BYTES:
                LAUNCHER.serial = serial  # not sent
                break
            items.append(item)
            procs.append((p, c))
            size += len(item)
        if not procs:
            return 0, False
        head = ("\0".join(["B", "1" if rule else "0", oom_path, oom_key, str(len(procs))])
                + "\0").encode()
        LAUNCHER.reports.clear()
        LAUNCHER.batch_end = -1
        assert LAUNCHER.sock is not None and LAUNCHER.poller is not None
        LAUNCHER.sock.send(head + b"".join(items))
        recorded, stop, taken = 0, False, 0
        while not stop:
            if taken < len(LAUNCHER.reports):
                kind, index, fields, raw = LAUNCHER.reports[taken]
                taken += 1
                if kind == "X" or index != recorded:  # not run: the runner does it itself
                    break
                test, (p, c) = tests[recorded], procs[recorded]
                flags = take_report(p, fields, raw)
                # finish_test's record, for what a batch test can be: one untrusted
                # process limited to one (so nothing of its uid outlives it once it is
                # reaped), at most a checker, nothing collected
                result = describe(p, int(fields[8]))
                record = {"type": "test", "id": test["id"], "procs": {p.name: result}}
                if p.status is None:
                    kill_uids(self.uids)
                checked = taken < len(LAUNCHER.reports) and LAUNCHER.reports[taken][0] == "C"
                if c is not None and result["verdict"] == "OK" and not flags & 16:
                    if not checked or LAUNCHER.reports[taken][1] != recorded:
                        raise RuntimeError("the launcher did not check test %s" % test["id"])
                    take_report(c, LAUNCHER.reports[taken][2], LAUNCHER.reports[taken][3])
                    taken += 1
                    record["check"] = describe(c, 0)
                elif checked or (flags & 16 and (c is None or result["verdict"] != "OK")):
                    raise RuntimeError("the launcher checked test %s, whose process was %s"
                                       % (test["id"], result["verdict"]))
                elif c is not None and result["verdict"] == "OK":  # flags 16: left to us
                    self.known_files = None
                    run_alone(c, ctx, self.env)
                    record["check"] = describe(c, 0)
                emit(record)
                recorded += 1
                if flags & 30:  # the launcher left its box, a capture or the work dir to us
                    if flags & 2:
                        self.test_dirs.append(box_dir(p.slot))
                    self.known_files = None if c is not None and flags & 24 else \
                        list(p.captures.values())
                    self.clean_after_test()
                # stop_after is False for an OK test unless a process's exit code is ruled
                stop = bool(rule) and (result["verdict"] != "OK" or bool(rule.get("exit_not_in"))) \
                    and self.stop_after(test, record)
                continue
            if LAUNCHER.batch_end >= 0 or LAUNCHER.dead:
                break
            if LAUNCHER.poller.poll(FLUSH_EVERY * 1000):
                launcher_pump()
            maybe_flush()
        if LAUNCHER.dead and LAUNCHER.batch_end < 0:
            # The launcher ended mid-batch (killed): the test it was running is a judge
            # error, and so is the job (the host starts a new runner and retries).
            if recorded < len(procs) and not stop:
                test, (p, _c) = tests[recorded], procs[recorded]
                take_watched(p, None, LAUNCHER.errors.pop(p.tag, []))
                emit(self.finish_test(test, [p], 0, ctx))
                self.test_dirs.append(box_dir(p.slot))
                self.clean_after_test()
            raise RuntimeError("the launcher ended during a batch of tests")
        if stop and LAUNCHER.batch_end < 0:
            # Cannot happen (the launcher stops after any test that may fail); if it
            # did, it is told to stop and what it ran after is not recorded.
            LAUNCHER.sock.send(b"s")
            while LAUNCHER.batch_end < 0 and not LAUNCHER.dead:
                launcher_pump(block=True)
        LAUNCHER.reports.clear()
        return recorded, stop

    def run(self) -> int:
        if not NAMESPACES.on:
            emit({"type": "error", "message": "cannot give untrusted processes IPC and network "
                  "namespaces of their own (the container needs CAP_SYS_ADMIN)"}, now=True)
            return 1
        self.sweep()
        for build in self.job.get("trusted_builds", []):
            rec = self.trusted_build(build)
            emit(rec, now=not rec["ok"])
            if not rec["ok"]:
                return 0
        if self.job.get("files"):
            # Programs that need no compile (e.g. a Python program and its harness):
            # placed by the runner, root's and read-only to the untrusted uids.
            self.place_files(BIN_DIR, self.job["files"], 0)
        if self.job.get("compile"):
            rec = self.compile(self.job["compile"])
            emit(rec, now=not rec["ok"])
            if not rec["ok"]:
                return 0
        self.clean_after_test()  # captures of the builds and the compile
        tests = self.job.get("tests", [])
        batchable = [self.batchable(t) for t in tests] if LAUNCHER.sock is not None else []
        i = 0
        while i < len(tests):
            if batchable and batchable[i] and not LAUNCHER.dead:
                j = i + 1
                while j < len(tests) and j - i < BATCH_TESTS and batchable[j]:
                    j += 1
                done, stop = self.run_batch(tests[i:j])
                i += done
                if stop:
                    break
                if done:
                    continue
            rec = self.test(tests[i])
            emit(rec)
            self.clean_after_test()
            if self.stop_after(tests[i], rec):
                break
            i += 1
        emit({"type": "done"})  # written with the ``end`` record (serve) or at exit
        return 0


def copy_file(source: str, dest: str) -> None:
    import shutil

    shutil.copyfile(source, dest)


def check_name(test: dict):
    check = test.get("check")
    return check.get("name") if check else None


def run_job_file(path: str) -> int:
    try:
        with open(path) as f:
            job = json.load(f)
        return Runner(job).run()
    except Exception as e:  # noqa: BLE001 - a runner bug is a judge error, reported as such
        emit({"type": "error", "message": "%s: %s" % (type(e).__name__, e)}, now=True)
        return 1


def serve() -> int:
    """Run the jobs whose paths arrive on stdin, one per line, until EOF.

    After each job an ``end`` record is written, so the host knows the job is
    over.  One runner per container, reused by every job: a ``docker exec``
    and a Python start cost tens of milliseconds, more than a hundred tiny
    tests.
    """
    for line in sys.stdin:
        path = line.strip()
        if path:
            run_job_file(path)
            emit({"type": "end"}, now=True)
    return 0


PR_SET_CHILD_SUBREAPER = 36


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--zygote":
        # Neither the runner's SIGPIPE nor its subreaper role: its children are
        # python3 as a test would exec it, and their orphans go to the runner.
        return zygote_main(sys.argv[2])
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Orphans of a submission forked by the runner itself come to it (not to the
    # container's init, which would reap them unseen): see tree_end.
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if len(sys.argv) == 2 and sys.argv[1] == "--serve":
        return serve()
    if len(sys.argv) != 2:
        sys.stderr.write("usage: evalkit_runner.py JOB.json | --serve\n")
        return 2
    code = run_job_file(sys.argv[1])
    maybe_flush(force=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
