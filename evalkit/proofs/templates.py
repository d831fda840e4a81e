"""Loading the verify-refine prompt templates from a folder.

A folder holds ``generate.md``, ``verify.md`` and ``refine.md`` (placeholders
in :data:`evalkit.proofs.verify.PLACEHOLDERS`).  evalkit's own are bundled in
``benchmarks/imo_proofbench/verify_refine/`` (see its README for what was taken
from DeepSeek-Math-V2); any other folder of the same shape can replace them
(option ``verify_refine.prompts``).
"""

from __future__ import annotations

from pathlib import Path

from evalkit._resources import benchmarks_dir
from evalkit.errors import EvalkitError
from evalkit.proofs.verify import PLACEHOLDERS, Templates, template_errors


def bundled_dir() -> Path:
    """evalkit's own templates."""
    return benchmarks_dir() / "imo_proofbench" / "verify_refine"


def load_templates(folder: Path | None = None) -> Templates:
    """The three templates of ``folder`` (default: the bundled ones); a missing file or
    placeholder is a one-line error naming the file."""
    folder = Path(folder) if folder is not None else bundled_dir()
    texts: dict[str, str] = {}
    for name in PLACEHOLDERS:
        path = folder / f"{name}.md"
        if not path.is_file():
            raise EvalkitError(f"{path}: prompt template not found")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise EvalkitError(f"{path}: not UTF-8 text") from None
        errors = template_errors(name, text)
        if errors:
            raise EvalkitError(f"{path}: {'; '.join(errors)}")
        texts[name] = text
    return Templates(**texts)
