"""Tool-integrated reasoning (TIR): the model may call a stateful Python tool.

Nemotron-Cascade 2 reports its math and code results with and without TIR
(huggingface.co/nvidia/Nemotron-Cascade-2-30B-A3B, model card, results table,
"†: Tool-Integrated Reasoning"; reference/nemotron_eval_protocol.md §1): the
tool ``stateful_python_code_exec`` is declared in the system prompt inside
``<tools>`` with a 120 s timeout, the model calls it with Qwen3-coder XML, and
each result comes back in a ``user`` turn wrapped in ``<tool_response>``; at
most 100 calls per problem.  The declaration is the system-prompt postfix the
model's chat template writes from ``tools=`` (the Nemotron template puts the
system prompt first and the ``<tools>`` block after it), so the protocol passes
the tool schema with every turn rather than writing its own text.

One episode, per (problem, sample):

1. generate a turn of the conversation (tools offered);
2. read its tool calls: the server's ``message.tool_calls`` (``serve``/
   ``openai``: vLLM's ``--tool-call-parser`` parsed them), else the raw text
   in the preset's ``tool_call_format`` (``vllm``, ``replay``);
3. no call: that turn is the answer, judged by the judge stage as a single-shot
   generation (``finish(final=...)``, so ``evalkit judge`` can re-judge it);
4. else run each call in the sample's sandboxed Python session
   (evalkit/tools/python.py, one hardened judge container), each call one
   stored action; a malformed call is an error result, never run; append the
   assistant turn and one ``<tool_response>`` user turn; go to 1.

The assistant turn appended is the turn's final answer (``g.response``, its
reasoning split off): the reasoning is not re-sent, as the Nemotron template
rewrites earlier assistant turns to their answer anyway (reference/
nemotron_eval_protocol.md §1).  On ``serve``/``openai`` it also carries the
server's ``tool_calls``, which vLLM renders back into the template
(vllm/renderers/chat_utils.py ``_postprocess_messages``, 0.32.0).

The cap: the call after the ``max_calls``-th gets "Tool call limit reached ...;
answer without the tool." and the model's next turn is the answer whatever it
holds.  ``max_tokens`` bounds the whole episode's output (each turn gets what
earlier turns left), as the card's "max response length" does for TIR.

Resume (kill -9): stored turns and tool results replay without running; the
Python state is not stored, so before the first *live* call after a replay
(``ep.replaying`` is False) a fresh session re-runs the code of the earlier
successful calls, in order, before the new call.  Chosen over snapshotting
the interpreter (pickling arbitrary objects, open files, threads is not
possible in general) because the calls are the state's only input; code that
depends on the clock or on randomness may rebuild a slightly different state,
which is what a resumed notebook would do too.
"""

from __future__ import annotations

import statistics
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from evalkit.episodes.protocol import Protocol
from evalkit.errors import EvalkitError
from evalkit.tools.calls import (
    ToolCall,
    code_of,
    from_openai,
    parse_tool_calls,
    python_tool_schema,
    tool_response_message,
)

if TYPE_CHECKING:
    from evalkit.episodes.episode import Episode
    from evalkit.episodes.journal import EpisodeFinal
    from evalkit.records import Generation, Message
    from evalkit.tools.python import PythonSession


@dataclass(frozen=True)
class TirOptions:
    """Option table ``tir`` (``--set tir.max_calls=20``); defaults from the model card."""

    max_calls: int = 100  # per sample
    timeout: float = 120.0  # seconds per call (soft; the host kills 10 s later)
    max_output_chars: int = 10000  # per stream of a call's result (head and tail kept)


_reaped = threading.Event()


def _reap_stale() -> None:
    """Once per process: remove tool containers of evalkit processes killed earlier (a
    kill -9 mid-call leaves its session's container behind)."""
    if _reaped.is_set():
        return
    _reaped.set()
    from evalkit.sandbox.docker import cleanup_stale, connect

    cleanup_stale(connect())


def tool_calls_of(g: Generation) -> list[ToolCall]:
    """The calls of one turn: the server's ``tool_calls`` if it parsed any, else those in
    the text, read in the format the generation recorded (the preset's)."""
    if g.meta.get("tool_calls"):
        return from_openai(g.meta["tool_calls"])
    if "<tool_call>" not in g.response:
        return []
    fmt = g.meta.get("tool_call_format")
    if not fmt:
        raise EvalkitError("the model wrote a <tool_call> but the preset sets no "
                           "tool_call_format (\"qwen3_coder\" or \"hermes\"): add it to the "
                           "preset (evalkit/model/presets/*.toml) or pass --preset")
    return parse_tool_calls(g.response, str(fmt))


def _caller(session: PythonSession | None, code: str) -> Callable[[], dict[str, Any]]:
    """The live action of one call (never called when the act replays: session None)."""
    def call() -> dict[str, Any]:
        assert session is not None, "a live tool call has its session"
        return session.call(code).to_json()
    return call


class Tir(Protocol):
    """Tool-integrated reasoning with the stateful ``python`` tool."""

    name = "tir"
    rejudge = "final"  # the turns never saw a verdict: re-judging the answer is sound

    @property
    def options(self) -> TirOptions:
        opts = getattr(self.bench.options, "tir", None)
        if not isinstance(opts, TirOptions):  # an adapter that lists "tir" without the table
            raise EvalkitError(f"{self.bench.name}: its options have no 'tir' table")
        return opts

    def params(self) -> dict[str, Any]:
        return asdict(self.options)

    def check(self) -> None:
        o = self.options
        if o.max_calls < 1:
            raise EvalkitError(f"option 'tir.max_calls': must be >= 1, not {o.max_calls}")
        if o.timeout <= 0:
            raise EvalkitError(f"option 'tir.timeout': must be > 0, not {o.timeout}")
        if o.max_output_chars < 100:
            raise EvalkitError("option 'tir.max_output_chars': must be >= 100, not "
                               f"{o.max_output_chars}")

    def run(self, ep: Episode) -> None:
        from evalkit.tools.python import PythonSession, ToolLimits, ToolResult, capped_result

        o = self.options
        limits = ToolLimits(timeout=o.timeout, max_calls=o.max_calls,
                            output_chars=o.max_output_chars)
        tools = [python_tool_schema(o.timeout)]
        messages: list[Message] = list(ep.prompt)
        done: list[str] = []  # code of the successful calls so far: the session's state
        session: PythonSession | None = None
        metrics: dict[str, Any] = {"turns": 0, "tool_calls": 0, "errors": 0, "timeouts": 0,
                                   "hit_cap": False}
        used = 0  # tokens generated by earlier turns
        g: Generation | None = None
        try:
            while True:
                budget = ep.params.max_tokens - used
                if budget < 1:
                    break  # the episode's output budget is spent: the last turn answers
                (g,) = ep.generate(messages, label="turn", tools=tools,
                                   params=replace(ep.params, max_tokens=budget))
                metrics["turns"] += 1
                used += g.completion_tokens or 0
                if g.error or metrics["hit_cap"]:
                    break
                calls = tool_calls_of(g)
                if not calls:
                    break
                results: list[str] = []
                for call in calls:
                    code, problem = code_of(call)
                    if code is None:
                        metrics["errors"] += 1
                        results.append(ToolResult(error=problem, malformed=True).render())
                        continue
                    if metrics["tool_calls"] >= o.max_calls:
                        metrics["hit_cap"] = True
                        results.append(capped_result(limits).render())
                        continue
                    metrics["tool_calls"] += 1
                    if session is None and not ep.replaying:
                        _reap_stale()
                        session = PythonSession(limits)
                        session.replay(done)  # re-run before the next live call
                    result = ToolResult.from_json(ep.act("python", _caller(session, code)))
                    if result.timeout:
                        metrics["timeouts"] += 1
                    elif result.error is not None:
                        metrics["errors"] += 1
                    else:
                        done.append(code)
                    results.append(result.render())
                turn: dict[str, Any] = {"role": "assistant", "content": g.response}
                if g.meta.get("tool_calls"):  # the server re-renders them from here
                    turn["tool_calls"] = g.meta["tool_calls"]
                messages = [*messages, turn, tool_response_message(results)]
        finally:
            if session is not None:
                session.close()
        ep.finish(final=g, metrics=metrics)

    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        """Tool calls per sample (mean, max), samples that hit the cap, errors, timeouts."""
        calls = [int(f.metrics.get("tool_calls", 0)) for f in finals.values()]
        return {
            "samples": len(calls),
            "tool_calls": sum(calls),
            "tool_calls_mean": round(statistics.fmean(calls), 3) if calls else 0.0,
            "tool_calls_max": max(calls, default=0),
            "hit_cap": sum(1 for f in finals.values() if f.metrics.get("hit_cap")),
            "errors": sum(int(f.metrics.get("errors", 0)) for f in finals.values()),
            "timeouts": sum(int(f.metrics.get("timeouts", 0)) for f in finals.values()),
        }


PROTOCOL = Tir
