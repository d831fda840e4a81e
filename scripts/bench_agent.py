"""The SWE-bench agent harness's own overhead per step (time outside the model call).

One container of a swebench_sample image; the same commands, interleaved, three ways:

- ``host``: ``docker exec -w /testbed -e K=V... <container> bash -c CMD`` from the host, as
  mini-swe-agent's own DockerEnvironment runs a command (a subprocess of the docker CLI);
- ``adapter``: evalkit's ContainerEnvironment.execute (evalkit/swebench/agent_env.py:
  docker API exec, stderr merged in the container, exit code, command-only timeout,
  submission check);
- ``adapter+journal``: the same, each result also appended to a kill-9-safe JSONL log and
  flushed, as the agent protocol stores every command (evalkit/jsonl.py).

Prints median and p99 per way and command, and the ratios against ``host`` (same run).
Usage: PYTHONPATH=. python scripts/bench_agent.py [--n 40] [--image evalkit-swe-statkit:latest]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import docker

from evalkit.jsonl import JsonlLog
from evalkit.swebench.agent_env import (
    ContainerEnvironment,
    EnvConfig,
    InstanceContainer,
    mini_swebench_config,
)

COMMANDS = {
    "true": "true",
    "cat file": "cat statkit/stats.py",
    "git diff": "git diff",
    "python3 -c": "python3 -c 'print(1)'",
    "grep -rn": "grep -rn 'def ' --include=*.py .",
}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40, help="runs per command and way")
    ap.add_argument("--image", default="evalkit-swe-statkit:latest")
    args = ap.parse_args()

    cfg = EnvConfig.from_mini(mini_swebench_config()["environment"])
    client = docker.from_env()
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, \
            InstanceContainer(client, image=args.image, instance_id="bench",
                              pull=False) as box, \
            JsonlLog(Path(tmp) / "episodes.jsonl") as log:
        plain = ContainerEnvironment(box, cfg)

        def record(command: str, run):  # type: ignore[no-untyped-def]
            result = run()
            log.append({"kind": "act", "label": "command", "result": result})
            return result

        journaled = ContainerEnvironment(box, cfg, record=record)
        host_argv = ["docker", "exec", "-w", cfg.cwd]
        for k, v in cfg.env.items():
            host_argv += ["-e", f"{k}={v}"]
        host_argv += [box.container.id, *cfg.interpreter]

        def host(cmd: str) -> None:
            subprocess.run([*host_argv, cmd], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, check=False, timeout=cfg.timeout)

        ways = {"host": host,
                "adapter": lambda c: plain.execute({"command": c}),
                "adapter+journal": lambda c: journaled.execute({"command": c})}
        for name, cmd in COMMANDS.items():  # warm up page cache and the CLI
            for f in ways.values():
                f(cmd)
            for _ in range(args.n):
                for way, f in ways.items():
                    t = time.perf_counter()
                    f(cmd)
                    times.setdefault((name, way), []).append(time.perf_counter() - t)
    client.close()

    print(f"image {args.image}, {args.n} runs per command and way, interleaved")
    print(f"{'command':<12} {'way':<16} {'median ms':>10} {'p99 ms':>8} "
          f"{'median x':>9} {'p99 x':>7}")
    for name in COMMANDS:
        hm, hp = statistics.median(times[(name, "host")]), pct(times[(name, "host")], .99)
        for way in ("host", "adapter", "adapter+journal"):
            xs = times[(name, way)]
            m, p = statistics.median(xs), pct(xs, .99)
            print(f"{name:<12} {way:<16} {m * 1e3:>10.1f} {p * 1e3:>8.1f} "
                  f"{m / hm:>8.2f}x {p / hp:>6.2f}x")
    all_host = [t for (_, w), xs in times.items() if w == "host" for t in xs]
    for way in ("adapter", "adapter+journal"):
        xs = [t for (_, w), ys in times.items() if w == way for t in ys]
        med = statistics.median(xs) / statistics.median(all_host)
        print(f"all commands: {way} / host  median {med:.2f}x"
              f"  p99 {pct(xs, .99) / pct(all_host, .99):.2f}x")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
