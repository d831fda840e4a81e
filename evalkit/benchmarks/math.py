"""Final-answer math benchmarks (``aime2025``, ``hmmt_feb2025``, ``imo_answerbench``).

One adapter, configured by the spec: data ``format`` (see
:mod:`evalkit.benchmarks.mathdata`), optional ``prompt`` template.  Judging:
the final answer (after any reasoning) is graded by the symbolic grader
:func:`evalkit.math.grade` against the gold answer; no sandbox.  Metrics over
k samples per problem come from :mod:`evalkit.scoring.sampling`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from evalkit.benchmarks.base import JudgeContext, headline
from evalkit.benchmarks.mathdata import MathDataBenchmark, MathDataOptions, MathItem
from evalkit.errors import EvalkitError
from evalkit.extract.reasoning import split_reasoning
from evalkit.records import Generation, Judgement, Problem
from evalkit.scoring import sampling

# NeMo-Skills `generic/math` prompt config, which its aime25, hmmt_feb25 and
# imo-answerbench benchmarks use (reference/nemotron_eval_protocol.md §2.2);
# MathArena's config.yaml asks the same ("put your final answer within \boxed{}").
PROMPT = ("Solve the following math problem. Make sure to put the answer (and only answer) "
          "inside \\boxed{{}}.\n\n{problem}")

CORRECT, WRONG, NO_ANSWER = "AC", "WA", "NO_ANSWER"


@dataclass(frozen=True)
class MathAnswerOptions(MathDataOptions):
    """The spec's keys (aime2025, hmmt_feb2025, imo_answerbench); ``--set`` overrides."""

    prompt: str = PROMPT  # must contain {problem}

class MathAnswerBenchmark(MathDataBenchmark):
    """Problems with a short gold answer, graded symbolically."""

    Options = MathAnswerOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        template = self.spec.settings.get("prompt", PROMPT)
        if not isinstance(template, str) or "{problem}" not in template:
            raise EvalkitError(f"{spec.spec_path}: field 'prompt' must contain {{problem}}")
        self.template = template

    # -- data ----------------------------------------------------------------
    def check_items(self, items: Sequence[MathItem]) -> None:
        missing = [i.id for i in items if not i.answer]
        if missing:
            raise EvalkitError(f"{self.data_dir}: no gold answer for {', '.join(missing)}")

    def problems(self) -> list[Problem]:
        # No statement (answers-only data): no prompt; generating refuses, replay works.
        return [Problem(id=i.id, title=i.title,
                        messages=[{"role": "user",
                                   "content": self.template.format(problem=i.statement)}]
                        if i.statement is not None else [],
                        reference=f"The answer is $\\boxed{{{i.answer}}}$.",
                        meta={"answer": i.answer, **i.meta})
                for i in self.items().values()]

    # -- judging -------------------------------------------------------------
    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        return {"benchmark": self.name, "data_hash": self.data_hash(),
                "grader_sha256": grader_sha256()}

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        gold = self.items()[problem.id].answer
        assert gold is not None
        return grade_answer(problem.id, generation, gold, judge_key)

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        metrics = answer_metrics(problems, judgements)
        return {
            "benchmark": self.name,
            "score": metrics["accuracy"]["mean"],
            "max_score": 1.0,
            "metrics": metrics,
            **headline("accuracy (avg@k)", "fraction", "mean",
                       {p: t["accuracy"] for p, t in metrics["problems"].items()},
                       {p: 1.0 for p in metrics["problems"]}),
        }

    def render(self, summary: Mapping[str, Any]) -> RenderableType:
        return render_answer_summary(summary)


def grader_sha256() -> str:
    """A hash of the symbolic grader's source: a changed grader re-judges every answer."""
    import hashlib

    from evalkit import math as grader

    h = hashlib.sha256()
    for f in sorted(Path(grader.__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def grade_answer(problem_id: str, generation: Generation, gold: str,
                 judge_key: str) -> Judgement:
    """Extract the final answer (never from unfinished reasoning) and grade it against ``gold``."""
    from evalkit.math import equivalent, extract_answer

    base: dict[str, Any] = {"problem_id": problem_id, "sample": generation.sample,
                            "judge_key": judge_key, "max_score": 1.0}
    split = split_reasoning(generation.response, generation.reasoning)
    answer = extract_answer(split.answer) if not split.unclosed else None
    if answer is None:
        why = "reasoning never ended" if split.unclosed else "no final answer found"
        return Judgement(**base, verdict=NO_ANSWER, score=0.0,
                         details={"answer": None, "gold": gold, "message": why})
    try:
        ok = bool(equivalent(gold, answer))
    except Exception as e:  # noqa: BLE001 - a grader crash is a judge error, retried later
        return Judgement(**base, verdict="JE", score=0.0,
                         details={"answer": answer, "gold": gold},
                         judge_error=f"grader failed: {type(e).__name__}: {e}"[:500])
    return Judgement(**base, verdict=CORRECT if ok else WRONG, score=1.0 if ok else 0.0,
                     details={"answer": answer, "gold": gold})


def canonical_answers(answers: Sequence[str | None]) -> list[str | None]:
    """Map each answer to the first earlier answer equivalent to it, for majority voting.

    Raw strings would split votes between ``\\frac{1}{2}`` and ``0.5``; grouping
    by :func:`evalkit.math.equivalent` counts them as one answer.
    """
    from evalkit.math import equivalent

    reps: list[str] = []
    out: list[str | None] = []
    for a in answers:
        if a is None:
            out.append(None)
            continue
        rep = next((r for r in reps if r == a or _safe_equivalent(r, a, equivalent)), None)
        if rep is None:
            reps.append(a)
            rep = a
        out.append(rep)
    return out


def _safe_equivalent(a: str, b: str, equivalent: Any) -> bool:
    try:
        return bool(equivalent(a, b))
    except Exception:  # noqa: BLE001 - an ungradable pair is simply not merged
        return False


def sample_ks(n: int) -> list[int]:
    """The k reported for pass@k and maj@k: powers of two up to n, and n itself."""
    ks = [1 << i for i in range(n.bit_length()) if (1 << i) <= n]
    return ks + ([n] if n not in ks else [])


def answer_metrics(problems: Sequence[Problem],
                   judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
    """avg@k (with SE over problems), unbiased pass@k and maj@k, plus per-problem detail."""
    per: dict[str, Any] = {}
    correct: dict[str, list[bool]] = {}
    canon: dict[str, list[str | None]] = {}
    right: dict[str, dict[Any, bool]] = {}
    judge_errors = 0
    for p in problems:
        js = sorted((j for (pid, _), j in judgements.items() if pid == p.id),
                    key=lambda j: j.sample)
        judge_errors += sum(1 for j in js if j.judge_error)
        valid = [j for j in js if not j.judge_error]
        oks = [j.verdict == CORRECT for j in valid]
        answers = [j.details.get("answer") for j in valid]
        reps = canonical_answers(answers)
        correct[p.id], canon[p.id] = oks, reps
        right[p.id] = {r: ok for r, ok in zip(reps, oks, strict=True) if r is not None}
        counts = Counter(r for r in reps if r is not None)
        top = sampling.majority_vote(reps)
        per[p.id] = {
            "samples": len(valid), "correct": sum(oks),
            "accuracy": sum(oks) / len(oks) if oks else 0.0,
            "no_answer": sum(1 for j in valid if j.verdict == NO_ANSWER),
            "majority": top, "majority_correct": bool(top is not None and right[p.id][top]),
            "answers": dict(counts.most_common(5)), "gold": p.meta.get("answer"),
            "judge_errors": len(js) - len(valid),
        }
    judged = {p: v for p, v in correct.items() if v}
    n_min = min((len(v) for v in judged.values()), default=0)
    pass_k, maj_k = {}, {}
    for k in sample_ks(n_min) if n_min else []:
        pk = sampling.mean_pass_at_k(judged, k)
        mk = sampling.maj_at_k({p: canon[p] for p in judged}, right, k)
        if pk is not None:
            pass_k[str(k)] = pk.to_json()
        if mk is not None:
            maj_k[str(k)] = mk.to_json()
    acc = sampling.avg_at_k({p: [1.0 if c else 0.0 for c in v] for p, v in correct.items()})
    return {
        "accuracy": acc.to_json(),
        "samples_per_problem": n_min,
        "pass_at_k": pass_k,
        "maj_at_k": maj_k,
        "rules": {"accuracy": "avg@k: mean over samples, averaged over problems; SE over "
                              "problems",
                  "pass_at_k": "unbiased estimator (Chen et al. 2021)",
                  "maj_at_k": "most common equivalent answer among the first k samples"},
        "no_answer": sum(t["no_answer"] for t in per.values()),
        "judge_errors": judge_errors,
        "problems": per,
    }


def render_answer_summary(summary: Mapping[str, Any]) -> RenderableType:
    """Per-problem table and the avg@k / pass@k / maj@k line."""
    m = summary["metrics"]
    table = Table(title=f"{summary['benchmark']} — final-answer accuracy", title_justify="left")
    for col in ("problem", "correct", "accuracy", "majority answer", "gold"):
        table.add_column(col, justify="right" if col in ("correct", "accuracy") else "left",
                         overflow="fold", max_width=40 if col in ("majority answer", "gold")
                         else None)
    for pid, t in m["problems"].items():
        mark = "" if t["majority"] is None else (" ✓" if t["majority_correct"] else " ✗")
        table.add_row(pid, f"{t['correct']}/{t['samples']}", f"{t['accuracy']:.2f}",
                      f"{t['majority'] if t['majority'] is not None else '—'}{mark}",
                      str(t["gold"]))
    acc = m["accuracy"]
    table.add_section()
    table.add_row("all", "", f"{acc['mean']:.4f}", "", "")
    lines: list[RenderableType] = [table]
    k = m["samples_per_problem"]
    text = (f"avg@{k} = {100 * acc['mean']:.2f}% ± {100 * acc['stderr']:.2f} "
            f"(SE, {acc['n']} problems)")
    for name, key in (("pass", "pass_at_k"), ("maj", "maj_at_k")):
        if m[key]:
            text += "; " + ", ".join(f"{name}@{kk} {100 * v['mean']:.2f}%"
                                      for kk, v in m[key].items())
    lines.append(Text(text, style="bold"))
    if m["no_answer"]:
        lines.append(Text(f"{m['no_answer']} sample(s) had no final answer", style="dim"))
    if m["judge_errors"]:
        lines.append(Text(f"{m['judge_errors']} judge error(s): not counted; re-run to retry "
                          "them", style="bold red"))
    return Group(*lines)
