"""``evalkit agreement BENCHMARK``: how far the benchmark's judge agrees with human grades."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from evalkit.cli import console, out
from evalkit.judging.agreement import CLASSES, NONE, Agreement

JUDGE = "Judge model (as for `evalkit run`)"


def agreement(
    benchmark: Annotated[str, typer.Argument(help="a proof benchmark: imo_proofbench, imo2025")],
    data: Annotated[Optional[Path], typer.Option(
        help="human-graded proofs: an IMO-GradingBench CSV (gradingbench.csv of "
             "google-deepmind/superhuman imobench/); default: the benchmark's reference "
             "solutions, graded 7")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", help="benchmark option KEY=VALUE (e.g. scale=imo)")] = None,
    limit: Annotated[Optional[int], typer.Option(help="only the first N graded proofs")] = None,
    workers: Annotated[int, typer.Option(help="parallel judge requests")] = os.cpu_count() or 1,
    out_dir: Annotated[Optional[Path], typer.Option(
        "--out", help="output folder (default: <results>/agreement--<benchmark>--<judge key>)")
    ] = None,
    results: Annotated[Path, typer.Option(help="where output folders go")] = Path("results"),
    judge_backend: Annotated[str, typer.Option(
        help="backend of the judge model", rich_help_panel=JUDGE)] = "",
    judge_model: Annotated[str, typer.Option(rich_help_panel=JUDGE)] = "",
    judge_preset: Annotated[str, typer.Option(rich_help_panel=JUDGE)] = "",
    judge_generations: Annotated[Optional[Path], typer.Option(
        help="JSONL of recorded verdicts for --judge-backend replay (problem_id = the "
             "Grading ID, or '<problem>#reference'; sample = attempt)",
        rich_help_panel=JUDGE)] = None,
    judge_temperature: Annotated[float, typer.Option(rich_help_panel=JUDGE)] = 0.0,
    judge_max_tokens: Annotated[int, typer.Option(rich_help_panel=JUDGE)] = 16384,
    judge_attempts: Annotated[int, typer.Option(rich_help_panel=JUDGE)] = 3,
    seed: Annotated[int, typer.Option(help="judge seed")] = 0,
) -> None:
    """Grade human-graded proofs with the benchmark's judge; print exact-match rate, MAE
    (0-7) and the confusion table.  Re-running resumes."""
    from dataclasses import replace

    from evalkit.agreement import judge_key_of, reference_proofs, run_agreement
    from evalkit.benchmarks import load_benchmark
    from evalkit.benchmarks.base import JudgeContext
    from evalkit.benchmarks.options import parse_sets
    from evalkit.errors import EvalkitError
    from evalkit.judging.llm import JudgeModel, JudgeSettings
    from evalkit.model import SamplingParams
    from evalkit.proofs.gradingbench import load_gradingbench

    bench = load_benchmark(benchmark, None, parse_sets(set_ or []))
    if not bench.needs_judge_model or not hasattr(bench, "grade"):
        raise EvalkitError(f"{benchmark} is not graded by a judge model: judge agreement "
                           "applies to proof benchmarks (imo_proofbench, imo2025)")
    if not judge_backend:
        raise EvalkitError("pass --judge-backend (and --judge-model, or --judge-generations "
                           "for replay)")
    source = load_gradingbench(data) if data is not None else reference_proofs(
        bench.items())  # type: ignore[attr-defined]
    if limit is not None:
        source = replace(source, proofs=source.proofs[:max(limit, 0)])
    for msg in source.skipped[:5]:
        console.print(f"[yellow]skipped[/] {msg}")
    if len(source.skipped) > 5:
        console.print(f"[yellow]skipped[/] {len(source.skipped) - 5} more row(s)")
    judge = JudgeModel(JudgeSettings(
        backend=judge_backend, model=judge_model, preset=judge_preset,
        generations=str(judge_generations.resolve()) if judge_generations else None,
        sampling=SamplingParams(temperature=judge_temperature, max_tokens=judge_max_tokens,
                                seed=seed),
        attempts=judge_attempts))
    try:
        if out_dir is None:
            key, _ = judge_key_of(bench, JudgeContext(judge_model=judge), source)
            out_dir = results / f"agreement--{benchmark}--{key[:8]}"
        result = run_agreement(bench, source, judge, out_dir, workers, console)
    finally:
        judge.close()
    out.print(render(result.stats, f"{benchmark}: judge vs human grades "
                                   f"({Path(source.source).name})"))
    console.print(f"saved in {result.out}")


def render(stats: Agreement, title: str) -> Table:
    """The agreement figures, then the confusion table (human rows, judge columns)."""
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.1f}%"

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    t = Table(title=title, caption=(
        f"{stats.graded} of {stats.total} proofs graded by the judge ({stats.ungraded} judge "
        f"error(s), not counted); exact match {pct(stats.exact_rate)}, binarized "
        f"(Correct+Almost vs Partial+Incorrect) {pct(stats.binarized_rate)}, MAE "
        f"{num(stats.mae_points)} points (judge points vs human points, 0-7), "
        f"{num(stats.mae_classes)} (classes as 7/6/1/0)"))
    t.add_column("human \\ judge")
    for c in (*CLASSES, NONE):
        t.add_column(c, justify="right")
    t.add_column("exact", justify="right")
    for h in CLASSES:
        row = stats.confusion[h]
        graded = sum(row[c] for c in CLASSES)
        t.add_row(h, *(str(row[c]) for c in (*CLASSES, NONE)),
                  pct(row[h] / graded) if graded else "-")
    return t
