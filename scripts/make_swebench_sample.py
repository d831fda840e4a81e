"""Regenerate benchmarks/swebench_sample/instances.jsonl from its sources.

For each ``sources/<name>/``: the repository history is rebuilt exactly as the
image build does (same fixed commit dates, so the same ``base_commit``); the gold
``patch`` is ``git diff`` after copying ``fix/`` over the base tree, the
``test_patch`` likewise from ``tests/``; the ``eval_script`` follows the official
shape (SB:swebench/harness/test_spec/python.py ``make_eval_script_list_py``):
diff against base, checkout of the test files, the test patch in a heredoc, the
test command between the ``>>>>> Start/End Test Output`` markers, checkout again.
The local images have no conda, so the conda activation lines are left out.

Usage: python scripts/make_swebench_sample.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit.swebench.images import GIT_ENV, build_history  # noqa: E402

SAMPLE = ROOT / "benchmarks" / "swebench_sample"
HEREDOC = "EOF_114329324912"  # the official delimiter


def _git(repo: Path, *args: str) -> str:
    import os

    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, **GIT_ENV}).stdout


def _diff_after_copy(repo: Path, tree: Path) -> tuple[str, list[str]]:
    shutil.copytree(tree, repo, dirs_exist_ok=True)
    _git(repo, "add", "-A")
    files = _git(repo, "diff", "--cached", "--name-only").split()
    diff = _git(repo, "diff", "--cached")
    _git(repo, "reset", "-q", "--hard")
    return diff, files


def eval_script(base: str, test_files: list[str], test_patch: str, test_cmd: str) -> str:
    """The eval script in the official v5 dataset shape (minus conda activation)."""
    files = " ".join(test_files)
    lines = [
        "#!/bin/bash", "set -uxo pipefail", "cd /testbed",
        "git config --global --add safe.directory /testbed", "cd /testbed", "git status",
        "git show", f"git -c core.fileMode=false diff {base}",
        f"git checkout {base} {files}", f"git apply -v - <<'{HEREDOC}'",
        test_patch.rstrip("\n"), HEREDOC,
        ": '>>>>> Start Test Output'", f"{test_cmd} {files}", ": '>>>>> End Test Output'",
        f"git checkout {base} {files}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    rows = []
    for src in sorted((SAMPLE / "sources").iterdir()):
        meta = json.loads((src / "instance.json").read_text())
        repo_name = meta["repo"].split("/")[1]
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "testbed"
            base = build_history(SAMPLE / "repos" / repo_name / "commits", repo)
            gold, _ = _diff_after_copy(repo, src / "fix")
            test_patch, test_files = _diff_after_copy(repo, src / "tests")
        test_cmd = meta.pop("test_cmd")
        rows.append({
            "repo": meta["repo"], "instance_id": meta["instance_id"], "base_commit": base,
            "patch": gold, "test_patch": test_patch,
            "problem_statement": meta["problem_statement"], "hints_text": meta["hints_text"],
            "created_at": meta["created_at"], "version": meta["version"],
            "FAIL_TO_PASS": json.dumps(meta["FAIL_TO_PASS"]),
            "PASS_TO_PASS": json.dumps(meta["PASS_TO_PASS"]),
            "environment_setup_commit": base, "difficulty": "<15 min fix",
            "eval_script": eval_script(base, test_files, test_patch, test_cmd),
            "log_parser": meta["log_parser"], "eval_type": "pass_and_fail",
            "image": f"evalkit-swe-{repo_name}:latest",
        })
    out = SAMPLE / "instances.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"wrote {len(rows)} instances to {out}")


if __name__ == "__main__":
    main()
