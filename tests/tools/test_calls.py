"""Tool calls parsed from raw output per format; malformed ones are errors, not exceptions."""

from __future__ import annotations

import pytest

from evalkit.errors import EvalkitError
from evalkit.tools.calls import (
    PYTHON_TOOL_NAME,
    code_of,
    from_openai,
    parse_tool_calls,
    tool_response_message,
)

QWEN = ("<think>maybe <tool_call>ignored</tool_call></think>Let me compute.\n<tool_call>\n"
        f"<function={PYTHON_TOOL_NAME}>\n<parameter=code>\nprint(2**10)\n</parameter>\n"
        "</function>\n</tool_call>")


def test_qwen3_coder_call_after_reasoning():
    [call] = parse_tool_calls(QWEN, "qwen3_coder")
    assert call.name == PYTHON_TOOL_NAME and code_of(call) == ("print(2**10)", None)


def test_qwen3_coder_malformed_is_an_error():
    [call] = parse_tool_calls("<tool_call>print(1)</tool_call>", "qwen3_coder")
    code, err = code_of(call)
    assert code is None and err and "malformed" in err


def test_hermes_calls_and_bad_json():
    calls = parse_tool_calls(
        f'<tool_call>{{"name": "{PYTHON_TOOL_NAME}", "arguments": {{"code": "x=1"}}}}</tool_call>'
        "<tool_call>{oops</tool_call>", "hermes")
    assert code_of(calls[0]) == ("x=1", None)
    assert calls[1].error and "invalid JSON" in calls[1].error


def test_unknown_tool_and_missing_code_are_errors():
    [c] = parse_tool_calls('<tool_call>{"name": "shell", "arguments": {}}</tool_call>', "hermes")
    assert "unknown tool" in (code_of(c)[1] or "")
    [c] = parse_tool_calls(f'<tool_call>{{"name": "{PYTHON_TOOL_NAME}"}}</tool_call>', "hermes")
    assert "missing" in (code_of(c)[1] or "")


def test_openai_tool_calls():
    calls = from_openai([{"function": {"name": PYTHON_TOOL_NAME, "arguments": '{"code": "1"}'}},
                         {"function": {"name": PYTHON_TOOL_NAME, "arguments": "{nope"}}])
    assert code_of(calls[0]) == ("1", None) and calls[1].error


def test_unknown_format_is_a_one_line_error():
    with pytest.raises(EvalkitError, match="tool_call_format"):
        parse_tool_calls("", "xml")


def test_results_return_in_the_user_role_wrapped():
    msg = tool_response_message(["1024\n"])
    assert msg == {"role": "user", "content": "<tool_response>\n1024\n\n</tool_response>"}
