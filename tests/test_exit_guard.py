"""The test session fails, naming the culprit, when something keeps pytest from exiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from exit_guard import pytest_sessionfinish  # noqa: F401
"""

LEAVES_A_CHILD = """
import multiprocessing, os, time
from pathlib import Path

def test_leaves_a_non_daemon_child(tmp_path_factory):
    p = multiprocessing.get_context("fork").Process(target=time.sleep, args=(120,))
    p.start()  # never joined: the interpreter waits for it at exit
    Path(os.environ["PID_FILE"]).write_text(str(p.pid))
"""

CLEAN = """
def test_nothing_left():
    assert True
"""


def session(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_it.py").write_text(body)
    pid_file = tmp_path / "child.pid"
    env = {**os.environ, "EVALKIT_TEST_EXIT_GRACE": "2", "PID_FILE": str(pid_file)}
    # Files, not pipes: a leftover child holds its parent's stdout and stderr open.
    with open(tmp_path / "out", "w+") as out, open(tmp_path / "err", "w+") as err:
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(tmp_path)], cwd=tmp_path, env=env, stdout=out, stderr=err,
                           timeout=60)
    return subprocess.CompletedProcess(r.args, r.returncode, (tmp_path / "out").read_text(),
                                       (tmp_path / "err").read_text()), pid_file


def test_a_leftover_child_fails_the_session_with_its_name(tmp_path):
    r, pid_file = session(tmp_path, LEAVES_A_CHILD)
    try:
        assert r.returncode == 3, r.stdout + r.stderr
        assert "1 passed" in r.stdout  # the tests passed; the exit did not
        assert "did not exit 2 s after the session ended" in r.stderr
        assert "multiprocessing" in r.stderr or "pytest" in r.stderr  # its command line
        assert "_exit_function" in r.stderr  # the stack: waiting for the child at exit
    finally:
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_a_clean_session_exits_with_its_own_status(tmp_path):
    r, _ = session(tmp_path, CLEAN)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "did not exit" not in r.stderr
