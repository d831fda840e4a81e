"""LiveCodeBench code generation (``livecodebench_v6``, ``livecodebench_sample``).

Data: rows of ``livecodebench/code_generation_lite`` (:mod:`evalkit.judging.lcb.dataset`),
from a local folder (``--data`` or bundled) or the Hugging Face Hub, filtered by
contest date.  Prompts: lcb_runner's chat prompt (below).  Judging: Python in
the sandbox, one interpreter per sample, compared on the host
(:mod:`evalkit.judging.lcb.harness`).  Metrics: pass@1 averaged over samples,
unbiased pass@k, by difficulty and by contest month (:mod:`evalkit.scoring.sampling`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.benchmarks.options import BenchmarkOptions
from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_code_lcb
from evalkit.extract.reasoning import split_reasoning
from evalkit.judging.lcb import dataset
from evalkit.judging.lcb import harness as lcb
from evalkit.judging.lcb import sample as lcb_sample
from evalkit.protocols.tir import TirOptions
from evalkit.records import Generation, Judgement, Message, Problem
from evalkit.scoring import livecodebench as lcb_scoring

# lcb_runner/prompts/code_generation.py, LMStyle.OpenAIChat (the chat-model prompt):
# PromptConstants.SYSTEM_MESSAGE_GENERIC and get_generic_question_template_answer.
SYSTEM_MESSAGE = (
    "You are an expert Python programmer. You will be given a question (problem "
    "specification) and will generate a correct Python program that matches the "
    "specification and passes all tests. You will NOT return anything except for the program."
)
FORMAT_WITH_STARTER = ("You will use the following starter code to write the solution to the "
                       "problem and enclose your code within delimiters.")
FORMAT_WITHOUT_STARTER = ("Read the inputs from stdin solve the problem and write the answer to "
                          "stdout (do not directly test on the sample inputs). Enclose your code "
                          "within delimiters as follows.")
NO_CODE = "NO_CODE"
DEFAULT_K = (1, 5, 10, 20, 50, 100)
# Expected outputs of this many problems stay decoded in memory (some problems have
# megabytes of tests); others are decoded again when needed.
OUTPUTS_CACHE = 32


def build_messages(p: dataset.LcbProblem) -> list[Message]:
    """The chat messages lcb_runner sends to chat models for one problem."""
    user = f"### Question:\n{p.content}\n\n"
    if p.starter_code:
        user += f"### Format: {FORMAT_WITH_STARTER}\n```python\n{p.starter_code}\n```\n\n"
    else:
        user += f"### Format: {FORMAT_WITHOUT_STARTER}\n```python\n# YOUR CODE HERE\n```\n\n"
    user += "### Answer: (use the provided format with backticks)\n\n"
    return [{"role": "system", "content": SYSTEM_MESSAGE}, {"role": "user", "content": user}]


def _date(value: Any, field: str, where: Path) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(str(value), "%Y-%m-%d")
    except ValueError:
        raise EvalkitError(f"{where}: {field} must be YYYY-MM-DD, not {value!r}") from None


@dataclass(frozen=True)
class LcbJudgeOptions:
    timeout: int = 6  # seconds per test (lcb_runner --timeout default)
    memory_limit_mb: int = 4096
    output_limit_mb: int = 64
    processes: int = 32
    consistent_stdin: bool = False  # a deliberate difference from lcb_runner (README)


@dataclass(frozen=True)
class LcbOptions(BenchmarkOptions):
    """The spec's keys (benchmarks/livecodebench*.toml); ``--set`` overrides any of them."""

    release: str = "release_v6"
    files: list[str] = field(default_factory=list)  # empty: the release's files
    start_date: str | date | None = None  # inclusive contest-date window
    end_date: str | date | None = None
    hub_repo: str = dataset.HUB_REPO
    hub_revision: str | None = None
    pass_k: list[int] = field(default_factory=lambda: list(DEFAULT_K))
    judge: LcbJudgeOptions = field(default_factory=LcbJudgeOptions)
    tir: TirOptions = field(default_factory=TirOptions)  # --set protocol=tir

    # Tool-integrated reasoning (evalkit/protocols/tir.py): the card reports LiveCodeBench
    # v6 with and without it (up to 100 calls).
    PROTOCOLS: ClassVar[tuple[str, ...]] = ("tir",)


class LiveCodeBench(Benchmark):
    needs_sandbox = True
    Options = LcbOptions

    def __init__(self, spec: Any, data_dir: Path | None = None):
        super().__init__(spec, data_dir)
        s = self.spec.settings
        self.release = str(s.get("release", "release_v6"))
        self.files: list[str] = list(s.get("files") or dataset.release_files(self.release))
        self.start = _date(s.get("start_date"), "start_date", spec.spec_path)
        self.end = _date(s.get("end_date"), "end_date", spec.spec_path)
        self.hub_repo = str(s.get("hub_repo", dataset.HUB_REPO))
        self.hub_revision = s.get("hub_revision")
        self.k_list = [int(k) for k in s.get("pass_k", DEFAULT_K)]
        judge = s.get("judge", {})
        # --- LiveCodeBench options (benchmark file [judge]); deliberate differences
        # from lcb_runner are named, off by default, and listed in the README:
        #   consistent_stdin (bool, false): stdin read as one file by every route
        #     (iterable, read(n), readlines without a trailing empty line, input()
        #     then read() reads the rest) instead of lcb_runner's mock.
        consistent_stdin = judge.get("consistent_stdin", False)
        if not isinstance(consistent_stdin, bool):
            raise EvalkitError(f"{spec.spec_path}: judge.consistent_stdin must be true or "
                               f"false, not {consistent_stdin!r}")
        self.limits = lcb.JudgeLimits(
            timeout=int(judge.get("timeout", 6)),
            memory=int(judge.get("memory_limit_mb", 4096)) * 1024**2,
            output=int(judge.get("output_limit_mb", 64)) * 1024**2,
            processes=int(judge.get("processes", 32)),
            consistent_stdin=consistent_stdin,
        )
        # --- end of LiveCodeBench options
        self._problems: dict[str, dataset.LcbProblem] | None = None
        self._hash: str | None = None
        self._lock = threading.Lock()
        self._spec_files: dict[str, str] = {}
        self._outputs: OrderedDict[str, list[str]] = OrderedDict()
        self._harness_file: str | None = None

    # -- data ----------------------------------------------------------------
    def source_files(self) -> list[Path]:
        if self.data_dir is not None:
            return dataset.local_files(self.data_dir, self.files)
        return dataset.hub_files(self.files, self.hub_repo, self.hub_revision)

    def lcb_problems(self) -> dict[str, dataset.LcbProblem]:
        if self._problems is None:
            rows = [p for f in self.source_files() for p in dataset.read_jsonl(f)]
            chosen = dataset.select(rows, self.start, self.end)
            if not chosen:
                raise EvalkitError(f"{self.name}: no problem between {self.start} and "
                                   f"{self.end} in {', '.join(self.files)}")
            self._problems = {p.question_id: p for p in chosen}
        return self._problems

    def data_hash(self) -> str:
        if self._hash is None:
            h = hashlib.sha256()
            for qid, p in self.lcb_problems().items():
                h.update(qid.encode() + b"\0" + p.row_sha256.encode() + b"\n")
            self._hash = h.hexdigest()
        return self._hash

    def reference(self, qid: str) -> str | None:
        """A bundled reference program (``solutions/<id>/reference.py``), fenced."""
        if self.data_dir is None:
            return None
        path = self.data_dir / "solutions" / qid / "reference.py"
        return f"```python\n{path.read_text()}\n```\n" if path.is_file() else None

    def problems(self) -> list[Problem]:
        return [
            Problem(id=qid, title=p.title, messages=build_messages(p),
                    reference=self.reference(qid),
                    meta={"difficulty": p.difficulty, "platform": p.platform,
                          "contest_date": p.contest_date.isoformat(), "month": p.month,
                          "mode": p.mode,
                          "reference_hint": "LiveCodeBench rows carry no solutions; a data "
                                            "folder may bundle solutions/<id>/reference.py"})
            for qid, p in self.lcb_problems().items()
        ]

    # -- judging -------------------------------------------------------------
    def sandbox_config(self, workers: int) -> Any:
        from evalkit.sandbox.docker import SandboxConfig

        return SandboxConfig(workers=workers, memory=self.limits.memory)

    def judge_fingerprint(self, ctx: JudgeContext) -> dict[str, Any]:
        from evalkit.sandbox.docker import sandbox_fingerprint

        return {
            "benchmark": self.name,
            "data_hash": self.data_hash(),
            **sandbox_fingerprint(ctx.image_id),
            "harness_sha256": hashlib.sha256(lcb.harness_path().read_bytes()).hexdigest(),
            "lcb_runner_revision": lcb.LCB_RUNNER_REVISION,
            "limits": self.limits.fingerprint(),
        }

    def _prepare(self, ctx: JudgeContext, p: dataset.LcbProblem) -> tuple[str, str, list[str]]:
        """Mirror the harness and the problem's inputs once; keep outputs on the host."""
        assert ctx.pool is not None
        with self._lock:
            if self._harness_file is None:
                self._harness_file = lcb_sample.mirror_harness(ctx.pool)
            qid = p.question_id
            if qid in self._outputs:
                self._outputs.move_to_end(qid)
                return self._harness_file, self._spec_files[qid], self._outputs[qid]
            tests = p.tests()
            if qid not in self._spec_files:
                spec = lcb.spec_json(p.mode, p.fn_name, [t.input for t in tests],
                                     self.limits.timeout, self.limits.consistent_stdin)
                self._spec_files[qid] = lcb_sample.mirror_spec(ctx.pool, spec)
            self._outputs[qid] = [t.output for t in tests]
            while len(self._outputs) > OUTPUTS_CACHE:
                self._outputs.popitem(last=False)
            return self._harness_file, self._spec_files[qid], self._outputs[qid]

    def _inputs(self, p: dataset.LcbProblem) -> list[str]:
        return [t.input for t in p.tests()]

    def judge(self, problem: Problem, generation: Generation, ctx: JudgeContext,
              judge_key: str) -> Judgement:
        p = self.lcb_problems()[problem.id]
        base: dict[str, Any] = {"problem_id": problem.id, "sample": generation.sample,
                                "judge_key": judge_key, "max_score": 1.0}
        split = split_reasoning(generation.response, generation.reasoning)
        code = extract_code_lcb(split.answer)
        if code is None or not code.strip():
            why = ("reasoning never ended" if split.unclosed
                   else "no code block in the answer (lcb_runner: the text between the "
                        "last two lines containing ```)")
            # lcb_runner grades the empty program: "Error during testing", [-4].
            return Judgement(**base, verdict=NO_CODE, score=0.0,
                             details={"message": why, "lcb_results": [-4]})
        try:
            harness_file, spec_file, outputs = self._prepare(ctx, p)
        except Exception as e:  # noqa: BLE001 - one bad row is its samples' judge error
            return Judgement(**base, verdict=lcb.JE, score=0.0, details={},
                             judge_error=f"preparing the tests failed: {type(e).__name__}: {e}")
        assert ctx.pool is not None
        # The inputs are decoded again only for a second run (comparison in the sandbox).
        res = lcb_sample.judge_sample(ctx.pool, code, p.mode, p.fn_name,
                                      lambda: self._inputs(p), outputs, self.limits,
                                      harness_file, spec_file)
        return Judgement(**base, verdict=res.verdict, score=1.0 if res.ok else 0.0,
                         details=res.details(), judge_error=res.judge_error)

    # -- aggregation ---------------------------------------------------------
    def summarize(self, problems: Sequence[Problem],
                  judgements: Mapping[tuple[str, int], Judgement]) -> dict[str, Any]:
        return lcb_scoring.summarize(self.name, problems, judgements, self.k_list, self.start,
                                     self.end)

