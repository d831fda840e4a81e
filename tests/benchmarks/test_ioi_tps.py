"""`evalkit run ioi --data DIR`: a folder of official-layout IOI task packages, judged as published.

DIR is built the way the official IOI 2024 ``*-CMS.zip`` files unzip
(ioi-2024/tasks 62de9129: ``<task>/problem.json``, ``subtasks/``, ``tests/``,
``graders/``, ``checker/``, ``solutions/<label>/``, no statement inside), from
evalkit's own TPS packages: the bundled sample (aplusb: Batch with grader and
checker; message: Communication, 2 processes; sphinx: Communication, 1 process;
both std_io, as CMS's tps.py sets every TPS Communication task) and an OutputOnly
task written here.  Every labelled solution folder is replayed as generations and
must get its known score; the same packages under ``user_io = "fifo_io"`` (a spec
file, ``--spec`` route) judge the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pdfs import pdf_bytes
from rich.console import Console

from evalkit.benchmarks import load_benchmark
from evalkit.errors import EvalkitError
from evalkit.pipeline import RunConfig, start
from evalkit.rundir import RunDir

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "benchmarks" / "ioi2024_sample" / "tasks"
# Solutions whose every test runs into the time limit are slow: not for sphinx (86 tests).
# (reads_stdin.cpp, blocked on input, is judged by tests/judging/cms/test_load.py.)
SKIP = {"sphinx/solutions/time_limit/loop.cpp",
        "sphinx/solutions/time_limit/reads_stdin.cpp"}


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


def write_output_only(root: Path) -> None:
    """An OutputOnly TPS package: no limits, white diff, submission = output_<test>.txt."""
    (root / "tests").mkdir(parents=True)
    (root / "subtasks").mkdir()
    cases = {"1-01": ("1 2", "3"), "1-02": ("10 20", "30"), "2-01": ("-5 7", "2")}
    for c, (i, o) in cases.items():
        (root / "tests" / f"{c}.in").write_text(i + "\n")
        (root / "tests" / f"{c}.out").write_text(o + "\n")
    (root / "subtasks" / "01-positive.json").write_text(
        json.dumps({"score": 40, "testcases": ["1-01", "1-02"]}))
    (root / "subtasks" / "02-any.json").write_text(
        json.dumps({"score": 60, "testcases": ["1-01", "1-02", "2-01"]}))
    (root / "problem.json").write_text(json.dumps({
        "code": "addfiles", "name": "Add files", "task_type": "OutputOnly",
        "task_type_params": "", "score_precision": 2}))


OUTPUT_ONLY_SOLUTIONS = {
    # label/file: (response, expected score)
    "model_solution/all.txt": ("```output_1-01.txt\n3\n```\n```output_1-02.txt\n30\n```\n"
                               "Last one:\n\n`output_2-01.txt`\n```\n2\n```\n", 100.0),
    "partially_correct/positive.txt": ("```output_1-01.txt\n3\n```\n"
                                       "```output_1-02.txt\n 30 \n```\n", 40.0),
    "incorrect/wrong.txt": ("```output_1-01.txt\n4\n```\n```output_1-02.txt\n30\n```\n"
                            "```output_2-01.txt\n2\n```\n", 0.0),
}


def official_layout(tmp: Path) -> tuple[Path, dict[str, float]]:
    """DIR/<task>/ as the official zips unzip; {task/solutions/<label>/file: score}."""
    data = tmp / "ioi2024"
    expected: dict[str, float] = {}
    for task in ("aplusb", "message", "sphinx"):
        dst = data / task
        shutil.copytree(SAMPLE / task, dst, ignore=shutil.ignore_patterns(
            "statement*.md", "PROVENANCE.md", "EXPECTED.json"))
        known = json.loads((SAMPLE / task / "solutions/EXPECTED.json").read_text())
        for rel, score in known.items():
            if f"{task}/{rel}" not in SKIP:
                expected[f"{task}/{rel}"] = float(score)
    write_output_only(data / "addfiles")
    for rel, (text, score) in OUTPUT_ONLY_SOLUTIONS.items():
        path = data / "addfiles" / "solutions" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        expected[f"addfiles/solutions/{rel}"] = score
    return data, expected


def replay_lines(data: Path, expected: dict[str, float], tasks: set[str]) -> tuple[str, dict]:
    """Each labelled solution file as one generation (C++ in a fenced block)."""
    lines, by_key = [], {}
    samples: dict[str, int] = {}
    for rel in sorted(expected):
        task = rel.split("/")[0]
        if task not in tasks:
            continue
        text = (data / rel).read_text()
        response = text if task == "addfiles" else f"My solution:\n```cpp\n{text}\n```\n"
        sample = samples.get(task, 0)
        samples[task] = sample + 1
        lines.append(json.dumps({"problem_id": task, "sample": sample, "response": response}))
        by_key[(task, sample)] = (rel, expected[rel])
    return "\n".join(lines) + "\n", by_key


def test_the_task_list_is_read_from_the_folder(tmp_path):
    data, _ = official_layout(tmp_path)
    (data / "notes").mkdir()  # not a package: ignored
    bench = load_benchmark("ioi", data)
    assert sorted(bench.tasks()) == ["addfiles", "aplusb", "message", "sphinx"]
    problems = {p.id: p for p in bench.problems()}
    # The official packages ship no statement: judging does not need one...
    assert all(not p.messages for p in problems.values())
    assert "no statement" in problems["aplusb"].meta["prompt_error"]


def test_a_backend_that_needs_prompts_gets_one_clear_line(tmp_path):
    data, _ = official_layout(tmp_path)
    with pytest.raises(EvalkitError) as info:
        start(RunConfig(benchmark="ioi", data=data, backend="openai", model="m",
                        out=tmp_path / "run"), quiet())
    msg = str(info.value)
    assert "\n" not in msg and "cannot build the prompt" in msg and "no statement" in msg


def test_the_repository_layout_statement_beside_the_package_is_used(tmp_path):
    """ioi-2024/tasks: dayN/<task>/translations/en.md next to the unzipped <task>/."""
    data, _ = official_layout(tmp_path)
    day = tmp_path / "day1" / "message"
    shutil.copytree(data / "message", day / "message")
    (day / "translations").mkdir()
    (day / "translations" / "en.md").write_text("# Message\n\nAisha and Basma ...\n")
    bench = load_benchmark("ioi", day)
    (problem,) = bench.problems()
    assert "Aisha and Basma" in problem.messages[0]["content"]


def test_a_bad_package_refuses_the_run_naming_the_file(tmp_path):
    data, _ = official_layout(tmp_path)
    (data / "sphinx" / "tests" / "7-77.in").write_text("1\n")
    with pytest.raises(EvalkitError) as info:
        load_benchmark("ioi", data).problems()
    msg = str(info.value)
    assert "\n" not in msg and str(data / "sphinx" / "tests" / "7-77.in") in msg


def test_ioi2025_keeps_its_six_tasks(tmp_path):
    data, _ = official_layout(tmp_path)
    with pytest.raises(EvalkitError, match="souvenirs"):
        load_benchmark("ioi2025", data).problems()


@pytest.fixture(scope="module")
def official_run(tmp_path_factory, docker_client):
    tmp = tmp_path_factory.mktemp("official")
    data, expected = official_layout(tmp)
    text, by_key = replay_lines(data, expected, {"aplusb", "message", "sphinx", "addfiles"})
    gens = tmp / "gens.jsonl"
    gens.write_text(text)
    out = tmp / "run"
    summary = start(RunConfig(benchmark="ioi", data=data, backend="replay", generations=gens,
                              out=out, workers=2), quiet())
    return summary, RunDir(out), by_key, data


@pytest.mark.docker
@pytest.mark.slow
def test_every_labelled_solution_gets_its_known_score(official_run):
    summary, rd, by_key, _ = official_run
    judged = rd.judgements()
    assert set(judged) == set(by_key)
    wrong = {rel: (judged[k].score, score, judged[k].verdict, judged[k].judge_error)
             for k, (rel, score) in by_key.items()
             if judged[k].score != pytest.approx(score, abs=1e-9) or judged[k].judge_error}
    assert not wrong
    for name in ("aplusb", "message", "sphinx", "addfiles"):
        assert summary["metrics"]["tasks"][name]["score"] == 100, name


@pytest.mark.docker
@pytest.mark.slow
def test_fifo_io_by_spec_file_judges_the_same(official_run, tmp_path):
    """A spec file (``evalkit run FILE.toml``) may ask for fifo_io (CMS italy_yaml's
    stub default); the bundled stubs speak both, so scores must not change."""
    _, _, by_key, data = official_run
    spec = tmp_path / "fifo.toml"
    spec.write_text('name = "ioi_fifo"\nadapter = "ioi"\ntitle = "fifo"\n'
                    'tasks = ["message"]\n[judge]\nuser_io = "fifo_io"\n')
    text, keys = replay_lines(data, {k: v for k, v in by_key.values()}, {"message"})
    gens = tmp_path / "gens.jsonl"
    gens.write_text(text)
    summary = start(RunConfig(benchmark=str(spec), data=data, backend="replay",
                              generations=gens, out=tmp_path / "run", workers=2), quiet())
    judged = RunDir(tmp_path / "run").judgements()
    for key, (rel, score) in keys.items():
        assert judged[key].score == pytest.approx(score, abs=1e-9), rel
    assert summary["metrics"]["tasks"]["message"]["score"] == 100


@pytest.mark.docker
def test_a_checker_that_does_not_build_is_a_judge_error_of_that_task_only(tmp_path,
                                                                       docker_client):
    data, expected = official_layout(tmp_path)
    for t in ("message", "sphinx"):
        shutil.rmtree(data / t)
    (data / "aplusb" / "checker" / "checker.cpp").write_text("this is not C++\n")
    text, _ = replay_lines(data, {k: v for k, v in expected.items()
                                  if "model_solution" in k}, {"aplusb", "addfiles"})
    gens = tmp_path / "gens.jsonl"
    gens.write_text(text)
    summary = start(RunConfig(benchmark="ioi", data=data, backend="replay", generations=gens,
                              out=tmp_path / "run", workers=1), quiet())
    judged = {k[0]: j for k, j in RunDir(tmp_path / "run").judgements().items()}
    assert judged["aplusb"].judge_error and "checker/checker.cpp" in judged["aplusb"].judge_error
    assert "does not build" in judged["aplusb"].judge_error
    assert judged["addfiles"].judge_error is None and judged["addfiles"].score == 100
    assert summary["metrics"]["judge_errors"] == 1


def test_a_pdf_statement_is_used_when_there_is_no_markdown(tmp_path):
    """TPS packages may ship statements/<lang>.pdf only; its text becomes the prompt."""
    data, _ = official_layout(tmp_path)
    (data / "aplusb" / "statements").mkdir()
    (data / "aplusb" / "statements" / "en.pdf").write_bytes(pdf_bytes(["Add two integers A and B"]))
    problems = {p.id: p for p in load_benchmark("ioi", data).problems()}
    assert "Add two integers A and B" in problems["aplusb"].messages[0]["content"]
    assert "aplusb.h" in problems["aplusb"].messages[0]["content"]  # the interface header
    assert not problems["message"].messages  # still none for the others


def test_an_output_only_prompt_lists_the_inputs_and_files(tmp_path):
    data, _ = official_layout(tmp_path)
    (data / "addfiles" / "statement.md").write_text("Print A + B for each input file.\n")
    (problem,) = [p for p in load_benchmark("ioi", data).problems() if p.id == "addfiles"]
    text = problem.messages[0]["content"]
    assert "Print A + B" in text and "output_2-01.txt" in text and "-5 7" in text


def test_output_files_are_read_from_named_blocks():
    from evalkit.benchmarks.ioi import extract_output_files

    answer = ("```output_1-01.txt\n3\n```\nThen **output_1-02.txt**:\n```\n30\n```\n"
              "```output_1-01.txt\n4\n```\n```python\nprint(1)\n```\n")
    assert extract_output_files(answer, ["1-01", "1-02", "2-01"]) == {
        "output_1-01.txt": "4\n", "output_1-02.txt": "30\n"}


@pytest.mark.docker
def test_the_cli_judges_a_folder_of_packages(tmp_path, docker_client):
    """`evalkit run ioi --data DIR --backend replay` as a user types it."""
    import subprocess
    import sys

    data, expected = official_layout(tmp_path)
    for t in ("message", "sphinx"):
        shutil.rmtree(data / t)
    keep = {k: v for k, v in expected.items()
            if k.startswith("addfiles/") or k == "aplusb/solutions/model_solution/aplusb.cpp"}
    text, _ = replay_lines(data, keep, {"aplusb", "addfiles"})
    gens = tmp_path / "gens.jsonl"
    gens.write_text(text)
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "evalkit", "run", "ioi", "--data", str(data),
                           "--backend", "replay", "--generations", str(gens), "--out", str(out),
                           "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["metrics"]["tasks"]["aplusb"]["score"] == 100
    assert summary["metrics"]["tasks"]["addfiles"]["score"] == 100
    assert summary["max_score"] == 200
