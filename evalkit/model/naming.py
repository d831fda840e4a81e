"""A readable model name for run ids, tables and reports (the manifest keeps the path)."""

from __future__ import annotations

from pathlib import Path

# Checkpoint folder names that say nothing about the model (named by their parent).
GENERIC_DIRS = frozenset({"hf", "model", "models", "checkpoint", "final", "latest",
                          "huggingface", "weights", "snapshot", "merged"})


def model_label(model: str, name: str | None = None) -> str:
    """``name`` if given, else a model directory's own name, else ``model`` unchanged.

    A folder named like ``hf`` or ``model`` is named by its parent
    (``/ckpt/SmolLM2-135M-Instruct/hf`` -> ``SmolLM2-135M-Instruct``); a hub id
    (``org/name``) or a served model name is kept as it is.
    """
    if name:
        return name
    if not model.startswith(("/", ".", "~")):
        return model
    parts = [x for x in Path(model).expanduser().parts if x not in ("/", ".", "..")]
    while len(parts) > 1 and parts[-1].lower() in GENERIC_DIRS:
        parts.pop()
    return parts[-1] if parts else model
