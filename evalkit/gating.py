"""Regression gating: is a candidate checkpoint significantly worse than the baseline?

Runs are paired by benchmark and aligned problem by problem.  A benchmark fails
only when the drop is both larger than ``max_drop`` and significant at ``alpha``:
with pass/fail problems (every value 0 or its max) by the exact McNemar test,
otherwise by the paired bootstrap and the exact sign test together
(:mod:`evalkit.stats.paired`).  Runs that cannot be compared (other problems, data,
judge or limits) are reported as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evalkit.results import RunResult, protocol_label
from evalkit.stats.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, Values
from evalkit.stats.paired import PairedBootstrap, SignTest, paired_bootstrap, sign_test

PASS, FAIL, INCOMPARABLE = "pass", "fail", "incomparable"
# Judge fields that do not change a verdict (parallelism, the image's tag name).
_JUDGE_IGNORED = {"workers", "image", "judge_key"}


@dataclass(frozen=True)
class Flip:
    problem: str
    baseline: float
    candidate: float


@dataclass(frozen=True)
class BenchmarkGate:
    """The gate's decision on one benchmark."""

    benchmark: str
    verdict: str  # pass | fail | incomparable
    reasons: tuple[str, ...] = ()  # why incomparable (or warnings when forced)
    unit: str = ""  # "points" for sums, "pp" (percentage points) for means
    scale: float = 1.0  # headline units -> displayed points
    problems: int = 0
    bootstrap: PairedBootstrap | None = None
    sign: SignTest | None = None
    binary: bool = False  # pass/fail problems: McNemar decides
    p_value: float = 1.0  # the deciding test's one-sided p-value
    worse: tuple[Flip, ...] = ()
    better: tuple[Flip, ...] = ()

    @property
    def delta_points(self) -> float:
        return self.bootstrap.delta * self.scale if self.bootstrap else 0.0


@dataclass(frozen=True)
class GateResult:
    decisions: list[BenchmarkGate]
    max_drop: float
    alpha: float
    forced: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 pass, 1 a significant drop beyond max_drop, 2 cannot compare (unless forced)."""
        if any(d.verdict == INCOMPARABLE for d in self.decisions):
            return 2
        return 1 if any(d.verdict == FAIL for d in self.decisions) else 0


def incomparabilities(base: RunResult, cand: RunResult) -> list[str]:
    """Why ``base`` and ``cand`` cannot be compared problem by problem (empty if they can)."""
    out = []
    bp, cp = set(base.problems), set(cand.problems)
    if bp != cp:
        only_b, only_c = sorted(bp - cp), sorted(cp - bp)
        out.append("different problems (only in baseline: "
                   f"{', '.join(only_b[:5]) or 'none'}; only in candidate: "
                   f"{', '.join(only_c[:5]) or 'none'})")
    bs, cs = base.subset, cand.subset
    if bs != cs and (bs is None or cs is None or set(bs.problems) != set(cs.problems)):
        out.append("subset run (baseline: "
                   f"{bs.describe() if bs else 'full'}; candidate: "
                   f"{cs.describe() if cs else 'full'})")
    if base.manifest.get("protocol") != cand.manifest.get("protocol"):
        out.append(f"different protocol (baseline: {protocol_label(base.manifest)}; "
                   f"candidate: {protocol_label(cand.manifest)})")
    if base.manifest.get("data_hash") != cand.manifest.get("data_hash"):
        out.append("different data_hash")
    bj = {k: v for k, v in base.judge.items() if k not in _JUDGE_IGNORED}
    cj = {k: v for k, v in cand.judge.items() if k not in _JUDGE_IGNORED}
    if bj != cj:
        keys = sorted(k for k in set(bj) | set(cj) if bj.get(k) != cj.get(k))
        out.append(f"different judge ({', '.join(keys)})")
    h1, h2 = base.headline, cand.headline
    if (h1.name, h1.unit, h1.aggregate) != (h2.name, h2.unit, h2.aggregate):
        out.append("different headline metric")
    return out


def _is_binary(runs: Sequence[RunResult], ids: Sequence[str]) -> bool:
    return all(r.problems[p].value in (0.0, r.problems[p].max) for r in runs for p in ids)


def decide(baseline: Values, candidate: Values, how: str, binary: bool, max_drop: float,
           alpha: float, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
           ) -> tuple[str, float, PairedBootstrap, SignTest]:
    """The gate's rule on aligned per-problem values: (verdict, p-value, bootstrap, sign test).

    Fails only when the drop (in headline points, or percentage points for ``mean``
    headlines) exceeds ``max_drop`` and the deciding one-sided p-value is below ``alpha``:
    for pass/fail problems the exact McNemar test; otherwise the larger of the paired
    bootstrap's and the exact sign test's p-values.  The bootstrap alone is
    anti-conservative on few problems (3 IOI tasks, all worse, give a bootstrap p of
    1/(B+1), though no test on 3 pairs can honestly go below 1/8); requiring the
    distribution-free sign test to agree keeps the false-alarm rate at or below alpha.
    """
    scale = 100.0 if how == "mean" else 1.0
    boot = paired_bootstrap(baseline, candidate, how, 1 - alpha, resamples, seed)
    sign = sign_test(baseline, candidate)
    p = sign.p_drop if binary else max(boot.p_drop, sign.p_drop)
    drop = -boot.delta * scale
    return (FAIL if drop > max_drop and p < alpha else PASS), p, boot, sign


def gate_benchmark(base: RunResult, cand: RunResult, max_drop: float = 0.0, alpha: float = 0.05,
                   force: bool = False, resamples: int = DEFAULT_RESAMPLES,
                   seed: int = DEFAULT_SEED) -> BenchmarkGate:
    """Compare one benchmark's runs; see the module docstring for the rule."""
    reasons = incomparabilities(base, cand)
    if reasons and not force:
        return BenchmarkGate(base.benchmark, INCOMPARABLE, tuple(reasons))
    ids = sorted(set(base.problems) & set(cand.problems))
    if not ids:
        return BenchmarkGate(base.benchmark, INCOMPARABLE, (*reasons, "no common problem"))
    how = base.headline.aggregate
    scale, unit = (100.0, "pp") if how == "mean" else (1.0, base.headline.unit)
    b, c = base.values(ids), cand.values(ids)
    # Forced on a subset of problems, totals are over the common problems only.
    binary = _is_binary([base, cand], ids)
    verdict, p, boot, sign = decide(b, c, how, binary, max_drop, alpha, resamples, seed)
    worse = tuple(Flip(p_, float(x), float(y)) for p_, x, y in zip(ids, b, c, strict=True)
                  if y < x - 1e-9)
    better = tuple(Flip(p_, float(x), float(y)) for p_, x, y in zip(ids, b, c, strict=True)
                   if y > x + 1e-9)
    return BenchmarkGate(base.benchmark, verdict, tuple(reasons), unit, scale, len(ids), boot,
                         sign, binary, p, worse, better)


def pair_runs(baseline: Sequence[RunResult], candidate: Sequence[RunResult],
              benchmarks: Sequence[str] | None) -> tuple[list[tuple[RunResult, RunResult]],
                                                         list[str]]:
    """Match runs by benchmark; also return benchmarks present on one side only."""
    from evalkit.errors import EvalkitError

    def index(runs: Sequence[RunResult], side: str) -> dict[str, RunResult]:
        out: dict[str, RunResult] = {}
        for r in runs:
            if r.benchmark in out:
                raise EvalkitError(f"--{side}: two runs of {r.benchmark} ({out[r.benchmark].path}"
                                   f", {r.path}); give one per benchmark")
            out[r.benchmark] = r
        return out

    b, c = index(baseline, "baseline"), index(candidate, "candidate")
    wanted = list(benchmarks) if benchmarks else sorted(set(b) | set(c))
    pairs, missing = [], []
    for name in wanted:
        if name in b and name in c:
            pairs.append((b[name], c[name]))
        else:
            side = "candidate" if name in b else "baseline" if name in c else "either side"
            missing.append(f"{name}: no run on {side}")
    return pairs, missing


def gate(baseline: Sequence[RunResult], candidate: Sequence[RunResult],
         benchmarks: Sequence[str] | None = None, max_drop: float = 0.0, alpha: float = 0.05,
         force: bool = False, resamples: int = DEFAULT_RESAMPLES,
         seed: int = DEFAULT_SEED) -> GateResult:
    """Gate every benchmark the two sides share (or those in ``benchmarks``)."""
    pairs, missing = pair_runs(baseline, candidate, benchmarks)
    decisions = [gate_benchmark(b, c, max_drop, alpha, force, resamples, seed)
                 for b, c in pairs]
    for m in missing:
        name, why = m.split(": ", 1)
        if not force:
            decisions.append(BenchmarkGate(name, INCOMPARABLE, (why,)))
    notes: list[str] = [] if not force else [f"skipped {m}" for m in missing]
    for b, c in pairs:
        sb, sc = _sampling(b), _sampling(c)
        if sb != sc:
            keys = sorted(k for k in set(sb) | set(sc) if sb.get(k) != sc.get(k))
            notes.append(f"{b.benchmark}: sampling differs ({', '.join(keys)}); the gate "
                         "compares the checkpoints as sampled")
    return GateResult(decisions, max_drop, alpha, force, notes)


def _sampling(run: RunResult) -> dict[str, Any]:
    """Sampling settings that should match (the seed may differ between runs)."""
    s = dict(run.manifest.get("sampling") or {})
    s.pop("seed", None)
    return s


def test_name(d: BenchmarkGate) -> str:
    """Which test decided: McNemar for pass/fail problems, else bootstrap and sign test."""
    return "McNemar exact" if d.binary else "paired bootstrap + sign test"


def summary_rows(result: GateResult) -> list[dict[str, Any]]:
    """One plain dict per benchmark (for JSON output and tests)."""
    rows = []
    for d in result.decisions:
        row: dict[str, Any] = {"benchmark": d.benchmark, "verdict": d.verdict,
                               "reasons": list(d.reasons)}
        if d.bootstrap is not None:
            row.update(baseline=d.bootstrap.baseline * d.scale,
                       candidate=d.bootstrap.candidate * d.scale,
                       delta=d.delta_points, low=d.bootstrap.low * d.scale,
                       high=d.bootstrap.high * d.scale, p_value=d.p_value,
                       test=test_name(d),
                       worse=[f.problem for f in d.worse], better=[f.problem for f in d.better])
        rows.append(row)
    return rows
