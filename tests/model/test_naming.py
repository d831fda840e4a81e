"""Readable model names for tables and reports (the manifest keeps the path)."""

from __future__ import annotations

import pytest

from evalkit.model.naming import model_label


@pytest.mark.parametrize(("model", "name", "want"), [
    ("/ckpt/SmolLM2-135M-Instruct/hf", None, "SmolLM2-135M-Instruct"),
    ("/ckpt/run7/checkpoint/hf/", None, "run7"),
    ("/root/.cache/evalkit/models/smollm2-bcc81830d10c/SmolLM2-135M-Instruct", None,
     "SmolLM2-135M-Instruct"),
    ("./models/my-model", None, "my-model"),
    ("nvidia/Nemotron-Cascade-2-30B-A3B", None, "nvidia/Nemotron-Cascade-2-30B-A3B"),
    ("gpt-4o", None, "gpt-4o"),
    ("/ckpt/x/hf", "candidate-v2", "candidate-v2"),
    ("reference", None, "reference"),
])
def test_model_label(model, name, want):
    assert model_label(model, name) == want
