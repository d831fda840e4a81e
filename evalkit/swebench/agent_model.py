"""mini-SWE-agent's ``Model`` over an evalkit generation backend (issue 21).

mini-swe-agent's ``DefaultAgent`` asks its model with ``query(messages)`` and expects an
assistant message whose ``extra["actions"]`` are the bash commands to run
(minisweagent/__init__.py ``Model``; minisweagent/models/litellm_model.py is the default
model of its SWE-bench config).  :class:`AgentModel` does what ``LitellmModel`` does, with
the request going through evalkit instead of litellm:

- the message list minus each message's ``extra`` (``_prepare_messages_for_api``) and the
  ``bash`` tool (``BASH_TOOL``) are one generation (``generate``, given by the caller: the
  agent protocol's ``ep.generate``, so every call is stored as it happens);
- the tool calls are the server's ``tool_calls`` (``openai``/``serve`` backends, kept in
  ``Generation.meta``) or, when the backend returns text only (``vllm``), the
  ``<tool_call>`` blocks of the text read with the grammar of vLLM's parser for
  ``tool_format`` (evalkit/tools/calls.py; the turn then stays the text as generated,
  which the chat template renders back as the model wrote it); either way mini-swe-agent's own
  ``parse_toolcall_actions`` turns them into actions or raises its ``FormatError`` (no
  call, bad JSON, another tool), with the format-error template of the config;
- observations are rendered by mini-swe-agent's ``format_toolcall_observation_messages``
  with the config's ``observation_template``.

Deliberate differences: the cost of every call is 0 (self-hosted models have no price;
``LitellmModel`` with ``cost_tracking: ignore_errors`` records 0 too, so ``cost_limit``
never binds); no wall-clock timestamps in ``extra`` (the trajectory of a resumed episode
is identical to an uninterrupted one); the reasoning text, if the server split one off,
is kept in ``extra`` and not sent back in later turns.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from evalkit.records import Generation
from evalkit.tools.calls import parse_tool_calls

# generate(messages, tools) -> the Generation of one model call
Generate = Callable[[list[dict[str, Any]], list[dict[str, Any]]], Generation]


class ModelCallError(Exception):
    """The backend could not answer this call (e.g. the conversation no longer fits the
    context): the episode ends with this exit status, as an exception from litellm ends a
    mini-swe-agent run (run/benchmarks/swebench.py ``process_instance``)."""


@dataclass(frozen=True)
class ModelConfig:
    """The parts of mini-swe-agent's model config that shape what the model sees."""

    observation_template: str
    format_error_template: str
    model_name: str = "evalkit"
    multimodal_regex: str = ""

    @classmethod
    def from_mini(cls, section: Mapping[str, Any], model_name: str = "evalkit") -> ModelConfig:
        """From the ``model`` section of a mini-swe-agent config."""
        return cls(observation_template=str(section["observation_template"]),
                   format_error_template=str(section.get("format_error_template",
                                                         "{{ error }}")),
                   model_name=model_name)

    def model_dump(self, **_: Any) -> dict[str, Any]:
        """As pydantic's (mini-swe-agent's templates read the model config this way)."""
        return {"observation_template": self.observation_template,
                "format_error_template": self.format_error_template,
                "model_name": self.model_name, "multimodal_regex": self.multimodal_regex}


def bash_tool() -> dict[str, Any]:
    """mini-swe-agent's one tool (models/utils/actions_toolcall.py ``BASH_TOOL``)."""
    os.environ.setdefault("MSWEA_SILENT_STARTUP", "1")
    from minisweagent.models.utils.actions_toolcall import BASH_TOOL

    return json.loads(json.dumps(BASH_TOOL))


def tool_calls_of(g: Generation, tool_format: str) -> tuple[list[dict[str, Any]], bool]:
    """(OpenAI-format tool calls, whether the server parsed them) of a generation: the
    server's calls, else the calls written in the text."""
    served = (g.meta or {}).get("tool_calls")
    if served:
        return list(served), True
    out = []
    for i, c in enumerate(parse_tool_calls(g.response, tool_format)):
        args = c.raw if c.error else json.dumps(c.arguments)  # bad JSON stays bad: mini decides
        out.append({"id": f"call_{g.step}_{i}", "type": "function",
                    "function": {"name": c.name, "arguments": args}})
    return out, False


def _as_objects(tool_calls: list[dict[str, Any]]) -> list[Any]:
    """What ``parse_toolcall_actions`` reads (litellm's objects: ``.id``, ``.function``)."""
    out = []
    for tc in tool_calls:
        fn = tc.get("function") or {}
        out.append(SimpleNamespace(id=tc.get("id"), function=SimpleNamespace(
            name=fn.get("name", ""), arguments=fn.get("arguments") or "")))
    return out


def _response(g: Generation) -> dict[str, Any]:
    """What the trajectory keeps of the raw response (litellm keeps ``response``)."""
    return {"step": g.step, "finish_reason": g.finish_reason, "reasoning": g.reasoning,
            "prompt_tokens": g.prompt_tokens, "completion_tokens": g.completion_tokens}


class AgentModel:
    """mini-swe-agent ``Model`` whose calls are evalkit generations."""

    def __init__(self, generate: Generate, config: ModelConfig,
                 tool_format: str = "qwen3_coder") -> None:
        self.generate, self.config, self.tool_format = generate, config, tool_format
        self.tools = [bash_tool()]

    def query(self, messages: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        """One model call; the assistant message with its actions, or ``FormatError``."""
        from minisweagent.exceptions import FormatError
        from minisweagent.models.utils.actions_toolcall import parse_toolcall_actions

        prepared = [{k: v for k, v in m.items() if k != "extra"} for m in messages]
        g = self.generate(prepared, self.tools)
        if g.error:
            raise ModelCallError(g.error)
        calls, served = tool_calls_of(g, self.tool_format)
        cost = {"cost": 0.0}
        try:
            actions = parse_toolcall_actions(
                _as_objects(calls), format_error_template=self.config.format_error_template,
                template_kwargs={"finish_reason": g.finish_reason})
        except FormatError as e:
            e.messages[0]["extra"].update(cost)
            e.messages[0]["extra"]["response"] = {**_response(g), "content": g.response}
            raise
        # The turn as the episode core rebuilds it (Generation.assistant_turn): the text as
        # generated, with the server's tool_calls if it parsed them; calls read from the text
        # stay in the text, so the model sees its own output in later turns.
        message: dict[str, Any] = {"role": "assistant", "content": g.response}
        if served:
            message["tool_calls"] = calls
        message["extra"] = {"actions": actions, "response": _response(g), **cost}
        return message

    def format_message(self, **kwargs: Any) -> dict[str, Any]:
        """A message as given (mini: multimodal expansion, off in its SWE-bench config)."""
        return dict(kwargs)

    def format_observation_messages(self, message: dict[str, Any], outputs: list[dict[str, Any]],
                                    template_vars: dict[str, Any] | None = None
                                    ) -> list[dict[str, Any]]:
        """Tool results as ``tool`` messages (mini's ``format_toolcall_observation_messages``)."""
        from minisweagent.models.utils.actions_toolcall import (
            format_toolcall_observation_messages,
        )

        msgs = format_toolcall_observation_messages(
            actions=message.get("extra", {}).get("actions", []), outputs=outputs,
            observation_template=self.config.observation_template,
            template_vars=template_vars, multimodal_regex=self.config.multimodal_regex)
        for m in msgs:  # mini stamps wall-clock time; a replayed episode must match
            m.get("extra", {}).pop("timestamp", None)
            raw = m.get("extra", {}).get("raw_output")
            if isinstance(raw, str):
                m["extra"]["raw_output"] = str.__str__(raw)  # plain text in the trajectory
        return msgs

    def get_template_vars(self, **_: Any) -> dict[str, Any]:
        """The model config, as ``LitellmModel.get_template_vars``."""
        return self.config.model_dump()

    def serialize(self) -> dict[str, Any]:
        """The model's part of a trajectory."""
        kind = f"{type(self).__module__}.{type(self).__name__}"
        return {"info": {"config": {"model": self.config.model_dump(), "model_type": kind}}}
