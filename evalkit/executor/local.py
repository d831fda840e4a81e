"""The default executor: a thread pool on this machine, one sandbox container per worker."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from evalkit.benchmarks.base import Benchmark, JudgeContext
from evalkit.executor.base import Executor, Unit
from evalkit.records import Judgement


class LocalExecutor(Executor):
    """``--executor local``: ``workers`` threads, each judging in its own container."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self._pool: Any = None

    def open(self, bench: Benchmark) -> JudgeContext:
        ctx = JudgeContext()
        cfg = bench.sandbox_config(self.workers)
        if cfg is not None:
            from evalkit.sandbox.docker import SandboxPool

            self._pool = SandboxPool(cfg)
            ctx.pool, ctx.image_id = self._pool, self._pool.image_id
        return ctx

    def judge(self, bench: Benchmark, units: Sequence[Unit], ctx: JudgeContext,
              judge_key: str) -> Iterator[Judgement]:
        with ThreadPoolExecutor(max_workers=self.workers) as ex:
            pending: set[Future[Judgement]] = set()
            queue = list(reversed(units))
            # Bounded in-flight work so an interrupt loses little and memory stays flat.
            while queue or pending:
                while queue and len(pending) < 2 * self.workers:
                    problem, g = queue.pop()
                    pending.add(ex.submit(bench.judge, problem, g, ctx, judge_key))
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    yield f.result()

    def info(self) -> dict[str, Any]:
        return {"executor": self.name, "workers": self.workers}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
