"""Generation settings: preset < benchmark [generation] < command line."""

from __future__ import annotations

import pytest

from evalkit.errors import EvalkitError
from evalkit.model.config import list_presets, resolve


def test_nemotron_preset_carries_the_model_card_settings():
    params, engine = resolve("nemotron-cascade-2", None, {})
    assert (params.temperature, params.top_p) == (1.0, 0.95)
    assert engine.model == "nvidia/Nemotron-Cascade-2-30B-A3B"
    assert engine.max_model_len == 262144 and engine.trust_remote_code
    assert engine.chat_template_kwargs == {"enable_thinking": True}
    assert engine.serve_args == ("--reasoning-parser", "nemotron_v3",
                                 "--mamba-ssm-cache-dtype", "float32", "--trust-remote-code")
    assert engine.extra == {"mamba_ssm_cache_dtype": "float32"}
    assert engine.preset == "nemotron-cascade-2"


def test_benchmark_generation_table_overrides_the_preset_and_the_command_line_wins():
    spec = {"max_tokens": 131072, "top_p": 1.0}
    params, _ = resolve("nemotron-cascade-2", spec, {})
    assert (params.max_tokens, params.top_p, params.temperature) == (131072, 1.0, 1.0)
    params, engine = resolve("nemotron-cascade-2", spec,
                             {"top_p": 0.9, "max_model_len": 4096, "temperature": None,
                              "chat_template_kwargs": {"enable_thinking": False}})
    assert (params.top_p, params.temperature) == (0.9, 1.0)
    assert engine.max_model_len == 4096
    assert engine.chat_template_kwargs == {"enable_thinking": False}


def test_no_preset_gives_the_old_defaults():
    params, engine = resolve(None, None, {})
    assert params.temperature == 0.0 and params.max_tokens == 32768
    assert engine.model == "" and engine.preset is None


def test_unknown_preset_is_one_clear_line():
    with pytest.raises(EvalkitError, match=r"unknown preset 'nope' \(available: .*nemotron"):
        resolve("nope", None, {})


def test_unknown_setting_names_where_it_came_from():
    with pytest.raises(EvalkitError, match=r"spec\.toml \[generation\]: unknown generation "
                                            r"setting 'temprature'"):
        resolve(None, {"temprature": 1.0}, {}, spec_where="spec.toml [generation]")


def test_bad_values_are_refused():
    with pytest.raises(EvalkitError, match="top_p"):
        resolve(None, None, {"top_p": 0.0})


def test_bundled_presets_all_load():
    for name in list_presets():
        resolve(name, None, {})


def test_the_tool_call_format_comes_from_the_preset_and_reaches_the_server_flags():
    from evalkit.model.serve import server_command

    _, engine = resolve("nemotron-cascade-2", None, {})
    assert engine.tool_call_format == "qwen3_coder"
    assert engine.to_json()["tool_call_format"] == "qwen3_coder"
    cmd = server_command(engine, 8000)
    i = cmd.index("--tool-call-parser")
    assert cmd[i - 1] == "--enable-auto-tool-choice" and cmd[i + 1] == "qwen3_coder"
    _, plain = resolve("tiny-chatml", None, {})  # unset: the engine record is unchanged
    assert plain.tool_call_format is None and "tool_call_format" not in plain.to_json()
    assert "--tool-call-parser" not in server_command(plain, 8000)
    with pytest.raises(EvalkitError, match="tool_call_format must be one of qwen3_coder, "
                                           "hermes, not 'xml'"):
        resolve(None, {"tool_call_format": "xml"}, {})
