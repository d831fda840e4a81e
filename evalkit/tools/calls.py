"""Tool calls parsed from a model's raw output, and tool results rendered back.

Two formats, chosen by the preset's ``tool_call_format``:

- ``qwen3_coder``: ``<tool_call><function=NAME><parameter=P>VALUE</parameter>
  </function></tool_call>`` as in the Nemotron-Cascade 2 chat template
  (huggingface.co/nvidia/Nemotron-Cascade-2-30B-A3B, chat_template.jinja) and
  vLLM 0.32.0's ``qwen3_coder`` parser (vllm/tool_parsers/__init__.py), which
  strips one leading and trailing newline of each parameter value.
- ``hermes``: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` as
  vLLM 0.32.0's ``hermes`` parser (vllm/tool_parsers/hermes_tool_parser.py).

vLLM's own parsers need a tokenizer and a request object (and ``qwen3_coder``
is an engine adapter), so the in-process backend uses these pure functions over
the same grammar; a malformed call is a ``ToolCall`` with ``error`` set, never
an exception.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from evalkit.errors import EvalkitError

FORMATS = ("qwen3_coder", "hermes")
_CALL = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.S)
_FUNC = re.compile(r"^\s*<function=([^>\n]+)>(.*?)(?:</function>\s*)?$", re.S)
_PARAM = re.compile(r"<parameter=([^>\n]+)>(.*?)(?:</parameter>|(?=<parameter=)|\Z)", re.S)


@dataclass(frozen=True)
class ToolCall:
    """One parsed call: ``name`` and ``arguments``, or ``error`` when malformed."""

    name: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    raw: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": self.arguments, "error": self.error,
                "raw": self.raw}


def _strip_nl(value: str) -> str:
    if value.startswith("\n"):
        value = value[1:]
    if value.endswith("\n"):
        value = value[:-1]
    return value


def _qwen3_coder(body: str) -> ToolCall:
    m = _FUNC.match(body)
    if m is None:
        return ToolCall(error="malformed tool call: expected <function=NAME>...</function>",
                        raw=body)
    args = {p.strip(): _strip_nl(v) for p, v in _PARAM.findall(m.group(2))}
    return ToolCall(name=m.group(1).strip(), arguments=args, raw=body)


def _hermes(body: str) -> ToolCall:
    try:
        obj = json.loads(body.strip())
    except json.JSONDecodeError as e:
        return ToolCall(error=f"malformed tool call: invalid JSON ({e.msg})", raw=body)
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
        return ToolCall(error='malformed tool call: expected {"name": ..., "arguments": {...}}',
                        raw=body)
    args = obj.get("arguments", {})
    if isinstance(args, str):  # some models emit the arguments JSON-encoded
        try:
            args = json.loads(args)
        except json.JSONDecodeError:
            return ToolCall(error="malformed tool call: arguments are not JSON", raw=body)
    if not isinstance(args, dict):
        return ToolCall(error="malformed tool call: arguments must be an object", raw=body)
    return ToolCall(name=obj["name"], arguments=args, raw=body)


def parse_tool_calls(text: str, fmt: str) -> list[ToolCall]:
    """Every ``<tool_call>`` block in ``text`` (after the reasoning), in order."""
    if fmt not in FORMATS:
        raise EvalkitError(f"preset tool_call_format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if "</think>" in text:  # calls inside the reasoning are thoughts, not calls
        text = text.rsplit("</think>", 1)[1]
    parse = _qwen3_coder if fmt == "qwen3_coder" else _hermes
    return [parse(body) for body in _CALL.findall(text)]


def from_openai(tool_calls: list[dict[str, Any]]) -> list[ToolCall]:
    """Calls returned by an OpenAI-compatible server (``message.tool_calls``)."""
    out = []
    for tc in tool_calls:
        fn = tc.get("function") or {}
        raw = fn.get("arguments") or "{}"
        try:
            args = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError:
            out.append(ToolCall(name=str(fn.get("name", "")), raw=str(raw),
                                error="malformed tool call: arguments are not JSON"))
            continue
        if not isinstance(args, dict):
            out.append(ToolCall(name=str(fn.get("name", "")), raw=str(raw),
                                error="malformed tool call: arguments must be an object"))
            continue
        out.append(ToolCall(name=str(fn.get("name", "")), arguments=args, raw=str(raw)))
    return out


PYTHON_TOOL_NAME = "stateful_python_code_exec"  # the name in the model card's TIR example


def python_tool_schema(timeout: float) -> dict[str, Any]:
    """The OpenAI-style declaration of the python tool (passed to the template as ``tools=``)."""
    return {"type": "function", "function": {
        "name": PYTHON_TOOL_NAME,
        "description": ("Call this function to execute Python code in a stateful Jupyter-like "
                        f"environment. Execution times out after {timeout:g} seconds."),
        "parameters": {"type": "object", "properties": {
            "code": {"type": "string", "description": "Code to execute"}},
            "required": ["code"]}}}


def code_of(call: ToolCall) -> tuple[str | None, str | None]:
    """The code to run, or an error text for the model (wrong tool, missing parameter)."""
    if call.error:
        return None, call.error
    if call.name != PYTHON_TOOL_NAME:
        return None, f"unknown tool {call.name!r}: the only tool is {PYTHON_TOOL_NAME}"
    code = call.arguments.get("code")
    if not isinstance(code, str):
        return None, "malformed tool call: missing string parameter 'code'"
    return code, None


def tool_response_message(results: list[str]) -> dict[str, str]:
    """Tool results as the next user turn: the Nemotron-Cascade 2 template has no tool role
    and wraps results in <tool_response>...</tool_response> inside a user turn (model card)."""
    body = "\n".join(f"<tool_response>\n{r}\n</tool_response>" for r in results)
    return {"role": "user", "content": body}
