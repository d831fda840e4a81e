"""Decoding LiveCodeBench's hidden tests without unpickling untrusted bytes.

``private_test_cases`` of ``livecodebench/code_generation_lite`` is either a
JSON string or ``base64(zlib(pickle(json_string)))``; lcb_runner decodes it
with ``json.loads(pickle.loads(zlib.decompress(base64.b64decode(s))))``
(lcb_runner/benchmarks/code_generation.py).  ``pickle.loads`` on downloaded
bytes runs whatever the pickle says, so here the pickle is never executed:
its opcodes are read with :func:`pickletools.genops` and only the shape
``[PROTO] [FRAME] <one string> [MEMOIZE|PUT] STOP`` is admitted; the string
is taken from the opcode's argument.  Anything else (a global, a REDUCE, a
list, two strings...) is rejected with a clear error.
"""

from __future__ import annotations

import base64
import binascii
import json
import pickletools
import zlib
from typing import Any

from evalkit.errors import EvalkitError

# Opcodes that push one str, and harmless framing/bookkeeping opcodes.
_STRING_OPS = {"BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "UNICODE"}
_FRAMING_OPS = {"PROTO", "FRAME", "MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"}
# A decompressed test blob larger than this is refused rather than filling memory.
MAX_DECOMPRESSED = 1 << 31


class TestDataError(EvalkitError):
    """Hidden tests that cannot be decoded safely."""

    __test__ = False  # not a pytest test class


def unpickle_string(data: bytes, where: str = "pickle") -> str:
    """The single ``str`` a pickle holds, read without executing the pickle.

    Raises :class:`TestDataError` naming ``where`` for any other content.
    """
    found: str | None = None
    try:
        for op, arg, pos in pickletools.genops(data):
            name = op.name
            if name in _FRAMING_OPS:
                continue
            if name in _STRING_OPS and found is None and isinstance(arg, str):
                found = arg
                continue
            if name == "STOP" and found is not None:
                end = (pos or 0) + 1
                if end != len(data):
                    raise TestDataError(f"{where}: {len(data) - end} bytes after the pickle's STOP")
                return found
            raise TestDataError(
                f"{where}: pickle opcode {name} at byte {pos} is not allowed "
                "(only a single string is accepted; the data may be malicious)")
    except TestDataError:
        raise
    except Exception as e:  # noqa: BLE001 - pickletools raises ValueError and others on junk
        raise TestDataError(f"{where}: not a valid pickle ({e})") from None
    raise TestDataError(f"{where}: pickle ended without STOP")


def decode_private_tests(value: str, where: str = "private_test_cases") -> list[dict[str, Any]]:
    """The hidden tests of one row as a list of ``{"input", "output", "testtype"}``.

    Mirrors lcb_runner: plain JSON first, else base64 -> zlib -> pickle -> JSON.
    """
    try:
        return check_tests(json.loads(value), where)
    except (json.JSONDecodeError, TypeError):
        pass  # not JSON: the dataset's compressed pickle
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise TestDataError(f"{where}: neither JSON nor base64") from None
    try:
        d = zlib.decompressobj()
        blob = d.decompress(raw, MAX_DECOMPRESSED)
    except zlib.error as e:
        raise TestDataError(f"{where}: not zlib data ({e})") from None
    if d.unconsumed_tail:
        raise TestDataError(f"{where}: decompresses to more than {MAX_DECOMPRESSED} bytes")
    text = unpickle_string(blob, where)
    try:
        tests = json.loads(text)
    except json.JSONDecodeError as e:
        raise TestDataError(f"{where}: decoded pickle is not JSON ({e})") from None
    return check_tests(tests, where)


def check_tests(tests: Any, where: str) -> list[dict[str, Any]]:
    """Validate a decoded test list: each has string input/output and a known testtype."""
    if not isinstance(tests, list):
        raise TestDataError(f"{where}: expected a list of tests, got {type(tests).__name__}")
    for i, t in enumerate(tests):
        if not isinstance(t, dict) or not isinstance(t.get("input"), str) or not isinstance(
                t.get("output"), str):
            raise TestDataError(f"{where}[{i}]: a test needs string 'input' and 'output'")
        if t.get("testtype") not in ("stdin", "functional"):
            raise TestDataError(f"{where}[{i}]: testtype must be 'stdin' or 'functional', "
                                f"not {t.get('testtype')!r}")
    return tests


def encode_private_tests(tests: list[dict[str, Any]]) -> str:
    """Encode tests the way the dataset does (for bundling rows written in its format)."""
    import pickle

    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests), protocol=4))).decode()
