"""Final-answer benchmarks: bundled data, gold self-consistency, end-to-end runs, metrics.

Runs use the real ``replay`` backend and the real symbolic grader
(:mod:`evalkit.math`); no sandbox is involved.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir
from evalkit.scoring.math import canonical_answers, sample_ks

REPO = Path(__file__).resolve().parents[2]


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)


def boxed(answer: str) -> str:
    return f"The final answer is $\\boxed{{{answer}}}$."


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def golds(name: str) -> dict[str, str]:
    return {p.id: p.meta["answer"] for p in load_benchmark(name).problems()}


# -- data -------------------------------------------------------------------

def test_bundled_problem_counts_and_prompts():
    for name, count in (("aime2025", 30), ("hmmt_feb2025", 30), ("imo_answerbench", 400)):
        problems = load_benchmark(name).problems()
        assert len(problems) == count
        assert len({p.id for p in problems}) == count
    text = load_benchmark("imo_answerbench").problems()[0].messages[0]["content"]
    # NeMo-Skills generic/math wording, then the statement.
    assert text.startswith("Solve the following math problem. Make sure to put the answer "
                           "(and only answer) inside \\boxed{}.\n\n")


def test_aime_and_hmmt_statements_are_not_bundled_and_prompts_say_where_to_get_them(tmp_path):
    # © MAA / HMMT: only the answers ship; asking for prompts names --data.
    from evalkit.errors import EvalkitError
    from evalkit.pipeline import require_prompts

    bench = load_benchmark("aime2025")
    problems = bench.problems()
    assert all(p.messages == [] for p in problems)
    with pytest.raises(EvalkitError, match=r"aime2025: no problem statement for 30 .*--data DIR"):
        require_prompts(bench, problems)
    # With MathArena's layout (statements included) the prompts exist.
    for part in ("aime_2025_I", "aime_2025_II"):
        (tmp_path / part / "problems").mkdir(parents=True)
        answers = (bench.spec.data / part / "answers.csv").read_text()  # type: ignore[operator]
        (tmp_path / part / "answers.csv").write_text(answers)
        for line in answers.splitlines()[1:]:
            (tmp_path / part / "problems" / f"{line.split(',')[0]}.tex").write_text("Find $x$.")
    with_data = load_benchmark("aime2025", tmp_path)
    require_prompts(with_data, with_data.problems())
    assert with_data.problems()[0].messages[0]["content"].endswith("Find $x$.")


def test_aime_answers_and_ids():
    g = golds("aime2025")
    assert g["aime_2025_I-1"] == "70" and g["aime_2025_II-15"] == "240"
    assert all(0 <= int(a) <= 999 for a in g.values())


def test_hmmt_list_and_factorial_answers():
    g = golds("hmmt_feb2025")
    assert g["hmmt_feb_2025-10"] == "\\frac{-1+\\sqrt{17}}{2}, \\frac{-1-\\sqrt{17}}{2}"
    assert g["hmmt_feb_2025-17"] == "2^{25} \\cdot 26!"


def test_answerbench_errata_are_fixed():
    bench = load_benchmark("imo_answerbench")
    by_id = {p.id: p for p in bench.problems()}
    alg36 = by_id["imo-bench-algebra-036"]
    assert alg36.meta["answer"] == "$Y(x)=A+\\frac{B}{x}-x$"
    assert alg36.meta["Category"] == "Algebra" and alg36.meta["Source"] == "Iran 2002"
    assert "Y(x)=A" not in alg36.messages[0]["content"]  # no longer appended to the problem
    assert by_id["imo-bench-geometry-004"].meta["answer"] == "4, 5"
    assert by_id["imo-bench-geometry-096"].meta["answer"] == "$\\frac{7}{18}$"
    answers = [p.meta["answer"] for p in by_id.values()]
    assert all(a == a.strip() for a in answers)
    cats = {p.meta["Category"] for p in by_id.values()}
    assert cats == {"Algebra", "Combinatorics", "Geometry", "Number theory"}
    assert (REPO / "benchmarks" / "imo_answerbench" / "ERRATA.md").is_file()


# -- the gold answers against the grader ---------------------------------------

# Requirement: this set is empty.  It is pinned to the grader's current gaps, so that a fix
# or a regression of evalkit.math shows up here (empty as of wip/math 67ffe15).
KNOWN_SELF_GAPS: dict[str, set[str]] = {}
# Pairs of different golds the grader wrongly calls equivalent: none (floor(sqrt(n-1))
# vs floor(p/9) was one until identity tests used points at several magnitudes).
KNOWN_CROSS_GAPS: set[tuple[str, str]] = set()


@pytest.mark.parametrize("name", ["aime2025", "hmmt_feb2025", "imo_answerbench"])
def test_every_gold_boxed_grades_correct_against_itself(name):
    from evalkit.math import grade

    bad = {pid for pid, a in golds(name).items() if not grade(a, boxed(a))}
    assert bad == KNOWN_SELF_GAPS.get(name, set())


# Golds whose model-style form (math-mode dollars dropped inside \\boxed{}) the grader does
# not yet accept (wip/math fc46437): a two-case answer written over two lines.
KNOWN_MODEL_FORM_GAPS = {"imo_answerbench": {"imo-bench-number_theory-006"}}


@pytest.mark.parametrize("name", ["aime2025", "hmmt_feb2025", "imo_answerbench"])
def test_every_gold_in_model_form_grades_correct(name):
    """As a model writes it: no $ inside the box, so the grader must parse, not string-match."""
    from evalkit.math import grade

    bad = {pid for pid, a in golds(name).items()
           if not grade(a, f"Thus the final answer is $\\boxed{{{a.replace('$', '')}}}$.")}
    assert bad == KNOWN_MODEL_FORM_GAPS.get(name, set())


def test_hmmt_list_answer_is_order_free_and_needs_both_values():
    from evalkit.math import grade

    gold = golds("hmmt_feb2025")["hmmt_feb_2025-10"]
    assert grade(gold, boxed("\\frac{-1-\\sqrt{17}}{2}, \\frac{-1+\\sqrt{17}}{2}"))
    assert not grade(gold, boxed("\\frac{-1+\\sqrt{17}}{2}"))


@functools.cache
def _parse(answer: str) -> list | None:
    """The answer's comma-separated parts as sympy expressions (independent of the grader)."""
    from latex2sympy2_extended import latex2sympy

    text = answer.strip().strip("$").strip()
    try:
        return [latex2sympy(x) for x in text.split(",")] if text else None
    except Exception:  # noqa: BLE001 - unparseable: text, conditions
        return None


def _fingerprint(answer: str) -> tuple | None:
    """A cheap value of an answer: the expression at fixed random points, or None.

    Rounded to 6 digits, so near-equal different answers (1/2004! vs 1/2006!)
    collide too and are compared by the grader.
    """
    parts = _parse(answer)
    if parts is None:
        return None
    try:
        vals = []
        rnd = random.Random(0)
        for e in parts:
            syms = sorted(getattr(e, "free_symbols", set()), key=str)
            sub = {s: rnd.uniform(1.1, 1.9) for s in syms}
            v = complex(e.evalf(subs=sub))
            vals.append(round(v.real, 6) + 1j * round(v.imag, 6))
        return tuple(sorted(vals, key=lambda z: (z.real, z.imag)))
    except Exception:  # noqa: BLE001
        return None


@functools.cache
def _constant(answer: str) -> str | None:
    """The answer's value to 40 significant digits if it is one constant, else None."""
    import sympy

    parts = _parse(answer)
    if not parts or len(parts) != 1 or getattr(parts[0], "free_symbols", True):
        return None
    try:
        re_, im_ = (sympy.N(x, 60) for x in parts[0].as_real_imag())
        return f"{sympy.Float(re_, 40)}|{sympy.Float(im_, 40)}"
    except Exception:  # noqa: BLE001
        return None


def _same_constant(a: str, b: str) -> bool:
    """Both answers are constants with equal values to 40 significant digits (1/2 and 0.5)."""
    ka = _constant(a)
    return ka is not None and ka == _constant(b)


def _suspect_pairs(answers: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs worth a real comparison: different strings whose cheap values collide, and
    pairs of answers with no cheap value (text, conditions)."""
    norm = {p: " ".join(a.replace("$", "").split()) for p, a in answers.items()}
    fps = {p: _fingerprint(a) for p, a in answers.items()}
    pairs = []
    for p, q in itertools.combinations(sorted(answers), 2):
        if norm[p] == norm[q]:
            continue  # the same answer twice is allowed to match
        if fps[p] is None and fps[q] is None:
            pairs.append((p, q))
        elif fps[p] is not None and fps[p] == fps[q] and not _same_constant(answers[p],
                                                                               answers[q]):
            pairs.append((p, q))  # equal cheap values: only the grader can tell them apart
    return pairs


@pytest.mark.slow
def test_no_answerbench_gold_matches_another_problems_different_gold():
    """400x400 cross-check, pruned: only pairs a grader could confuse are compared.

    Pairs whose strings differ but whose cheap values (sympy at fixed random
    points) collide, and pairs of answers with no cheap value (text, conditions):
    ~1,900 of 79,800 pairs, about a minute (scripts/bench_math_golds.py).
    """
    from evalkit.math import equivalent

    answers = golds("imo_answerbench")
    pairs = _suspect_pairs(answers)
    assert len(pairs) < 20000  # the pruning works (all pairs: 79800)
    confused = {(p, q) for p, q in pairs
                if equivalent(answers[p], answers[q]) or equivalent(answers[q], answers[p])}
    assert confused == KNOWN_CROSS_GAPS


def test_cross_check_treats_equal_constants_as_the_same_answer():
    assert _same_constant("$\\frac{1}{2}$", "0.5")
    assert not _same_constant("$\\frac{1}{2004!}$", "$\\frac{1}{2006!}$")
    assert not _same_constant("$n$", "$n$ ")  # not constants: left to string comparison


@pytest.mark.parametrize("name", ["aime2025", "hmmt_feb2025"])
def test_no_contest_gold_matches_another_problems_different_gold(name):
    from evalkit.math import grade

    answers = golds(name)
    confused = [(p, q) for p, q in itertools.permutations(sorted(answers), 2)
                if answers[p] != answers[q] and grade(answers[p], boxed(answers[q]))]
    assert confused == []


# -- end to end ---------------------------------------------------------------

def aime_generations(tmp_path: Path, k: int = 4) -> tuple[Path, dict[str, int]]:
    """k samples per AIME problem; problem i has (i mod (k+1)) correct samples."""
    g = golds("aime2025")
    rows, correct = [], {}
    for i, (pid, gold) in enumerate(sorted(g.items())):
        c = i % (k + 1)
        correct[pid] = c
        for s in range(k):
            if s < c:
                resp = f"<think>maybe \\boxed{{{int(gold) + 1}}}</think>So {boxed(gold)}"
            elif s == k - 1 and c == 0:
                resp = "<think>I am still thinking about \\boxed{" + gold + "}"  # truncated
            else:
                resp = boxed(str((int(gold) + 7) % 1000))
            rows.append({"problem_id": pid, "sample": s, "response": resp})
    return write_jsonl(tmp_path / "gens.jsonl", rows), correct


def test_aime2025_end_to_end_metrics(tmp_path):
    gens, correct = aime_generations(tmp_path)
    out = tmp_path / "run"
    s = start(RunConfig(benchmark="aime2025", backend="replay", generations=gens, out=out,
                        workers=2), quiet())
    m = s["metrics"]
    expected = sum(c / 4 for c in correct.values()) / 30
    assert s["score"] == pytest.approx(expected) and s["max_score"] == 1.0
    assert m["accuracy"]["n"] == 30 and m["accuracy"]["stderr"] > 0
    assert set(m["pass_at_k"]) == {"1", "2", "4"} and set(m["maj_at_k"]) == {"1", "2", "4"}
    # pass@4: any correct among 4; pass@1 equals avg accuracy.
    assert m["pass_at_k"]["4"]["mean"] == pytest.approx(
        sum(1 for c in correct.values() if c) / 30)
    assert m["pass_at_k"]["1"]["mean"] == pytest.approx(expected)
    # maj@4: the correct answer wins with 3 or 4 votes of 4 (2 vs 2: the first seen, correct).
    assert m["maj_at_k"]["4"]["mean"] == pytest.approx(
        sum(1 for c in correct.values() if c >= 2) / 30)
    # the truncated samples (reasoning never closed) have no answer, not the boxed guess
    assert m["no_answer"] == sum(1 for c in correct.values() if c == 0)
    # summary contract
    assert s["headline"]["aggregate"] == "mean" and len(s["problems"]) == 30
    pid = "aime_2025_I-1"
    assert s["problems"][pid]["value"] == pytest.approx(m["problems"][pid]["accuracy"])
    j = RunDir(out).judgements(s["judge_key"])
    assert j[(pid, 0)].details["gold"] == "70"


def test_cli_run_hmmt_with_replay_and_resume(tmp_path):
    g = golds("hmmt_feb2025")
    rows = [{"problem_id": pid, "sample": 0, "response": boxed(a)} for pid, a in g.items()]
    rows[9]["response"] = boxed("\\frac{-1-\\sqrt{17}}{2}, \\frac{-1+\\sqrt{17}}{2}")
    rows[0]["response"] = boxed("104")  # wrong
    gens = write_jsonl(tmp_path / "gens.jsonl", rows)
    cmd = [sys.executable, "-m", "evalkit", "run", "hmmt_feb2025", "--backend", "replay",
           "--generations", str(gens), "--out", str(tmp_path / "run"), "--workers", "2"]
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["score"] == pytest.approx(29 / 30)
    assert summary["metrics"]["problems"]["hmmt_feb_2025-10"]["correct"] == 1
    assert "avg@1" in r.stdout and "hmmt_feb_2025-17" in r.stdout
    again = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "resuming" in again.stderr
    lines = (tmp_path / "run" / "judgements.jsonl").read_text().splitlines()
    assert len(lines) == 30  # nothing judged twice


def test_imo_answerbench_end_to_end_with_gold_responses(tmp_path):
    g = golds("imo_answerbench")
    rows = [{"problem_id": pid, "sample": 0, "response": boxed(a)} for pid, a in g.items()]
    s = start(RunConfig(benchmark="imo_answerbench", backend="replay",
                        generations=write_jsonl(tmp_path / "g.jsonl", rows),
                        out=tmp_path / "run", workers=2), quiet())
    assert s["score"] == 1.0 and s["judged"] == 400


# -- metric helpers -------------------------------------------------------------

def test_majority_groups_equivalent_answers():
    reps = canonical_answers(["\\frac{1}{2}", "0.5", "3", None, "1/2"])
    assert reps[0] == reps[1] == reps[4] == "\\frac{1}{2}" and reps[2] == "3" and reps[3] is None


def test_sample_ks():
    assert sample_ks(1) == [1]
    assert sample_ks(4) == [1, 2, 4]
    assert sample_ks(6) == [1, 2, 4, 6]


def test_the_question_tells_the_grader_a_percentage_is_asked_for():
    from evalkit.benchmarks.math import grade_answer
    from evalkit.records import Generation

    def verdict(answer: str, question: str | None) -> str:
        gen = Generation(problem_id="p", sample=0, response=f"\\boxed{{{answer}}}")
        return grade_answer("p", gen, "25", "k", question=question).verdict

    asked = "What percentage of the 40 students passed?"
    assert verdict("25\\%", asked) == "AC" and verdict("0.25", asked) == "AC"
    # Without a question asking for a percentage, a bare gold is never rescaled.
    assert verdict("0.25", None) == "WA" and verdict("0.25", "How many passed?") == "WA"
