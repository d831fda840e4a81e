"""The run directory, the single source of truth of a run.

Rules (evalkit/rundir.py): manifest and summary are written atomically
(readers see the old or the new file, never half of one; write to a temp file
in the same folder, fsync, ``os.replace``); an exclusive lock keeps a second
process from writing the same run; judgements are read as the latest record
per (problem, sample), only those of the current judge configuration
(``judge_key``) when one is given.
"""

from __future__ import annotations

import json

import pytest

from evalkit.errors import EvalkitError
from evalkit.records import Generation, Judgement
from evalkit.rundir import RunDir, read_json, write_json_atomic


def judgement(pid: str, sample: int, key: str, score: float, verdict: str = "partial"):
    return Judgement(problem_id=pid, sample=sample, judge_key=key, verdict=verdict,
                     score=score, max_score=100.0)


# -- manifest and summary ---------------------------------------------------------

def test_manifest_round_trip(tmp_path):
    rd = RunDir(tmp_path / "run")
    rd.path.mkdir()
    assert not rd.exists()
    manifest = {"benchmark": "ioi2024_sample", "model": "m", "seed": 0, "note": "ü"}
    rd.write_manifest(manifest)
    assert rd.exists()
    assert rd.read_manifest() == manifest


def test_update_manifest_keeps_other_fields(tmp_path):
    rd = RunDir(tmp_path)
    rd.write_manifest({"a": 1, "b": 2})
    assert rd.update_manifest(b=3, c=4) == {"a": 1, "b": 3, "c": 4}
    assert rd.read_manifest() == {"a": 1, "b": 3, "c": 4}


def test_atomic_write_leaves_no_temp_files(tmp_path):
    rd = RunDir(tmp_path)
    rd.write_manifest({"a": 1})
    rd.write_manifest({"a": 2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_failed_write_keeps_the_old_file_whole(tmp_path):
    """A naive ``open(path, 'w')`` would already have truncated the manifest."""
    rd = RunDir(tmp_path)
    rd.write_manifest({"a": 1})
    with pytest.raises(TypeError):
        rd.write_manifest({"a": 2, "bad": object()})  # not JSON-serialisable midway
    assert rd.read_manifest() == {"a": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_missing_manifest_is_a_one_line_error_naming_the_file(tmp_path):
    rd = RunDir(tmp_path)
    with pytest.raises(EvalkitError, match=r"manifest\.json: missing"):
        rd.read_manifest()


def test_corrupt_manifest_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "manifest.json").write_text('{"a": ')
    with pytest.raises(EvalkitError) as info:
        RunDir(tmp_path).read_manifest()
    assert str(tmp_path / "manifest.json") in str(info.value)
    assert "\n" not in str(info.value)


def test_manifest_must_be_an_object(tmp_path):
    write_json_atomic(tmp_path / "manifest.json", [1, 2])
    with pytest.raises(EvalkitError, match="expected a JSON object"):
        RunDir(tmp_path).read_manifest()


def test_summary_is_written_as_json(tmp_path):
    rd = RunDir(tmp_path)
    rd.write_summary({"score": 123.45, "tasks": {"aplusb": 100}})
    assert read_json(rd.summary_path) == {"score": 123.45, "tasks": {"aplusb": 100}}
    assert json.loads(rd.summary_path.read_text()) == {"score": 123.45,
                                                       "tasks": {"aplusb": 100}}


# -- lock -------------------------------------------------------------------------

def test_lock_prevents_a_second_locker(tmp_path):
    first, second = RunDir(tmp_path / "run"), RunDir(tmp_path / "run")
    first.lock()
    try:
        with pytest.raises(EvalkitError, match="another evalkit process"):
            second.lock()
    finally:
        first.unlock()


def test_lock_is_free_again_after_unlock(tmp_path):
    first, second = RunDir(tmp_path), RunDir(tmp_path)
    first.lock()
    first.unlock()
    second.lock()  # must not raise
    second.unlock()


def test_lock_creates_the_run_folder(tmp_path):
    rd = RunDir(tmp_path / "a" / "b")
    rd.lock()
    try:
        assert rd.path.is_dir()
    finally:
        rd.unlock()


# -- records ----------------------------------------------------------------------

def write_judgements(rd: RunDir, js: list[Judgement]) -> None:
    with rd.judgement_log() as log:
        for j in js:
            log.append(j.to_json())


def test_judgements_keep_the_latest_per_problem_and_sample(tmp_path):
    rd = RunDir(tmp_path)
    write_judgements(rd, [
        judgement("p", 0, "k1", 10),
        judgement("p", 1, "k1", 20),
        judgement("p", 0, "k1", 30),  # re-judged later
    ])
    got = rd.judgements()
    assert {k: j.score for k, j in got.items()} == {("p", 0): 30, ("p", 1): 20}


def test_judgements_filter_by_judge_key(tmp_path):
    """Judgements from another judge configuration are not this run's results."""
    rd = RunDir(tmp_path)
    write_judgements(rd, [
        judgement("p", 0, "old", 10),
        judgement("p", 0, "new", 50),
        judgement("p", 1, "old", 70),   # only judged under the old configuration
        judgement("q", 0, "new", 80),
        judgement("p", 0, "old", 99),   # latest line overall, but of the old key
    ])
    new = rd.judgements("new")
    assert {k: j.score for k, j in new.items()} == {("p", 0): 50, ("q", 0): 80}
    assert all(j.judge_key == "new" for j in new.values())
    everything = rd.judgements()
    assert everything[("p", 0)].score == 99


def test_judgements_of_a_new_run_are_empty(tmp_path):
    assert RunDir(tmp_path).judgements("k") == {}


def test_generations_are_read_back_by_key(tmp_path):
    rd = RunDir(tmp_path)
    g = Generation(problem_id="p", sample=3, response="r", seed=7)
    with rd.generation_log() as log:
        log.append(g.to_json())
    assert rd.generations() == {("p", 3): g}


def test_a_judgement_record_missing_fields_is_an_error_naming_the_file(tmp_path):
    rd = RunDir(tmp_path)
    rd.judgements_path.write_text('{"problem_id": "p", "sample": 0}\n')
    with pytest.raises(EvalkitError) as info:
        rd.judgements()
    assert str(rd.judgements_path) in str(info.value)


def test_a_run_directory_that_cannot_be_written_is_a_one_line_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(EvalkitError, match=r"cannot write the run directory"):
        RunDir(tmp_path / "file" / "run").lock()
    with pytest.raises(EvalkitError, match=r"summary\.json: cannot write"):
        write_json_atomic(tmp_path / "file" / "summary.json", {})


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root writes read-only dirs")
def test_a_read_only_run_directory_is_a_one_line_error_and_loses_nothing(tmp_path):
    rd = RunDir(tmp_path / "run")
    rd.lock()
    rd.write_manifest({"a": 1})
    rd.unlock()
    (tmp_path / "run" / ".lock").unlink()
    (tmp_path / "run").chmod(0o500)
    try:
        with pytest.raises(EvalkitError, match="cannot write"):
            RunDir(tmp_path / "run").lock()
    finally:
        (tmp_path / "run").chmod(0o700)
    assert RunDir(tmp_path / "run").read_manifest() == {"a": 1}


def test_a_summary_with_a_lone_surrogate_is_written(tmp_path):
    write_json_atomic(tmp_path / "s.json", {"msg": "x\udcff"})
    assert read_json(tmp_path / "s.json") == {"msg": "x\udcff"}
