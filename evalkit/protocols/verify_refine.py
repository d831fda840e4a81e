"""``verify-refine``: generate proofs, let the model verify them, refine the best, repeat.

DeepSeek-Math-V2's test-time pipeline (paper §3.4; ``inference/main.py`` of
magemoumou/DeepSeek-Math-V2 @ 665c840), which Nemotron-Cascade 2 follows for
IMO-ProofBench and IMO 2025 (reference/nemotron_eval_protocol.md §1.3: "128
proof generations, 64 verifications, refine the top 32 with 4 refinements
each"; Advanced 40.7 with one round, 53.4 with five).  Rounds are numbered as in
``main.py`` (``for R in range(start_round, max_rounds + 2)``): round 1 generates
``n_generate`` proofs; every later round refines the ``top_k`` best proofs of the
whole pool (``use_old_proofs_for_refinement=True``) ``n_refine`` times each
(``n_parallel_proof_gen // n_agg_trials`` = 128 // 32 = 4 samples per refinement
prompt, ``n_best_proofs_to_sample`` = 32, ``n_proofs_to_refine`` = 1); every new
proof is verified ``n_verify`` times (``n_verification_per_proof`` = 64).  A
problem whose pool holds a proof passing every verification is not refined
again (``meanscore > 0.99999``).  After the last round the best-verified proof is
the episode's final generation, graded by the benchmark's judge model exactly as
a single proof.  The scheme's rules (reading scores, ranking, feedback) are in
:mod:`evalkit.proofs.verify`; the prompts in benchmarks/imo_proofbench/verify_refine/.

Per round the best proof of the pool so far is also judged (``ep.judge``,
memoized by step), so the summary gives the score after each round, the paper's
one-round versus five-round comparison.  Each episode's metrics hold the rounds,
the generations, verifications and tokens used; :meth:`VerifyRefine.summarize`
aggregates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from evalkit.episodes.protocol import Protocol
from evalkit.errors import EvalkitError
from evalkit.proofs.templates import load_templates
from evalkit.proofs.verify import (
    Candidate,
    Templates,
    best,
    extract_proof,
    feedback,
    generation_prompt,
    parse_verification,
    rank,
    refinement_prompt,
    solved,
    top_k,
    verification_prompt,
)
from evalkit.records import Generation

if TYPE_CHECKING:
    from evalkit.benchmarks.base import Benchmark
    from evalkit.episodes.episode import Episode
    from evalkit.episodes.journal import EpisodeFinal

LABEL_PROOF, LABEL_VERIFY, LABEL_REFINE = "proof", "verify", "refine"

# name -> (n_generate, n_verify, top_k, n_refine, rounds)
PRESETS: dict[str, tuple[int, int, int, int, int]] = {
    # Nemotron-Cascade 2, Appendix A.1.2 (via reference/nemotron_eval_protocol.md §1.3, [S]),
    # = DeepSeek-Math-V2 inference/run.sh (128 generations, 64 verifications, top 32, 128//32
    # = 4 refinements each); 5 rounds: the paper's ProofBench-Advanced figure (53.4).
    "paper": (128, 64, 32, 4, 5),
    # evalkit's own small configuration (the paper's "cheaper configuration for Basic
    # problems" is not given in our sources): about 1/200 of the paper's generations.
    "cheap": (8, 4, 2, 2, 2),
}


@dataclass(frozen=True)
class VerifyRefineOptions:
    """Option table ``verify_refine.*`` of the proof benchmarks.  A field left unset
    (None) takes the preset's value."""

    preset: str = "paper"  # paper | cheap
    n_generate: int | None = None  # proofs generated in round 1
    n_verify: int | None = None  # verifications of each new proof
    top_k: int | None = None  # proofs refined per later round
    n_refine: int | None = None  # refinements of each of them
    rounds: int | None = None  # round 1 = generation; each later round refines
    # DeepSeek-Math-V2's rules (evalkit/proofs/verify.py): a proof without the
    # "## Solution" / "## Self Evaluation" layout, or cut off, is not verified, and only
    # proofs with a parsed verification are refined.  false: verify the whole answer and
    # let unscored proofs be refined (useful for models that ignore the layout).
    require_format: bool = True
    stop_when_solved: bool = True  # main.py: no refinement once a proof passes every check
    judge_rounds: bool = True  # judge the best proof after each round (per-round scores)
    verify_max_tokens: int | None = None  # None: the run's max_tokens (DeepSeek: 64K vs 128K)
    prompts: str | None = None  # a folder with generate.md/verify.md/refine.md (default: bundled)

    def check(self, where: str) -> None:
        """Refuse an unknown preset or a non-positive count."""
        if self.preset not in PRESETS:
            raise EvalkitError(f"{where}: option 'verify_refine.preset' must be one of "
                               f"{', '.join(PRESETS)} (got {self.preset!r})")
        for name in ("n_generate", "n_verify", "top_k", "n_refine", "rounds",
                     "verify_max_tokens"):
            v = getattr(self, name)
            if v is not None and v < 1:
                raise EvalkitError(f"{where}: option 'verify_refine.{name}' must be at least 1")

    def resolved(self) -> Resolved:
        """The counts in effect: the preset's, overridden by the fields set."""
        g, v, k, r, n = PRESETS[self.preset]
        return Resolved(
            n_generate=self.n_generate or g, n_verify=self.n_verify or v,
            top_k=self.top_k or k, n_refine=self.n_refine or r, rounds=self.rounds or n)


@dataclass(frozen=True)
class Resolved:
    """The protocol's counts."""

    n_generate: int
    n_verify: int
    top_k: int
    n_refine: int
    rounds: int

    def upper_bound(self) -> dict[str, int]:
        """Model calls per episode when no problem stops early (README "compute")."""
        proofs = self.n_generate + (self.rounds - 1) * self.top_k * self.n_refine
        return {"proofs": proofs, "verifications": proofs * self.n_verify,
                "generations": proofs * (1 + self.n_verify)}


class VerifyRefine(Protocol):
    """Generate -> verify -> refine the top K -> re-verify, for ``rounds`` rounds."""

    name: ClassVar[str] = "verify-refine"
    # The steps depend on the model's own verifications, never on the judge's verdicts:
    # `evalkit judge` may re-judge the final proof (the per-round scores stay as judged).
    rejudge: ClassVar[Literal["final", "refuse"]] = "final"

    def __init__(self, bench: Benchmark):
        super().__init__(bench)
        self.options: VerifyRefineOptions = getattr(bench.options, "verify_refine",
                                                    VerifyRefineOptions())
        self.counts = self.options.resolved()
        self._templates: Templates | None = None

    @property
    def templates(self) -> Templates:
        """The prompt templates (loaded once)."""
        if self._templates is None:
            self._templates = load_templates(
                Path(self.options.prompts) if self.options.prompts else None)
        return self._templates

    def params(self) -> dict[str, Any]:
        # The counts in effect (not the preset's name) and the templates' content (not
        # their folder): the same run has the same identity however it was asked for.
        rest = {k: v for k, v in asdict(self.options).items()
                if k not in ("preset", "prompts", *asdict(self.counts))}
        return {**asdict(self.counts), **rest, "templates": self.templates.version()}

    def check(self) -> None:
        if not getattr(self.bench, "needs_judge_model", False) or not hasattr(self.bench,
                                                                             "items"):
            raise EvalkitError(f"protocol verify-refine: {self.bench.name} is not a proof "
                               "benchmark")
        self.templates  # noqa: B018 - a bad template folder is refused before anything runs

    # -- the episode -----------------------------------------------------------------
    def run(self, ep: Episode) -> None:
        o, c, t = self.options, self.counts, self.templates
        statement = self.bench.items()[ep.problem.id].statement or ""  # type: ignore[attr-defined]
        vparams = (replace(ep.params, max_tokens=o.verify_max_tokens)
                   if o.verify_max_tokens else None)
        pool: list[Candidate] = []
        gens: dict[int, Generation] = {}
        rounds: list[dict[str, Any]] = []
        early = None
        for r in range(1, c.rounds + 1):
            if r == 1:
                # The benchmark's prompt under this protocol is the generation prompt.
                messages = list(ep.prompt) if self.bench.options.protocol == self.name else [
                    {"role": "user", "content": generation_prompt(t, statement)}]
                new = ep.generate(messages, n=c.n_generate, label=LABEL_PROOF)
                refined: list[int] = []
            elif o.stop_when_solved and solved(pool):
                early = early or r - 1
                new, refined = [], []
            else:
                # All of a round's refinements go out in one batch, then all verifications.
                chosen = top_k(pool, c.top_k, require_scored=o.require_format)
                groups = ep.generate_many(
                    [([{"role": "user", "content": refinement_prompt(
                        t, statement, cand.proof or "", feedback(cand.verifications))}],
                      c.n_refine) for cand in chosen], label=LABEL_REFINE) if chosen else []
                new = [g for group in groups for g in group]
                refined = [cand.step for cand in chosen]
            proofs = [extract_proof(g.response, g.reasoning, g.finish_reason,
                                    require_format=o.require_format) for g in new]
            todo = [(i, p.text) for i, p in enumerate(proofs) if p.text is not None]
            checked = ep.generate_many(
                [([{"role": "user", "content": verification_prompt(t, statement, text)}],
                  c.n_verify) for _, text in todo],
                label=LABEL_VERIFY, params=vparams) if todo else []
            outs = {i: group for (i, _), group in zip(todo, checked, strict=True)}
            verifications = unparsed = 0
            for i, g in enumerate(new):
                gens[g.step] = g
                for v in outs.get(i, []):
                    gens[v.step] = v
                checks = tuple(parse_verification(v.response, v.reasoning, v.finish_reason)
                               for v in outs.get(i, []))
                cand = Candidate(order=len(pool), step=g.step, proof=proofs[i].text,
                                 verifications=checks)
                verifications += len(checks)
                unparsed += cand.unparsed
                pool.append(cand)
            rounds.append(self._round(ep, r, pool, gens, new, refined, verifications, unparsed))
        final = self._final(pool)
        ep.finish(final=gens[final.step] if final is not None else None,
                  metrics=self._metrics(ep, pool, gens, rounds, final, early))

    def _final(self, pool: list[Candidate]) -> Candidate | None:
        # The best-verified proof; with none verifiable, the first proof generated (what a
        # single-shot run would submit) rather than nothing.
        return best(pool) or (pool[0] if pool else None)

    def _round(self, ep: Episode, r: int, pool: list[Candidate], gens: dict[int, Generation],
               new: list[Generation], refined: list[int], verifications: int,
               unparsed: int) -> dict[str, Any]:
        top = self._final(pool)
        entry: dict[str, Any] = {
            "round": r, "new_proofs": len(new), "refined_steps": refined,
            "verifications": verifications, "unparsed_verifications": unparsed,
            "pool": len(pool), "best_step": top.step if top else None,
            "best_mean": top.mean if top else None, "score": None, "max_score": None}
        if top is not None and self.options.judge_rounds:
            j = ep.judge(gens[top.step])
            entry["score"], entry["max_score"] = j.score, j.max_score
        return entry

    def _metrics(self, ep: Episode, pool: list[Candidate], gens: dict[int, Generation],
                 rounds: list[dict[str, Any]], final: Candidate | None,
                 early: int | None) -> dict[str, Any]:
        proofs = [g for g in gens.values() if g.meta.get("label") != LABEL_VERIFY]
        checks = [g for g in gens.values() if g.meta.get("label") == LABEL_VERIFY]
        return {
            "rounds": rounds, "solved_after_round": early,
            "final_step": final.step if final else None,
            "final_mean": final.mean if final else None,
            "ranking": [[cand.step, cand.mean] for cand in rank(pool)[:10]],
            "proofs": len(proofs), "verifications": len(checks),
            "unverifiable_proofs": sum(1 for cand in pool if cand.proof is None),
            "unparsed_verifications": sum(cand.unparsed for cand in pool),
            "tokens": {
                "proof_prompt": sum(g.prompt_tokens or 0 for g in proofs),
                "proof_completion": sum(g.completion_tokens or 0 for g in proofs),
                "verify_prompt": sum(g.prompt_tokens or 0 for g in checks),
                "verify_completion": sum(g.completion_tokens or 0 for g in checks)},
            "judge_key": ep.judge_key}

    # -- the run's figures -----------------------------------------------------------
    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        """Score after each round (overall and per ProofBench subset), compute used."""
        items = self.bench.items()  # type: ignore[attr-defined]
        n_rounds = self.counts.rounds
        # round -> group -> (score, max score) of each episode after that round
        by_round: list[dict[str, list[tuple[float, float]]]] = [{} for _ in range(n_rounds)]
        totals = {"episodes": len(finals), "proofs": 0, "verifications": 0,
                  "unparsed_verifications": 0, "unverifiable_proofs": 0, "solved_early": 0}
        tokens: dict[str, int] = {}
        for (pid, _), f in sorted(finals.items()):
            m = f.metrics
            for k in ("proofs", "verifications", "unparsed_verifications",
                      "unverifiable_proofs"):
                totals[k] += int(m.get(k) or 0)
            totals["solved_early"] += m.get("solved_after_round") is not None
            for k, v in (m.get("tokens") or {}).items():
                tokens[k] = tokens.get(k, 0) + int(v or 0)
            subset = str(items[pid].meta.get("subset") or "") if pid in items else ""
            last: tuple[float, float] | None = None
            for i, entry in enumerate((m.get("rounds") or [])[:n_rounds]):
                if entry.get("score") is not None and entry.get("max_score"):
                    last = (float(entry["score"]), float(entry["max_score"]))
                if last is not None:  # a round with nothing new keeps the earlier best
                    for group in ("all", *((subset,) if subset else ())):
                        by_round[i].setdefault(group, []).append(last)
        per_round = [{"round": i + 1, **{
            g: {"percent": 100 * sum(s / mx for s, mx in v) / len(v),
                "points": sum(s for s, _ in v), "max_points": sum(mx for _, mx in v),
                "n": len(v)} for g, v in sorted(groups.items())}}
            for i, groups in enumerate(by_round)]
        total_tokens = sum(tokens.values())
        return {"counts": asdict(self.counts), "upper_bound_per_episode":
                self.counts.upper_bound(), "score_by_round": per_round, **totals,
                "tokens": {**tokens, "total": total_tokens}}


PROTOCOL = VerifyRefine
