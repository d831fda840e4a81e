"""Loading a CMS task package as IOI publishes it (e.g. the IOI 2024 packages).

Layout (ioi-2024/tasks, ``<task>-CMS.zip``)::

    problem.json              time_limit, memory_limit (bytes), score_precision,
                              task_type, task_type_params (a JSON string)
    subtasks/NN-name.json     {"score": S, "testcases": [...]}, in file-name order;
                              a test may belong to several subtasks
    tests/<code>.in|.out
    graders/                  grader.cpp (Batch), stub.cpp + manager.cpp
                              (Communication), <task>.h, testlib.h ...
    checker/checker.cpp       comparator for Batch tasks (testlib variant)
    solutions/model_solution/ the reference solution
    statement*.md             the statement, where published as Markdown

The folder is read unchanged; anything malformed raises a one-line
:class:`TaskFormatError` naming the file and field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError

BATCH = "Batch"
COMMUNICATION = "Communication"
SUPPORTED_TYPES = (BATCH, COMMUNICATION)


class TaskFormatError(EvalkitError):
    """A task package is malformed."""


@dataclass(frozen=True)
class Subtask:
    index: int
    name: str
    score: float
    testcases: tuple[str, ...]


@dataclass(frozen=True)
class Testcase:
    codename: str
    input: Path
    output: Path | None


@dataclass(frozen=True)
class CmsTask:
    root: Path
    code: str
    title: str
    time_limit: float  # seconds
    memory_limit: int  # bytes
    score_precision: int
    task_type: str
    params: dict[str, Any]
    subtasks: tuple[Subtask, ...]
    tests: dict[str, Testcase]
    graders: dict[str, Path]  # file name -> path
    checker_files: dict[str, Path] = field(default_factory=dict)
    statement: Path | None = None
    model_solution: Path | None = None

    @property
    def max_score(self) -> float:
        return sum(s.score for s in self.subtasks)

    @property
    def num_processes(self) -> int:
        return int(self.params.get("num_processes", 1))

    @property
    def uses_grader(self) -> bool:
        """Batch: compiled with graders/grader.cpp (CMS ``compilation=grader``)."""
        return self.params.get("compilation", "alone") == "grader"

    @property
    def uses_stub(self) -> bool:
        """Communication: compiled with graders/stub.cpp (CMS ``compilation=stub``)."""
        default = "stub" if "stub.cpp" in self.graders else "alone"
        return self.params.get("compilation", default) == "stub"

    @property
    def user_io_fifos(self) -> bool:
        """Communication: FIFO paths passed as argv (CMS ``fifo_io``) or stdin/stdout."""
        return self.params.get("user_io", "fifo_io") == "fifo_io"

    @property
    def has_checker(self) -> bool:
        return "checker.cpp" in self.checker_files or "checker" in self.checker_files

    def headers(self) -> dict[str, Path]:
        """Grader files copied beside the submission at compile time (CMS: header managers)."""
        return {n: p for n, p in self.graders.items() if n.endswith((".h", ".hpp"))}

    def files(self) -> dict[str, Path]:
        """Every file the judge needs, by path relative to the package root."""
        out: dict[str, Path] = {}
        for t in self.tests.values():
            out[f"tests/{t.input.name}"] = t.input
            if t.output is not None:
                out[f"tests/{t.output.name}"] = t.output
        for name, p in self.graders.items():
            out[f"graders/{name}"] = p
        for name, p in self.checker_files.items():
            out[f"checker/{name}"] = p
        return out


def content_hash(task: CmsTask) -> str:
    """A hash of what prompts and verdicts depend on (not solutions or stray files)."""
    import hashlib

    files = dict(task.files())
    files["problem.json"] = task.root / "problem.json"
    for p in sorted((task.root / "subtasks").glob("*.json")):
        files[f"subtasks/{p.name}"] = p
    if task.statement is not None:
        files[str(task.statement.relative_to(task.root))] = task.statement
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel].read_bytes()).digest())
    return h.hexdigest()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise TaskFormatError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise TaskFormatError(f"{path}: not valid JSON ({e})") from None


def _field(data: dict[str, Any], key: str, path: Path, kind: type | tuple[type, ...]) -> Any:
    if key not in data:
        raise TaskFormatError(f"{path}: missing field '{key}'")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TaskFormatError(f"{path}: field '{key}' has the wrong type ({value!r})")
    return value


def parse_task_type_params(raw: Any, task_type: str, path: Path) -> dict[str, Any]:
    """``{"task_type_parameters_Batch_compilation": "grader"}`` -> ``{"compilation": "grader"}``."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise TaskFormatError(f"{path}: field 'task_type_params' is not JSON") from None
    if not isinstance(raw, dict):
        raise TaskFormatError(f"{path}: field 'task_type_params' must be an object")
    prefix = f"task_type_parameters_{task_type}_"
    return {(k[len(prefix):] if k.startswith(prefix) else k): v for k, v in raw.items()}


def load_task(root: Path) -> CmsTask:
    """Load one CMS task package folder."""
    root = Path(root)
    meta_path = root / "problem.json"
    meta = _read_json(meta_path)
    if not isinstance(meta, dict):
        raise TaskFormatError(f"{meta_path}: must be a JSON object")
    code = str(meta.get("code") or root.name)
    task_type = _field(meta, "task_type", meta_path, str)
    if task_type not in SUPPORTED_TYPES:
        raise TaskFormatError(
            f"{meta_path}: task_type {task_type!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_TYPES)})"
        )
    time_limit = float(_field(meta, "time_limit", meta_path, (int, float)))
    memory_limit = int(_field(meta, "memory_limit", meta_path, (int, float)))
    if memory_limit < 1024 * 1024:  # some exports give MiB rather than bytes
        memory_limit *= 1024 * 1024
    precision = int(meta.get("score_precision", 0))
    params = parse_task_type_params(meta.get("task_type_params"), task_type, meta_path)

    tests: dict[str, Testcase] = {}
    tests_dir = root / "tests"
    if not tests_dir.is_dir():
        raise TaskFormatError(f"{tests_dir}: missing tests folder")
    for inp in sorted(tests_dir.glob("*.in")):
        out = inp.with_suffix(".out")
        tests[inp.stem] = Testcase(inp.stem, inp, out if out.exists() else None)
    if not tests:
        raise TaskFormatError(f"{tests_dir}: no *.in files")

    subtasks: list[Subtask] = []
    sub_dir = root / "subtasks"
    sub_files = sorted(sub_dir.glob("*.json")) if sub_dir.is_dir() else []
    if not sub_files:
        raise TaskFormatError(f"{sub_dir}: no subtask JSON files")
    for i, path in enumerate(sub_files):
        data = _read_json(path)
        if not isinstance(data, dict):
            raise TaskFormatError(f"{path}: must be a JSON object")
        score = float(_field(data, "score", path, (int, float)))
        cases = _field(data, "testcases", path, list)
        for c in cases:
            if c not in tests:
                raise TaskFormatError(f"{path}: testcase {c!r} has no tests/{c}.in")
        if task_type == BATCH:
            for c in cases:
                if tests[c].output is None:
                    raise TaskFormatError(f"{path}: testcase {c!r} has no tests/{c}.out")
        name = path.stem.split("-", 1)[1] if "-" in path.stem else path.stem
        subtasks.append(Subtask(i, name, score, tuple(cases)))

    graders = {p.name: p for p in sorted((root / "graders").glob("*")) if p.is_file()} \
        if (root / "graders").is_dir() else {}
    checker = {p.name: p for p in sorted((root / "checker").glob("*")) if p.is_file()} \
        if (root / "checker").is_dir() else {}
    if task_type == COMMUNICATION and "manager.cpp" not in graders:
        raise TaskFormatError(f"{root / 'graders'}: Communication task without manager.cpp")
    if task_type == BATCH and params.get("compilation") == "grader" and "grader.cpp" not in graders:
        raise TaskFormatError(f"{root / 'graders'}: compilation=grader but no grader.cpp")

    statement = _find_statement(root)
    model = None
    sol_dir = root / "solutions" / "model_solution"
    if sol_dir.is_dir():
        cpps = sorted(sol_dir.glob("*.cpp"))
        model = next((p for p in cpps if p.stem == code), cpps[0] if cpps else None)

    return CmsTask(
        root=root, code=code, title=str(meta.get("name") or code), time_limit=time_limit,
        memory_limit=memory_limit, score_precision=precision, task_type=task_type,
        params=params, subtasks=tuple(subtasks), tests=tests, graders=graders,
        checker_files=checker, statement=statement, model_solution=model,
    )


def _find_statement(root: Path) -> Path | None:
    for pattern in ("statement.en.md", "statement.md", "statement*.md",
                    "statements/en.md", "statements/*.md", "translations/en.md"):
        found = sorted(root.glob(pattern))
        if found:
            return found[0]
    return None
