"""Append-only JSON Lines logs that survive being killed at any moment.

Rule (evalkit/jsonl.py): one record per line, flushed at once; a ``kill -9``
loses at most the line being written.  A torn last line (no trailing newline)
is never read as a record, and is cut off when the log is reopened, so the next
append starts on a clean line.  A bad *complete* line is corruption, reported
as ``file:line``.
"""

from __future__ import annotations

import json
import threading

import pytest

from evalkit.errors import EvalkitError
from evalkit.jsonl import JsonlLog, read_jsonl


def test_appended_records_are_read_back_in_order(tmp_path):
    path = tmp_path / "log.jsonl"
    records = [{"i": 1, "text": "héllo ✓"}, {"i": 2, "nested": {"a": [1, 2]}}]
    with JsonlLog(path) as log:
        for r in records:
            log.append(r)
    assert list(read_jsonl(path)) == records
    assert path.read_text(encoding="utf-8").count("\n") == 2


def test_records_are_visible_before_close(tmp_path):
    """Each append is flushed: a reader (or a crash) sees it at once."""
    path = tmp_path / "log.jsonl"
    log = JsonlLog(path)
    log.append({"i": 1})
    assert list(read_jsonl(path)) == [{"i": 1}]
    log.close()


def test_reopening_appends_after_existing_records(tmp_path):
    path = tmp_path / "log.jsonl"
    with JsonlLog(path) as log:
        log.append({"i": 1})
    with JsonlLog(path) as log:
        log.append({"i": 2})
    assert [r["i"] for r in read_jsonl(path)] == [1, 2]


def test_missing_file_reads_as_empty(tmp_path):
    assert list(read_jsonl(tmp_path / "nope.jsonl")) == []


def test_read_ignores_a_torn_last_line_without_changing_the_file(tmp_path):
    path = tmp_path / "log.jsonl"
    content = '{"i": 1}\n{"i": 2, "te'
    path.write_text(content)
    assert list(read_jsonl(path)) == [{"i": 1}]
    assert path.read_text() == content


def test_a_complete_json_object_without_newline_is_still_torn(tmp_path):
    """Without its newline the line may have been cut mid-number (``{"n": 12`` of 123)."""
    path = tmp_path / "log.jsonl"
    path.write_text('{"i": 1}\n{"i": 2}')
    assert list(read_jsonl(path)) == [{"i": 1}]


def test_reopening_cuts_a_torn_line_so_the_next_append_is_clean(tmp_path):
    """Without the repair the next record is glued to the torn one (``{"i": 2, "te{"i": 3}``)."""
    path = tmp_path / "log.jsonl"
    path.write_text('{"i": 1}\n{"i": 2, "te')
    with JsonlLog(path) as log:
        log.append({"i": 3})
    assert path.read_text() == '{"i": 1}\n{"i": 3}\n'
    assert [r["i"] for r in read_jsonl(path)] == [1, 3]


def test_a_torn_line_longer_than_the_repair_chunk_is_cut(tmp_path):
    path = tmp_path / "log.jsonl"
    good = json.dumps({"i": 1, "pad": "x" * 5000}) + "\n"
    path.write_text(good + '{"i": 2, "pad": "' + "y" * 20000)
    with JsonlLog(path) as log:
        log.append({"i": 3})
    assert [r["i"] for r in read_jsonl(path)] == [1, 3]


def test_a_file_holding_only_a_torn_line_is_emptied(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"i": 1, "te')
    with JsonlLog(path) as log:
        log.append({"i": 2})
    assert path.read_text() == '{"i": 2}\n'


def test_a_torn_multibyte_character_is_cut_with_its_line(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"i": 1}\n{"t": "\xe2\x9c')  # half of a UTF-8 check mark
    with JsonlLog(path) as log:
        log.append({"i": 2})
    assert [r.get("i") for r in read_jsonl(path)] == [1, 2]


def test_a_bad_complete_line_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"i": 1}\n{"i": 2,,}\n{"i": 3}\n')
    with pytest.raises(EvalkitError) as info:
        list(read_jsonl(path))
    assert f"{path}:2:" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_complete_line_that_is_not_an_object_is_an_error(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"i": 1}\n\n[1, 2]\n')
    with pytest.raises(EvalkitError, match=r":3: expected a JSON object"):
        list(read_jsonl(path))


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"i": 1}\n\n   \n{"i": 2}\n')
    assert [r["i"] for r in read_jsonl(path)] == [1, 2]


def test_concurrent_appends_from_threads_produce_whole_lines(tmp_path):
    """Records bigger than the I/O buffer, from 8 threads at once, never interleave."""
    path = tmp_path / "log.jsonl"
    n_threads, per_thread = 8, 60
    pad = "z" * 20000  # > the 8 KiB buffer: one record takes several write() calls
    barrier = threading.Barrier(n_threads)
    with JsonlLog(path) as log:
        def worker(t: int) -> None:
            barrier.wait()
            for i in range(per_thread):
                log.append({"t": t, "i": i, "pad": pad})

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    records = list(read_jsonl(path))  # raises on any interleaved (broken) line
    assert len(records) == n_threads * per_thread
    assert all(r["pad"] == pad for r in records)
    for t in range(n_threads):
        assert [r["i"] for r in records if r["t"] == t] == list(range(per_thread))


# Untrusted text (issue 12): program output and model responses may hold lone
# surrogates; input files may hold bytes that are not UTF-8.

def test_a_lone_surrogate_is_written_as_an_escape_and_read_back_unchanged(tmp_path):
    path = tmp_path / "log.jsonl"
    with JsonlLog(path) as log:
        log.append({"stdout": "a\ud800b", "ok": "é"})
        log.append({"ok": "é"})
    raw = path.read_bytes()
    raw.decode("utf-8")  # the file stays valid UTF-8
    assert b"\\ud800" in raw and "é".encode() in raw  # escaped only where needed
    assert [r for r in read_jsonl(path)] == [{"stdout": "a\ud800b", "ok": "é"}, {"ok": "é"}]


def test_a_line_that_is_not_utf8_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": "\xff\xfe"}\n')
    with pytest.raises(EvalkitError, match=r"log\.jsonl:2: not valid UTF-8"):
        list(read_jsonl(path))


def test_deeply_nested_json_is_an_error_not_a_recursion_crash(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text("[" * 200_000 + "]" * 200_000 + "\n")
    with pytest.raises(EvalkitError, match=r"log\.jsonl:1: not valid JSON"):
        list(read_jsonl(path))


def test_a_log_that_cannot_be_opened_is_a_one_line_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(EvalkitError, match=r"file/log\.jsonl: cannot write"):
        JsonlLog(tmp_path / "file" / "log.jsonl")
