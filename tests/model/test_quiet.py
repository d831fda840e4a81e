"""Engine output into the run's log: what a subprocess, C code (fd writes), print() and
warnings write goes to the log; evalkit's consoles and its logger stay on the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import logging, os, subprocess, sys, warnings
    from pathlib import Path
    from rich.console import Console
    from evalkit.model.quiet import engine_output

    out, err = Console(), Console(stderr=True)
    with engine_output(Path(sys.argv[1]), [out, err], verbose=sys.argv[2] == "1") as log:
        out.print("evalkit table")
        err.print(f"engine log: {log}")
        subprocess.run("echo subprocess stdout; echo subprocess stderr >&2", shell=True)
        os.write(1, b"fd write\\n")
        print("python print", flush=True)
        warnings.warn("a torch warning")
        logging.getLogger("evalkit.sandbox").warning("evalkit warning")
    out.print("after the block")
""")
ENGINE = ("subprocess stdout", "subprocess stderr", "fd write", "python print",
          "a torch warning")


def run_child(tmp_path: Path, verbose: bool) -> tuple[subprocess.CompletedProcess[str], Path]:
    log = tmp_path / "run" / "engine.log"
    proc = subprocess.run([sys.executable, "-c", CHILD, str(log), "1" if verbose else "0"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    return proc, log


def test_engine_lines_go_to_the_log_and_evalkit_lines_to_the_terminal(tmp_path):
    proc, log = run_child(tmp_path, verbose=False)
    assert "evalkit table" in proc.stdout and "after the block" in proc.stdout
    assert f"engine log: {log}" in " ".join(proc.stderr.split())
    assert "evalkit warning" in proc.stderr
    terminal = proc.stdout + proc.stderr
    logged = log.read_text()
    for line in ENGINE:
        assert line not in terminal, line
        assert line in logged, line
    assert "evalkit table" not in logged


def test_verbose_leaves_engine_output_live(tmp_path):
    proc, log = run_child(tmp_path, verbose=True)
    terminal = proc.stdout + proc.stderr
    for line in (*ENGINE, "evalkit table", "evalkit warning"):
        assert line in terminal, line
    assert not log.exists()
