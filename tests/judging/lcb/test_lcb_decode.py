"""Hidden tests are decoded without ever unpickling untrusted bytes."""

from __future__ import annotations

import base64
import json
import os
import pickle
import zlib
from pathlib import Path

import pytest

from evalkit.judging.lcb.decode import (
    TestDataError,
    decode_private_tests,
    encode_private_tests,
    unpickle_string,
)

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "benchmarks" / "livecodebench_sample" / "fixture_1873_A.json"


def wrap(blob: bytes) -> str:
    return base64.b64encode(zlib.compress(blob)).decode()


def test_the_real_rows_hidden_tests_decode():
    row = json.loads(FIXTURE.read_text())
    tests = decode_private_tests(row["private_test_cases"])
    assert len(tests) == 4
    assert tests[0] == {"input": "1\nabc\n", "output": "YES\n", "testtype": "stdin"}


def test_plain_json_is_accepted_as_lcb_runner_does():
    tests = [{"input": "1", "output": "2", "testtype": "stdin"}]
    assert decode_private_tests(json.dumps(tests)) == tests


def test_round_trip_of_the_datasets_encoding():
    tests = [{"input": "[1, 2]\n3", "output": "[3]", "testtype": "functional"}]
    assert decode_private_tests(encode_private_tests(tests)) == tests


class Boom:
    """A pickle that would run a shell command when loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_malicious_pickle_is_rejected_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    evil = wrap(pickle.dumps(Boom(marker), protocol=4))
    with pytest.raises(TestDataError, match="not allowed"):
        decode_private_tests(evil, "row 7: private_test_cases")
    assert not marker.exists()
    # The same bytes really are dangerous: plain pickle.loads would have run them.
    pickle.loads(zlib.decompress(base64.b64decode(evil)))
    assert marker.exists()


@pytest.mark.parametrize("payload", [
    ["a list", "of strings"],
    {"a": "dict"},
    42,
    b"bytes",
])
def test_anything_but_one_string_is_rejected(payload):
    with pytest.raises(TestDataError, match="row 1"):
        decode_private_tests(wrap(pickle.dumps(payload, protocol=4)), "row 1")


def test_trailing_bytes_after_stop_are_rejected():
    with pytest.raises(TestDataError, match="after the pickle"):
        unpickle_string(pickle.dumps("[]", protocol=4) + b"junk", "x")


def test_every_protocol_of_a_plain_string_is_accepted():
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        assert unpickle_string(pickle.dumps("[]", protocol=proto)) == "[]"


@pytest.mark.parametrize(("value", "message"), [
    ("%%%not base64", "neither JSON nor base64"),
    (base64.b64encode(b"not zlib").decode(), "not zlib"),
    (wrap(b"\x80\x04garbage"), "pickle"),
    (wrap(pickle.dumps("not json", protocol=4)), "not JSON"),
    (json.dumps([{"input": "1"}]), "string 'input' and 'output'"),
    (json.dumps([{"input": "1", "output": "1", "testtype": "magic"}]), "testtype"),
])
def test_bad_data_gets_a_one_line_error(value, message):
    with pytest.raises(TestDataError, match=message):
        decode_private_tests(value)
