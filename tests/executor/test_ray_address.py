"""A wrong --ray-address fails at once with one line, instead of ray.init's long retries."""

import socket

import pytest

from evalkit.errors import EvalkitError
from evalkit.executor.ray_cluster import _reachable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_address_nothing_listens_at_is_a_one_line_error():
    port = _free_port()
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}"):
        with pytest.raises(EvalkitError, match="nothing answers there"):
            _reachable(address, timeout=2)


def test_a_malformed_address_names_the_expected_forms():
    with pytest.raises(EvalkitError, match="expected auto, host:port"):
        _reachable("my-cluster")


def test_a_listening_address_passes():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        _reachable(f"127.0.0.1:{s.getsockname()[1]}", timeout=2)
