"""Per-instance cost of the SWE-bench runner on the bundled sample (figures for the README).

Usage: python scripts/bench_swebench.py [--reps 3]
Prints, per sample instance, the mean wall time of one full judgement (container,
apply chain, eval script, removal) beside the bare cost of creating, starting and
removing a container of the same image (the baseline), and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docker

from evalkit._resources import benchmarks_dir
from evalkit.swebench import grading
from evalkit.swebench.container import LABELS, run_instance
from evalkit.swebench.images import build_sample_images
from evalkit.swebench.instances import load_jsonl


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    build_sample_images(log=lambda _m: None)
    client = docker.from_env()
    print(f"{'instance':30} {'judge s':>8} {'bare container s':>17} {'ratio':>6}")
    for inst in load_jsonl(benchmarks_dir() / "swebench_sample" / "instances.jsonl"):
        script = grading.eval_script(inst)
        full, bare = [], []
        for _ in range(args.reps):
            t = time.monotonic()
            c = client.containers.create(inst.image, command="tail -f /dev/null", labels=LABELS)
            c.start()
            c.remove(force=True)
            bare.append(time.monotonic() - t)
            with tempfile.TemporaryDirectory() as tmp:
                t = time.monotonic()
                run_instance(client, instance_id=inst.instance_id, image=inst.image,
                             patch=inst.gold_patch, eval_script=script, timeout=300,
                             log_dir=Path(tmp), pull=False)
                full.append(time.monotonic() - t)
        f, b = statistics.mean(full), statistics.mean(bare)
        print(f"{inst.instance_id:30} {f:8.2f} {b:17.2f} {f / b:6.1f}")


if __name__ == "__main__":
    main()
