"""SWE-bench benchmarks (``swebench_verified``, ``swebench_sample``): patches, official rules.

A generation's response *is* the patch (``model_patch``), as produced by an
agent scaffold and imported with ``--predictions``.  Judging does not use
evalkit's judge sandbox: each instance runs in its own container from its
instance image (:mod:`evalkit.swebench.container`), and is graded by the
official ``swebench`` package (:mod:`evalkit.swebench.grading`).  Per-instance
files and ``report.json`` go to ``<run>/logs/run_evaluation/<judge_key>/<id>/``,
the official run report to ``<run>/<model>.<judge_key>.json``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError
from evalkit.protocols.agent import PATCH_LABEL, AgentOptions
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import swebench as swe_scoring
from evalkit.swebench import report as rep
from evalkit.swebench.instances import Instance, find_instances_file, load_jsonl
from evalkit.swebench.predictions import NOT_SUBMITTED, PATCH_IS_NONE


def timings(start: float, eval_seconds: float | None) -> dict[str, float | None]:
    """Seconds from the first container start (retries included) to the verdict, and of
    those in the eval script (details["timings"])."""
    return {"total": round(time.monotonic() - start, 2),
            "eval": None if eval_seconds is None else round(eval_seconds, 2)}


PROMPT = """\
You are working in a checkout of {repo} at /testbed (commit {base_commit}). \
Resolve the issue below by editing the repository's source files; do not edit the \
tests. Your answer is the `git diff` of your changes.

<issue>
{problem_statement}
</issue>
"""


@dataclass(frozen=True)
class SweJudgeOptions:
    timeout: float = 1800.0  # seconds per eval script (SB run_evaluation --timeout)
    pull: bool = True  # pull instance images the engine lacks
    retries: int = 2  # extra attempts after an infrastructure error
    clean_images: bool = False  # remove each instance image after judging it


@dataclass(frozen=True)
class SweOptions(BenchmarkOptions):
    """The spec's keys (benchmarks/swebench*.toml); ``--set`` overrides any of them."""

    official_verdicts: str | None = None  # file of official runs' verdicts, in the data folder
    judge: SweJudgeOptions = field(default_factory=SweJudgeOptions)
    # protocol = "agent": mini-SWE-agent writes the patch in the instance container
    # (evalkit/protocols/agent.py); its limits, by mini-swe-agent's names.
    agent: AgentOptions = field(default_factory=AgentOptions)

    ALIASES: ClassVar[dict[str, str]] = {"eval-timeout": "judge.timeout",
                                         "clean-images": "judge.clean_images"}
    PROTOCOLS: ClassVar[tuple[str, ...]] = ("agent",)

    def check(self, where: str) -> None:
        if self.judge.timeout <= 0:
            raise EvalkitError(f"{where}: key 'judge.timeout' must be positive")
        self.agent.check(where)


class SwebenchBenchmark(Benchmark):
    needs_sandbox = False
    Options = SweOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        judge = dict(self.spec.settings.get("judge", {}))
        self.timeout = float(judge.get("timeout", 1800))
        self.pull = bool(judge.get("pull", True))
        self.retries = int(judge.get("retries", 2))
        self.clean_images = bool(judge.get("clean_images", False))
        self._instances: dict[str, Instance] | None = None
        self._hash: str | None = None

    def import_predictions(self, path: Path, dest: Path) -> tuple[Path, str]:
        """Official JSONL/JSON, OpenHands output.jsonl, mini-SWE-agent preds/trajectories."""
        from evalkit.swebench.predictions import predictions_to_replay

        return predictions_to_replay(path, [p.id for p in self.problems()], dest)

    # -- data ----------------------------------------------------------------
    def instances_file(self) -> Path:
        if self.data_dir is None:
            raise EvalkitError(f"{self.name}: no data ({self.spec.data_help})")
        return find_instances_file(self.data_dir)

    def instances(self) -> dict[str, Instance]:
        if self._instances is None:
            self._instances = {i.instance_id: i for i in load_jsonl(self.instances_file())}
        return self._instances

    def problems(self) -> list[Problem]:
        return [Problem(id=i.instance_id, title=i.instance_id,
                        messages=[{"role": "user", "content": PROMPT.format(
                            repo=i.repo, base_commit=i.base_commit,
                            problem_statement=i.problem_statement)}],
                        reference=i.gold_patch, meta={"repo": i.repo, "image": i.image})
                for i in self.instances().values()]

    def data_hash(self) -> str:
        if self._hash is None:
            self._hash = hashlib.sha256(self.instances_file().read_bytes()).hexdigest()
        return self._hash

    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        from importlib.metadata import version

        return {"benchmark": self.name, "data_hash": self.data_hash(),
                "swebench": version("swebench"), "timeout": self.timeout}

    def generated(self, gens: Iterable[Generation], backend: str) -> list[Generation]:
        """Model turns only: an imported prediction (``replay``) or a gold patch
        (``reference``) was not generated in this run, and the agent's patch step is a
        command's output; an empty patch or a missing prediction is an outcome
        (empty_patch, not_submitted), never a sign that max_tokens was too small."""
        out = []
        for g in gens:
            label = (g.meta or {}).get("label")
            if label == PATCH_LABEL or (label is None and backend in ("replay", "reference")):
                continue
            out.append(g)
        return out

    # -- judging -------------------------------------------------------------
    def log_dir(self, ctx: JudgeContext, judge_key: str, g: Generation) -> Path:
        """The official per-instance folder (one per sample beyond the first)."""
        root = Path(ctx.run_dir) if ctx.run_dir else Path("logs")
        leaf = g.problem_id if g.sample == 0 else f"{g.problem_id}.sample{g.sample}"
        return root / "logs" / "run_evaluation" / judge_key / leaf

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        inst = self.instances()[problem.id]

        def verdict(outcome: str, error: str | None = None, **details: Any) -> Judgement:
            return Judgement(problem_id=problem.id, sample=generation.sample,
                             judge_key=judge_key, verdict=outcome,
                             score=1.0 if outcome == rep.RESOLVED else 0.0, max_score=1.0,
                             details={"outcome": outcome, "repo": inst.repo, **details},
                             judge_error=error)

        if generation.finish_reason == NOT_SUBMITTED:
            return verdict(rep.NOT_SUBMITTED)
        patch: str | None = generation.response
        if generation.finish_reason == PATCH_IS_NONE:
            patch = None
        # SB reporting.py: a patch equal to "" or None is not run (empty_patch).
        if patch in ("", None):
            return verdict(rep.EMPTY_PATCH, patch_is_None=patch is None)
        assert patch is not None
        log_dir = self.log_dir(ctx, judge_key, generation)
        report_path = log_dir / "report.json"
        if report_path.exists():  # resume, as the official harness does
            try:
                stored = json.loads(report_path.read_text())
                return self._graded(inst, stored, verdict, resumed=True)
            except (json.JSONDecodeError, KeyError, TypeError):
                report_path.unlink()  # torn or foreign: run the instance again
        return self._run(inst, patch, log_dir, verdict)

    def _run(self, inst: Instance, patch: str, log_dir: Path, verdict: Any) -> Judgement:
        import docker

        from evalkit.swebench import grading
        from evalkit.swebench.container import InfraError, remove_image, run_instance

        script = grading.eval_script(inst)
        errors: list[str] = []
        start = time.monotonic()
        for _attempt in range(1 + max(0, self.retries)):
            client = None
            try:
                client = docker.from_env(timeout=600)
                run = run_instance(client, instance_id=inst.instance_id, image=inst.image,
                                   patch=patch, eval_script=script, timeout=self.timeout,
                                   log_dir=log_dir, pull=self.pull)
                if self.clean_images:
                    remove_image(client, inst.image)
                break
            except InfraError as e:
                errors.append(str(e))
            except docker.errors.DockerException as e:
                errors.append(f"{inst.instance_id}: docker failed ({e})")
            finally:
                if client is not None:
                    client.close()
        else:
            # Never counted as unresolved: stored as a judge error, retried next run.
            return verdict(rep.INFRA_ERROR, error=errors[-1], attempts=len(errors),
                           timings=timings(start, None))
        if not run.applied:
            return verdict(rep.PATCH_FAILED, timings=timings(start, None))
        if run.timed_out:
            return verdict(rep.TIMEOUT, runtime=round(run.runtime, 1),
                           timings=timings(start, run.runtime))
        pred = {"instance_id": inst.instance_id, "model_name_or_path": "evalkit",
                "model_patch": patch}
        report = grading.report(inst, pred, log_dir / "test_output.txt")
        tmp = log_dir / "report.json.part"
        tmp.write_text(json.dumps(report, indent=4))
        tmp.replace(log_dir / "report.json")
        return self._graded(inst, report, verdict, apply_command=run.apply_command,
                            runtime=round(run.runtime, 1), timings=timings(start, run.runtime))

    @staticmethod
    def _graded(inst: Instance, report: dict[str, Any], verdict: Any,
                **extra: Any) -> Judgement:
        r = report[inst.instance_id]
        tests = r.get("tests_status") or {}
        failed = {k: tests[k]["failure"] for k in ("FAIL_TO_PASS", "PASS_TO_PASS")
                  if k in tests and tests[k]["failure"]}
        return verdict(rep.RESOLVED if r["resolved"] else rep.UNRESOLVED,
                       log_parsed=bool(r["patch_successfully_applied"]), failed_tests=failed,
                       **extra)

    # -- aggregation ---------------------------------------------------------
    def outcomes(self, problems: Sequence[Problem],
                 judgements: Mapping[tuple[str, int], Judgement],
                 sample: int = 0) -> list[rep.InstanceOutcome]:
        """Each problem's outcome for one sample (unjudged = infrastructure error)."""
        out = []
        for p in problems:
            j = judgements.get((p.id, sample))
            out.append(rep.InstanceOutcome(p.id, str(p.meta.get("repo", "")),
                                           j.verdict if j else rep.INFRA_ERROR))
        return out

    @staticmethod
    def _compared(outcomes: list[rep.InstanceOutcome]) -> list[str]:
        """Instances with a verdict to set beside the official ones (not missing, not errors)."""
        return swe_scoring.compared(outcomes)

    def official_runs(self) -> dict[str, Any] | None:
        name = self.spec.settings.get("official_verdicts")
        if not name or self.data_dir is None or not (self.data_dir / name).is_file():
            return None
        return rep.load_official(self.data_dir / name)

    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return swe_scoring.summarize(self.name, problems, judgements,
                                     self.outcomes(problems, judgements), self.official_runs())

    def finish(self, run_dir: Path, summary: Mapping[str, Any]) -> None:
        """Write the official run report ``<model>.<judge_key>.json`` beside the summary."""
        try:
            model = json.loads((run_dir / "manifest.json").read_text()).get("model") or "model"
        except (OSError, json.JSONDecodeError):
            model = "model"
        report = summary["metrics"]["run_report"]
        path = run_dir / f"{str(model).replace('/', '__')}.{summary.get('judge_key', 'run')}.json"
        path.write_text(json.dumps(report, indent=4))
        runs = self.official_runs()
        judged = set(report["submitted_ids"]) - set(report["infra_failure_ids"])
        if runs is not None and judged:
            resolved_ids = set(report["resolved_ids"])
            rows = rep.compare_official({i: i in resolved_ids for i in judged}, runs,
                                        model=str(model))
            (run_dir / "official_comparison.json").write_text(json.dumps(rows, indent=2))

