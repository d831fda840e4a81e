"""The run record: typed, versioned models of everything a run directory stores.

    manifest.json      :class:`Manifest`   what was run (identity, data, model, sampling,
                                           backend, judge, options, subset, versions)
    prompts.jsonl      :class:`PromptRecord` the prompt messages, once per problem
    generations.jsonl  :class:`~evalkit.records.Generation` one per (problem, sample, step)
    judgements.jsonl   :class:`~evalkit.records.Judgement` one per judged generation
    summary.json       :class:`Summary`    the aggregate and its headline contract

Every file is written through :class:`~evalkit.run.store.RunStore` and read back
through these types; ``format_version`` says which layout wrote it (a directory
without one is format 1, written before this package existed, and still loads).
"""

from __future__ import annotations

from evalkit.records import Generation, Judgement, Message, Problem
from evalkit.run.manifest import FORMAT_VERSION, Manifest, Subset
from evalkit.run.prompts import PromptRecord
from evalkit.run.store import RunStore
from evalkit.run.summary import Headline, ProblemValue, Summary

__all__ = ["FORMAT_VERSION", "Generation", "Headline", "Judgement", "Manifest", "Message",
           "Problem", "ProblemValue", "PromptRecord", "RunStore", "Subset", "Summary"]
