"""Real run directories for the table, report and gate tests.

Every run here goes through :func:`evalkit.pipeline.start` on a bundled benchmark, with its
real judge (Docker sandboxes, the symbolic math grader, the SWE-bench harness, a replayed
proof judge), so the tests read summaries exactly as the adapters write them. Generations
are the benchmark tests' own known solutions, replayed: a "reference" row and a row of
mixed right and wrong answers per benchmark, kept small (few samples, few slow verdicts).

Runs are built lazily, once per pytest session, per benchmark (see ``RealRuns.get``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from evalkit.judging.llm import JudgeSettings
from evalkit.pipeline import RunConfig, start
from evalkit.results import RunResult, load_run

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"

# ioi2024_sample: one partially correct program per task (solutions/EXPECTED.json scores).
IOI_PARTIAL = {"aplusb": "solutions/partially_correct/bzero.cpp",
               "message": "solutions/partially_correct/more_packets.cpp",
               "sphinx": "solutions/partially_correct/adjacent_only.cpp"}
# icpc_sample: per problem, submissions in sample order (rejected first: solved@k > solved@1).
ICPC_MIXED = {"hello": ["wrong_answer/no_bang.cpp", "accepted/hello.py"],
              "different": ["wrong_answer/signed.py", "wrong_answer/int_overflow.cpp"],
              "fltcmp": ["accepted/fltcmp.cpp", "wrong_answer/three_decimals.cpp"],
              "guess": ["wrong_answer/linear.cpp", "accepted/binary_search.cpp"],
              "boolfind": ["wrong_answer/off_by_one.py", "run_time_error/exit_early.py"]}
# livecodebench_sample: two samples per problem (no time-limit solutions: 6 s each).
LCB_MIXED = {"1873_A": ["lowercase.py", "reference.py"],
             "abc_lcbs_mean": ["rounded.py", "crash.py"],
             "cf_lcbs_range_sums": ["reference.py", "global_counter.py"],
             "lc_lcbs_count_values": ["tuple_outer.py", "tuple_inner.py"],
             "lc_lcbs_min_operations": ["off_by_one.py", "float_result.py"]}
# imo2025: proofs and the replayed judge's verdicts (as in tests/benchmarks/test_proof.py).
IMO_RESPONSES = {
    "imo2025-p1": "Proof ... Hence $\\boxed{0, 1, 3}$.",
    "imo2025-p2": "Proof by inversion ... so the line is tangent.",
    "imo2025-p3": "Proof ... Therefore the smallest constant is $\\boxed{4}$.",
    "imo2025-p4": "Proof ... the answer is $\\boxed{6}$.",
    "imo2025-p5": "<think>thinking forever",  # truncated: 0 without asking the judge
    "imo2025-p6": "Construction and bound ... $\\boxed{2112}$.",
}
# model-a: 35 points, the gold cut-off; model-b: partial credit only.
IMO_POINTS = {"model-a": {"imo2025-p1": 7, "imo2025-p2": 7, "imo2025-p3": 7, "imo2025-p4": 7,
                          "imo2025-p6": 7},
              "model-b": {"imo2025-p1": 5, "imo2025-p2": 0, "imo2025-p3": 7, "imo2025-p4": 2,
                          "imo2025-p6": 1}}


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _boxed(answer: str) -> str:
    return f"The answer is $\\boxed{{{answer}}}$."


def _golds(name: str) -> dict[str, str]:
    from evalkit.benchmarks import load_benchmark

    return {p.id: str(p.meta["answer"]) for p in load_benchmark(name).problems()}


class RealRuns:
    """Real run directories under ``root``, built on first use and kept for the session."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.console = Console(file=open(os.devnull, "w"), width=120)
        self._built: dict[str, list[Path]] = {}
        self.builders: dict[str, Callable[[], list[Path]]] = {
            "ioi2024_sample": self._ioi, "icpc_sample": self._icpc,
            "livecodebench_sample": self._lcb, "aime2025": self._aime,
            "hmmt_feb2025": self._hmmt, "imo_answerbench": self._answerbench,
            "imo2025": self._imo, "swebench_sample": self._swebench}

    # -- access ---------------------------------------------------------------------
    def get(self, benchmark: str) -> list[Path]:
        """The run directories of ``benchmark`` (reference/first row first)."""
        if benchmark not in self._built:
            self._built[benchmark] = self.builders[benchmark]()
        return self._built[benchmark]

    def dirs(self, benchmarks: list[str] | None = None) -> list[Path]:
        """Run directories of ``benchmarks`` (default: all of them)."""
        return [p for b in (benchmarks or list(self.builders)) for p in self.get(b)]

    def load(self, benchmarks: list[str] | None = None) -> list[RunResult]:
        """The runs of ``benchmarks``, loaded as the table, report and gate load them."""
        return [load_run(p) for p in self.dirs(benchmarks)]

    def run(self, benchmark: str, model: str, **kw: object) -> Path:
        out = self.root / f"{benchmark}--{model}"
        start(RunConfig(benchmark=benchmark, model=model, out=out, workers=2,
                        results_root=self.root / "results", **kw),  # type: ignore[arg-type]
              self.console)
        return out

    def replay(self, benchmark: str, model: str, rows: list[dict], **kw: object) -> Path:
        gens = _jsonl(self.root / f"{benchmark}--{model}.jsonl", rows)
        return self.run(benchmark, model, backend="replay", generations=gens, **kw)

    # -- one builder per benchmark --------------------------------------------------
    def _ioi(self) -> list[Path]:
        tasks = BENCH / "ioi2024_sample" / "tasks"
        rows = [{"problem_id": t, "sample": 0,
                 "response": f"Partial idea.\n\n```cpp\n{(tasks / t / rel).read_text()}\n```\n"}
                for t, rel in IOI_PARTIAL.items()]
        return [self.run("ioi2024_sample", "reference"),
                self.replay("ioi2024_sample", "partial", rows)]

    def _icpc(self) -> list[Path]:
        probs = BENCH / "icpc_sample" / "problems"
        rows = []
        for name, rels in ICPC_MIXED.items():
            for s, rel in enumerate(rels):
                path = probs / name / "submissions" / rel
                tag = "cpp" if path.suffix == ".cpp" else "python"
                rows.append({"problem_id": name, "sample": s,
                             "response": f"```{tag}\n{path.read_text()}\n```\n"})
        return [self.run("icpc_sample", "reference"), self.replay("icpc_sample", "mixed", rows)]

    def _lcb(self) -> list[Path]:
        sols = BENCH / "livecodebench_sample" / "solutions"
        rows = [{"problem_id": q, "sample": s,
                 "response": f"Here is my program.\n\n```python\n{(sols / q / f).read_text()}```\n"}
                for q, files in LCB_MIXED.items() for s, f in enumerate(files)]
        return [self.run("livecodebench_sample", "reference"),
                self.replay("livecodebench_sample", "mixed", rows)]

    def _aime(self) -> list[Path]:
        """Two models with different sample counts (4 and 2): settings that differ."""
        rows_a, rows_b = [], []
        for i, (pid, gold) in enumerate(sorted(_golds("aime2025").items())):
            wrong = _boxed(str((int(gold) + 7) % 1000))
            rows_a += [{"problem_id": pid, "sample": s,
                        "response": _boxed(gold) if s < i % 5 else wrong} for s in range(4)]
            rows_b += [{"problem_id": pid, "sample": s,
                        "response": _boxed(gold) if (i + s) % 3 == 0 else wrong}
                       for s in range(2)]
        return [self.replay("aime2025", "model-a", rows_a, samples=4),
                self.replay("aime2025", "model-b", rows_b, samples=2)]

    def _hmmt(self) -> list[Path]:
        rows = [{"problem_id": pid, "sample": 0, "response": _boxed(a if i % 4 else "104")}
                for i, (pid, a) in enumerate(sorted(_golds("hmmt_feb2025").items()))]
        return [self.replay("hmmt_feb2025", "model-a", rows)]

    def _answerbench(self) -> list[Path]:
        golds = sorted(_golds("imo_answerbench").items())
        right = [{"problem_id": p, "sample": 0, "response": _boxed(a)} for p, a in golds]
        mixed = [{"problem_id": p, "sample": 0,
                  "response": _boxed(a) if i % 3 else "I could not finish."}
                 for i, (p, a) in enumerate(golds)]
        return [self.replay("imo_answerbench", "model-a", right),
                self.replay("imo_answerbench", "model-b", mixed)]

    def _imo(self) -> list[Path]:
        rows = [{"problem_id": p, "sample": 0, "response": r} for p, r in IMO_RESPONSES.items()]
        out = []
        for model, points in IMO_POINTS.items():
            verdicts = _jsonl(self.root / f"imo2025--{model}-verdicts.jsonl", [
                {"problem_id": f"{p}#0", "sample": 0,
                 "response": f"Checked every step.\n<points>{n} out of 7</points>"}
                for p, n in points.items()])
            out.append(self.replay("imo2025", model, rows, judge=JudgeSettings(
                backend="replay", generations=str(verdicts))))
        return out

    def _swebench(self) -> list[Path]:
        from evalkit.swebench.images import build_sample_images
        from evalkit.swebench.predictions import predictions_to_replay

        build_sample_images(log=lambda _msg: None)  # no-op when `make swe-images` built them
        ids = [json.loads(x)["instance_id"] for x in
               (BENCH / "swebench_sample" / "instances.jsonl").read_text().splitlines()]
        gens, _ = predictions_to_replay(BENCH / "swebench_sample" / "predictions" / "mixed.jsonl",
                                        ids, self.root / "predictions")
        return [self.run("swebench_sample", "reference"),
                self.run("swebench_sample", "demo-agent", backend="replay", generations=gens)]
