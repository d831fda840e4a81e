"""Loading CMS task packages as IOI publishes them (ioi-2024/tasks ``<task>-CMS.zip``).

Every rule is CMS's TPS loader, cmscontrib/loaders/tps.py at cms-dev/cms
c3659b810cfd1fab37904f6c6148d460f2854eff (see evalkit/judging/cms/package.py);
the official IOI 2024 packages bundled in benchmarks/ioi2024_sample
(problem.json, subtasks/, tests/ are unchanged copies) show the format:

- ``problem.json``: ``time_limit`` in seconds, ``memory_limit`` in *bytes*,
  ``score_precision``, ``task_type``, and ``task_type_params`` — a JSON object
  *serialised as a string*, with keys ``task_type_parameters_<Type>_<name>``;
- ``subtasks/NN-name.json``: ``{"score": S, "testcases": [...]}``, in file-name
  order; one test may belong to several subtasks (CMS GroupMin targets);
- ``tests/<code>.in`` / ``.out``; every ``.in`` needs its ``.out`` (tps.py aborts);
- Communication needs ``graders/manager.cpp`` and is always std_io with a stub.

A malformed package raises a one-line TaskFormatError naming the file (and the
field where there is one).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.judging.cms.package import TaskFormatError, load_task

TASKS = Path(__file__).resolve().parents[3] / "benchmarks" / "ioi2024_sample" / "tasks"


@pytest.fixture(scope="module")
def aplusb():
    return load_task(TASKS / "aplusb")


@pytest.fixture(scope="module")
def message():
    return load_task(TASKS / "message")


@pytest.fixture(scope="module")
def sphinx():
    return load_task(TASKS / "sphinx")


# -- the real packages ---------------------------------------------------------

def test_limits_are_read_in_seconds_and_bytes(aplusb, message, sphinx):
    assert (aplusb.time_limit, message.time_limit, sphinx.time_limit) == (1.0, 3.0, 1.5)
    for t in (aplusb, message, sphinx):
        assert t.memory_limit == 2 * 1024**3  # 2147483648 bytes, not MiB
        assert t.score_precision == 2


def test_code_title_and_type(aplusb, message, sphinx):
    assert (aplusb.code, aplusb.title, aplusb.task_type) == ("aplusb", "A + B", "Batch")
    assert (message.code, message.task_type) == ("message", "Communication")
    assert (sphinx.title, sphinx.task_type) == ("Sphinx's Riddle", "Communication")


def test_task_type_params_string_is_parsed_and_prefix_dropped(aplusb, message, sphinx):
    """``"{\\"task_type_parameters_Batch_compilation\\": \\"grader\\"}"`` -> ``compilation``."""
    raw = json.loads((TASKS / "aplusb" / "problem.json").read_text())["task_type_params"]
    assert isinstance(raw, str)  # the format really stores a string
    assert aplusb.params == {"compilation": "grader", "inputfile": "", "outputfile": "",
                             "output_eval": "comparator"}
    # tps.py: Communication parameters are always [num_processes, "stub", "std_io"].
    assert message.params == {"num_processes": 2, "compilation": "stub", "user_io": "std_io"}
    assert sphinx.params == {"num_processes": 1, "compilation": "stub", "user_io": "std_io"}
    assert not message.user_io_fifos


def test_number_of_user_processes(aplusb, message, sphinx):
    """message runs two user processes (encoder, decoder); the others one."""
    assert message.num_processes == 2
    assert sphinx.num_processes == 1
    assert aplusb.num_processes == 1


def test_subtasks_in_file_order_with_scores(aplusb, sphinx):
    assert [(s.index, s.name, s.score) for s in aplusb.subtasks] == [
        (0, "samples", 0), (1, "smallAB", 20), (2, "bZero", 30), (3, "full", 50)]
    assert [s.score for s in sphinx.subtasks] == [0, 3, 7, 33, 21, 36]
    assert aplusb.max_score == sphinx.max_score == 100


def test_subtask_testcases_keep_the_file_order(aplusb):
    assert aplusb.subtasks[2].testcases == (
        "2-01", "2-02", "2-03", "b0sa-01", "b0sa-02", "b0sa-03")


def test_a_test_may_belong_to_several_subtasks(aplusb):
    holding = [s.name for s in aplusb.subtasks if "b0sa-01" in s.testcases]
    assert holding == ["smallAB", "bZero", "full"]
    holding = [s.name for s in aplusb.subtasks if "0-01" in s.testcases]
    assert holding == ["samples", "smallAB", "full"]


def test_tests_are_paired_input_and_output(aplusb, message):
    assert len(aplusb.tests) == 17
    t = aplusb.tests["b0sa-02"]
    assert t.input == TASKS / "aplusb" / "tests" / "b0sa-02.in"
    assert t.output == TASKS / "aplusb" / "tests" / "b0sa-02.out"
    assert len(message.tests) == 28


def test_batch_with_grader_compilation_uses_the_grader(aplusb):
    assert aplusb.uses_grader
    assert "grader.cpp" in aplusb.graders
    assert set(aplusb.headers()) == {"aplusb.h"}


def test_communication_uses_the_stub_and_a_manager(message, sphinx):
    for t in (message, sphinx):
        assert t.uses_stub
        assert not t.uses_grader
        assert {"manager.cpp", "stub.cpp"} <= set(t.graders)
    assert set(message.headers()) == {"message.h"}


def test_checker_is_found_only_where_there_is_one(aplusb, message, sphinx):
    assert aplusb.has_checker
    assert set(aplusb.checker_files) == {"checker.cpp"}
    assert not message.has_checker
    assert not sphinx.has_checker


def test_model_solution_and_statement_are_found(aplusb, message, sphinx):
    assert aplusb.model_solution == TASKS / "aplusb/solutions/model_solution/aplusb.cpp"
    assert message.model_solution == TASKS / "message/solutions/model_solution/message.cpp"
    assert sphinx.model_solution == TASKS / "sphinx/solutions/model_solution/sphinx.cpp"
    assert aplusb.statement == TASKS / "aplusb" / "statement.en.md"


def test_files_lists_what_the_judge_needs(aplusb):
    files = aplusb.files()
    assert files["tests/3-04.out"] == TASKS / "aplusb/tests/3-04.out"
    assert files["graders/grader.cpp"] == TASKS / "aplusb/graders/grader.cpp"
    assert files["checker/checker.cpp"] == TASKS / "aplusb/checker/checker.cpp"
    assert not any(k.startswith("solutions/") for k in files)  # no answers leak in


# -- malformed packages (tmp copies) --------------------------------------------

def copy_task(tmp_path: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(TASKS / name, dst)
    return dst


def load_error(root: Path) -> str:
    with pytest.raises(TaskFormatError) as info:
        load_task(root)
    msg = str(info.value)
    assert "\n" not in msg, f"error is not one line: {msg!r}"
    assert isinstance(info.value, EvalkitError)  # so the CLI prints it without a traceback
    return msg


def edit_problem(root: Path, **fields) -> None:
    path = root / "problem.json"
    data = json.loads(path.read_text())
    data.update(fields)
    path.write_text(json.dumps(data))


def test_missing_problem_json(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    (root / "problem.json").unlink()
    msg = load_error(root)
    assert str(root / "problem.json") in msg
    assert "missing" in msg


def test_invalid_problem_json(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    (root / "problem.json").write_text('{"time_limit": 1.0,\n  "task_type": ')
    msg = load_error(root)
    assert str(root / "problem.json") in msg
    assert "not valid JSON" in msg


def test_unsupported_task_type_names_file_and_field(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    edit_problem(root, task_type="Notice")
    msg = load_error(root)
    assert str(root / "problem.json") in msg
    assert "task_type" in msg and "Notice" in msg


def test_missing_required_field_is_named(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    data = json.loads((root / "problem.json").read_text())
    del data["time_limit"]
    (root / "problem.json").write_text(json.dumps(data))
    msg = load_error(root)
    assert str(root / "problem.json") in msg and "time_limit" in msg


def test_task_type_params_that_are_not_json_are_named(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    edit_problem(root, task_type_params="{not json")
    msg = load_error(root)
    assert str(root / "problem.json") in msg and "task_type_params" in msg


def test_subtask_matching_no_test_is_refused(tmp_path):
    """ScoreTypeGroup: "No testcase matches against the regexp" is an error."""
    root = copy_task(tmp_path, "aplusb")
    sub = root / "subtasks" / "02-bZero.json"
    sub.write_text(json.dumps({"score": 30, "testcases": ["9-99"]}))
    msg = load_error(root)
    assert str(sub) in msg
    assert "9-99" in msg


def test_subtask_names_are_prefix_matched_like_cms(tmp_path):
    """tps.py joins re.escape(name) with "|"; abc.py takes codenames where re.match
    succeeds: a prefix match, so "1-0" takes every 1-0*, a missing name among
    matching ones is ignored, and [] takes every test."""
    root = copy_task(tmp_path, "aplusb")
    sub = root / "subtasks" / "02-bZero.json"
    sub.write_text(json.dumps({"score": 30, "testcases": ["1-0", "9-99"]}))
    (root / "subtasks" / "03-full.json").write_text(json.dumps({"score": 50, "testcases": []}))
    task = load_task(root)
    assert task.subtasks[2].testcases == ("1-01", "1-02", "1-03", "1-04", "1-05")
    assert task.subtasks[3].testcases == tuple(sorted(task.tests))


def test_subtask_points_are_truncated_to_int(tmp_path):
    """tps.py: score = int(cur_subtask_data["score"])."""
    root = copy_task(tmp_path, "aplusb")
    (root / "subtasks" / "01-smallAB.json").write_text(
        json.dumps({"score": 20.7, "testcases": ["1-01"]}))
    assert load_task(root).subtasks[1].score == 20


def test_no_subtasks_folder_is_score_type_sum(tmp_path):
    """tps.py: no subtasks -> Sum with 100 / #tests points per test."""
    root = copy_task(tmp_path, "aplusb")
    shutil.rmtree(root / "subtasks")
    task = load_task(root)
    assert len(task.subtasks) == 1 and task.subtasks[0].reduce == "mean"
    assert task.max_score == 100 and task.subtasks[0].testcases == tuple(sorted(task.tests))


def test_defaults_of_the_tps_loader(tmp_path):
    """score_precision 2, Batch compilation "grader", task_type capitalised."""
    root = copy_task(tmp_path, "aplusb")
    data = json.loads((root / "problem.json").read_text())
    del data["score_precision"]
    data["task_type"] = "batch"
    data["task_type_params"] = ""
    (root / "problem.json").write_text(json.dumps(data))
    task = load_task(root)
    assert (task.score_precision, task.task_type, task.uses_grader) == (2, "Batch", True)


def test_batch_without_grader_needs_compilation_alone(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    (root / "graders" / "grader.cpp").unlink()
    assert "grader.cpp" in load_error(root)
    edit_problem(root, task_type_params=json.dumps(
        {"task_type_parameters_Batch_compilation": "alone"}))
    assert not load_task(root).uses_grader


def test_communication_grader_is_the_stub(tmp_path):
    """tps.py renames a Communication task's graders/grader.* to stub.*."""
    root = copy_task(tmp_path, "sphinx")
    (root / "graders" / "stub.cpp").rename(root / "graders" / "grader.cpp")
    task = load_task(root)
    assert task.graders["stub.cpp"] == root / "graders" / "grader.cpp"


def test_fifo_io_only_when_asked(message, tmp_path):
    root = copy_task(tmp_path, "message")
    assert load_task(root, user_io="fifo_io").user_io_fifos
    assert not message.user_io_fifos


@pytest.mark.parametrize("task", ["aplusb", "message"])
def test_a_stray_test_input_without_output_is_refused(tmp_path, task):
    """tps.py: "Could not find the output file for testcase" aborts the import,
    for every task type."""
    root = copy_task(tmp_path, task)
    (root / "tests" / "9-99.in").write_text("1 2\n")
    msg = load_error(root)
    assert str(root / "tests" / "9-99.in") in msg and "9-99.out" in msg


def test_communication_without_manager(tmp_path):
    root = copy_task(tmp_path, "message")
    (root / "graders" / "manager.cpp").unlink()
    msg = load_error(root)
    assert str(root / "graders") in msg
    assert "manager.cpp" in msg


def test_subtask_with_wrong_score_type_names_file_and_field(tmp_path):
    root = copy_task(tmp_path, "aplusb")
    sub = root / "subtasks" / "01-smallAB.json"
    sub.write_text(json.dumps({"score": "twenty", "testcases": ["1-01"]}))
    msg = load_error(root)
    assert str(sub) in msg and "score" in msg
