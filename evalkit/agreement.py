"""``evalkit agreement``: a proof benchmark's judge against human grades.

The benchmark's own judge (:meth:`evalkit.benchmarks.proof.ProofBenchmark.grade`,
the same prompt, scale and retries as a run) grades every human-graded proof
(IMO-GradingBench CSV, or the benchmark's reference solutions); the grades are
compared by :mod:`evalkit.judging.agreement`.

The output folder keeps ``judgements.jsonl`` (one Judgement per proof, appended
as each finishes, keyed by the judge fingerprint, so ``kill -9`` loses nothing
and a re-run only asks what is missing or was a judge error) and
``agreement.json`` (the statistics, the source and the judge).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.mathdata import MathItem
from evalkit.errors import EvalkitError
from evalkit.judging.agreement import Agreement, Pair, agreement, judge_class
from evalkit.judging.llm import JudgeModel
from evalkit.proofs.gradingbench import REFERENCE, GradedProof, GradedSet
from evalkit.records import Generation, Judgement
from evalkit.rundir import RunDir, write_json_atomic

SUMMARY = "agreement.json"


@dataclass(frozen=True)
class AgreementResult:
    """What a finished agreement run found."""

    out: Path
    judge_key: str
    source: GradedSet
    pairs: tuple[Pair, ...]
    stats: Agreement


def reference_proofs(items: Mapping[str, MathItem]) -> GradedSet:
    """A proof benchmark's reference solutions as proofs graded 7 (Correct); problems
    without one are left out (see evalkit/proofs/gradingbench.py for the caveat)."""
    proofs = tuple(
        GradedProof(id=f"{i.id}#reference", problem_id=i.id, problem=i.statement or "",
                    solution=i.solution or "", guidelines=i.guidelines or "",
                    response=i.solution or "", points=7, grade="Correct",
                    source=str(i.meta.get("Source", "")))
        for i in items.values() if i.solution and i.statement)
    if not proofs:
        raise EvalkitError("this benchmark has no reference solutions: pass --data "
                           "gradingbench.csv (IMO-GradingBench)")
    h = hashlib.sha256()
    for p in proofs:
        h.update(f"{p.id}\0{p.problem}\0{p.response}\0".encode())
    return GradedSet(REFERENCE, proofs, (), h.hexdigest())


def _item(p: GradedProof) -> MathItem:
    # The row's own statement and reference: GradingBench rows may predate the bundled CSV.
    return MathItem(id=p.id, title=p.problem_id, statement=p.problem, answer=None,
                    solution=p.solution or None, guidelines=p.guidelines or None, points=7)


def judge_key_of(bench: Benchmark, ctx: JudgeContext,
                 source: GradedSet) -> tuple[str, dict[str, Any]]:
    """The key of this judge on this source (the benchmark's judge fingerprint + the
    source's hash)."""
    fingerprint = {**bench.judge_fingerprint(ctx), "graded_source_sha256": source.sha256}
    return (hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:16],
            fingerprint)


def run_agreement(bench: Benchmark, source: GradedSet, judge: JudgeModel, out: Path,
                  workers: int, console: Console) -> AgreementResult:
    """Grade every proof of ``source`` not yet graded under this judge, then compare."""
    grade = getattr(bench, "grade", None)
    if grade is None or not bench.needs_judge_model:
        raise EvalkitError(f"{bench.name} is not graded by a judge model: judge agreement "
                           "applies to proof benchmarks (imo_proofbench, imo2025)")
    ctx = JudgeContext(judge_model=judge, run_dir=out)
    key, fingerprint = judge_key_of(bench, ctx, source)
    rd = RunDir(out)
    rd.lock()
    try:
        log = rd.judgement_log()  # opening repairs a line torn by kill -9
        try:
            done = rd.judgements(key)
            todo = [p for p in source.proofs
                    if (p.id, 0) not in done or done[(p.id, 0)].judge_error]
            if todo:
                _grade_all(grade, todo, ctx, key, log, max(1, workers), console)
        finally:
            log.close()
        judged = rd.judgements(key)
        scale = getattr(getattr(bench, "scale", None), "name", "proofbench")
        pairs = tuple(_pair(p, judged.get((p.id, 0)), scale) for p in source.proofs)
        stats = agreement(pairs)
        write_json_atomic(out / SUMMARY, {
            "benchmark": bench.name, "source": source.source, "source_sha256": source.sha256,
            "proofs": len(source.proofs), "skipped_rows": list(source.skipped),
            "judge_key": key, "judge": fingerprint, "scale": scale, **stats.to_json()})
    finally:
        rd.unlock()
    return AgreementResult(out, key, source, pairs, stats)


def _grade_all(grade: Any, todo: list[GradedProof], ctx: JudgeContext, key: str, log: Any,
               workers: int, console: Console) -> None:
    def one(p: GradedProof) -> Judgement:
        gen = Generation(problem_id=p.id, sample=0, response=p.response)
        try:
            j: Judgement = grade(_item(p), gen, ctx, key, p.id)
            return j
        except Exception as e:  # noqa: BLE001 - one proof never stops the others
            return Judgement(problem_id=p.id, sample=0, judge_key=key, verdict="JE", score=0.0,
                             max_score=7.0, judge_error=f"{type(e).__name__}: {e}"[:500])

    with Progress(TextColumn("judging"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("judge", total=len(todo))
        with ThreadPoolExecutor(workers) as pool:
            for fut in as_completed([pool.submit(one, p) for p in todo]):
                log.append(fut.result().to_json())
                bar.advance(task)


def _pair(p: GradedProof, j: Judgement | None, scale: str) -> Pair:
    if j is None or j.judge_error:
        return Pair(p.id, p.points, p.grade)
    points = j.score * 7.0 / j.max_score if j.max_score else 0.0
    return Pair(p.id, p.points, p.grade, points, judge_class(points, scale))
