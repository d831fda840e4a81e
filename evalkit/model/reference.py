"""The ``reference`` backend: each problem's own reference solution.

For code tasks this is the package's model solution in a fenced block, so
``evalkit run <bench> --backend reference`` checks the whole judging path
end to end: it must score full marks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from evalkit.errors import EvalkitError
from evalkit.model.base import Backend, GenerationRequest
from evalkit.records import Generation


class ReferenceBackend(Backend):
    name = "reference"
    uses_prompts = False

    def generate(self, requests: Sequence[GenerationRequest]) -> Iterator[Generation]:
        for r in requests:
            if r.problem.reference is None:
                # The benchmark says where its references live (problem.meta
                # "reference_hint"); the CMS layout is the IOI default.
                hint = r.problem.meta.get("reference_hint",
                                          "for CMS packages: solutions/model_solution/*.cpp")
                raise EvalkitError(f"problem {r.problem.id!r} has no reference solution "
                                   f"({hint})")
            yield Generation(problem_id=r.problem.id, sample=r.sample,
                             response=r.problem.reference, finish_reason="stop", seed=r.seed)
