"""Loading a CMS task package as IOI publishes it: a TPS export (``<task>-CMS.zip``).

Layout (ioi-2024/tasks, ``<task>-CMS.zip`` unzipped)::

    problem.json              code, name, time_limit (s), memory_limit (bytes),
                              score_precision, task_type, task_type_params (a JSON string)
    subtasks/NN-name.json     {"score": S, "testcases": [...]}, in file-name order
    tests/<code>.in|.out
    graders/                  grader.cpp (Batch), stub.cpp (or grader.cpp) + manager.cpp
                              (Communication), <task>.h, testlib.h ...
    checker/checker.cpp       comparator (testlib variant); without it: white diff
    solutions/<label>/*.cpp   model_solution, correct, incorrect, time_limit, ...
    statements/*.pdf          where shipped (TPS); statement*.md where published

Every rule is the one of CMS's TPS loader, ``cmscontrib/loaders/tps.py`` at
cms-dev/cms c3659b810cfd1fab37904f6c6148d460f2854eff (cited below as tps.py), and of
the score type it configures (``cms/grading/scoretypes/abc.py`` ``ScoreTypeGroup``):

- task type: ``task_type`` with its first letter upper-cased;
- Batch: ``compilation`` defaults to ``grader``; ``io_0_inputfile`` /
  ``io_1_outputfile`` default to ``""`` (stdin/stdout); the evaluation is
  ``comparator`` when ``checker/checker.cpp`` exists, else ``diff``;
- Communication: parameters are always ``[num_processes, "stub", "std_io"]``
  (``num_processes`` defaults to 1): user processes read stdin and write stdout;
  a ``graders/grader.*`` is used as ``stub.*``; ``manager.cpp`` is compiled;
- OutputOnly: no limits; the submission is one ``output_<codename>.txt`` per test;
- checker and manager: ``g++ -x c++ -std=gnu++20 -O2 -static``;
- ``score_precision`` defaults to 2;
- ``feedback_level`` (what contestants see of a submission's evaluation): the
  package's value when it has one (tps.py L133-139: ``full``, ``restricted`` or
  ``oi_restricted``, anything else aborts the import), else none here and CMS's
  own default applies (``restricted``, cms/db/task.py L207-212);
- every ``tests/X.in`` needs ``tests/X.out`` (tps.py aborts otherwise);
- subtasks: GroupMin with ``int(score)`` points and the regular expression
  ``"|".join(re.escape(t) for t in testcases)``, matched with ``re.match`` (a
  *prefix* match) against the sorted codenames; an expression matching nothing is an
  error; no ``subtasks/`` folder: score type Sum, ``100 / #tests`` per test.

The folder is read unchanged; anything malformed raises a one-line
:class:`TaskFormatError` naming the file and field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.statements import find_statement

BATCH = "Batch"
COMMUNICATION = "Communication"
OUTPUT_ONLY = "OutputOnly"
SUPPORTED_TYPES = (BATCH, COMMUNICATION, OUTPUT_ONLY)
STD_IO, FIFO_IO = "std_io", "fifo_io"
# CMS's feedback levels (cms/__init__.py L65-71 at c3659b810cfd).
FEEDBACK_LEVELS = ("full", "restricted", "oi_restricted")
# tps.py compiles the checker and the manager with these flags.
TRUSTED_FLAGS = ["-x", "c++", "-std=gnu++20", "-O2", "-static"]


class TaskFormatError(EvalkitError):
    """A task package is malformed."""


@dataclass(frozen=True)
class Subtask:
    index: int
    name: str
    score: float
    testcases: tuple[str, ...]
    reduce: str = "min"  # "min" (GroupMin) or "mean" (Sum: 100/n points per test)


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
    time_limit: float  # seconds (0 for OutputOnly: not run)
    memory_limit: int  # bytes
    score_precision: int
    task_type: str
    params: dict[str, Any]  # the task type's parameters, as tps.py sets them
    subtasks: tuple[Subtask, ...]
    tests: dict[str, Testcase]
    graders: dict[str, Path]  # file name as CMS stores it (grader.* -> stub.*) -> path
    checker_files: dict[str, Path] = field(default_factory=dict)
    statement: Path | None = None
    model_solution: Path | None = None
    solutions: dict[str, tuple[Path, ...]] = field(default_factory=dict)  # label -> files
    feedback_level: str | None = None  # problem.json's, as tps.py reads it (None: not set)

    @property
    def max_score(self) -> float:
        return sum(s.score for s in self.subtasks)

    @property
    def num_processes(self) -> int:
        return int(self.params.get("num_processes", 1))

    @property
    def uses_grader(self) -> bool:
        """Batch: compiled with graders/grader.cpp (``compilation=grader``, TPS default)."""
        return self.params.get("compilation") == "grader"

    @property
    def uses_stub(self) -> bool:
        """Communication: compiled with graders/stub.cpp (always, for TPS)."""
        return self.params.get("compilation") == "stub"

    @property
    def user_io_fifos(self) -> bool:
        """Communication: FIFO paths on argv (``fifo_io``) rather than stdin/stdout."""
        return self.params.get("user_io") == FIFO_IO

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
        files["statement" + task.statement.suffix] = task.statement
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel].read_bytes()).digest())
    h.update(repr(sorted(task.params.items())).encode())
    return h.hexdigest()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
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


def tps_parameters(raw: dict[str, Any], task_type: str, has_checker: bool,
                   path: Path) -> dict[str, Any]:
    """The task type's parameters as tps.py ``_get_task_type_parameters`` sets them."""
    evaluation = "comparator" if has_checker else "diff"
    if task_type == BATCH:
        params = {"compilation": raw.get("compilation", "grader"),
                  "inputfile": raw.get("io_0_inputfile", ""),
                  "outputfile": raw.get("io_1_outputfile", ""), "output_eval": evaluation}
        if params["compilation"] not in ("grader", "alone"):
            raise TaskFormatError(f"{path}: task_type_params compilation "
                                  f"{params['compilation']!r} (expected grader or alone)")
        if params["inputfile"] or params["outputfile"]:
            raise TaskFormatError(f"{path}: Batch with file I/O (io_0_inputfile/"
                                  "io_1_outputfile) is not supported; stdin/stdout only")
        return params
    if task_type == COMMUNICATION:
        n = raw.get("num_processes", 1)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise TaskFormatError(f"{path}: task_type_params num_processes must be a "
                                  f"positive integer ({n!r})")
        # tps.py: always [num_processes, "stub", "std_io"], whatever the package says.
        return {"num_processes": n, "compilation": "stub", "user_io": STD_IO}
    return {"output_eval": evaluation}


def _tests(root: Path) -> dict[str, Testcase]:
    tests_dir = root / "tests"
    if not tests_dir.is_dir():
        raise TaskFormatError(f"{tests_dir}: missing tests folder")
    tests: dict[str, Testcase] = {}
    for inp in sorted(tests_dir.glob("*.in")):
        out = inp.with_suffix(".out")
        if not out.is_file():
            # tps.py: "Could not find the output file for testcase %s" -> abort.
            raise TaskFormatError(f"{inp}: test input without output ({out.name} missing)")
        tests[inp.stem] = Testcase(inp.stem, inp, out)
    if not tests:
        raise TaskFormatError(f"{tests_dir}: no *.in files")
    return tests


def _subtasks(root: Path, codenames: list[str]) -> list[Subtask]:
    sub_dir = root / "subtasks"
    if not sub_dir.is_dir():
        # tps.py: no subtasks -> score type Sum, 100 / #tests points per test.
        return [Subtask(0, "tests", 100.0, tuple(codenames), reduce="mean")]
    subtasks: list[Subtask] = []
    for i, path in enumerate(sorted(p for p in sub_dir.iterdir() if p.is_file())):
        data = _read_json(path)
        if not isinstance(data, dict):
            raise TaskFormatError(f"{path}: must be a JSON object")
        score = int(_field(data, "score", path, (int, float)))  # tps.py: int(score)
        cases = _field(data, "testcases", path, list)
        if not all(isinstance(c, str) for c in cases):
            raise TaskFormatError(f"{path}: field 'testcases' must list test names")
        # tps.py joins the escaped names into one regular expression, which
        # ScoreTypeGroup matches with re.match against the sorted codenames:
        # a prefix match ("1-1" also takes "1-10"; [] takes every test).
        regex = re.compile("|".join(re.escape(c) for c in cases))
        target = tuple(c for c in codenames if regex.match(c))
        if not target:
            raise TaskFormatError(f"{path}: no test matches testcases {cases!r}")
        name = path.stem.split("-", 1)[1] if "-" in path.stem else path.stem
        subtasks.append(Subtask(i, name, float(score), target))
    if not subtasks:
        raise TaskFormatError(f"{sub_dir}: no subtask files")
    return subtasks


def _folder(root: Path, name: str) -> dict[str, Path]:
    d = root / name
    return {p.name: p for p in sorted(d.iterdir()) if p.is_file()} if d.is_dir() else {}


def load_task(root: Path, user_io: str | None = None) -> CmsTask:
    """Load one task package folder as CMS's TPS loader does.

    ``user_io`` (``"fifo_io"``) overrides tps.py's ``std_io`` for Communication
    tasks whose stubs take FIFO paths on argv (a named deliberate difference).
    """
    root = Path(root)
    meta_path = root / "problem.json"
    meta = _read_json(meta_path)
    if not isinstance(meta, dict):
        raise TaskFormatError(f"{meta_path}: must be a JSON object")
    code = str(meta.get("code") or root.name)
    raw_type = _field(meta, "task_type", meta_path, str)
    task_type = raw_type[:1].upper() + raw_type[1:]  # tps.py capitalises it
    if task_type not in SUPPORTED_TYPES:
        raise TaskFormatError(
            f"{meta_path}: task_type {raw_type!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_TYPES)})")
    if task_type == OUTPUT_ONLY:  # tps.py sets no limits for OutputOnly
        time_limit, memory_limit = 0.0, 0
    else:
        time_limit = float(_field(meta, "time_limit", meta_path, (int, float)))
        memory_limit = int(_field(meta, "memory_limit", meta_path, (int, float)))
        if time_limit <= 0 or memory_limit <= 0:
            raise TaskFormatError(f"{meta_path}: time_limit and memory_limit must be positive")
    precision = int(meta.get("score_precision", 2))
    feedback = meta.get("feedback_level") or None  # tps.py: a falsy value is "not set"
    if feedback is not None and feedback not in FEEDBACK_LEVELS:
        # tps.py logs "invalid feedback_level" and imports nothing.
        raise TaskFormatError(f"{meta_path}: field 'feedback_level' is {feedback!r} "
                              f"(expected one of {', '.join(FEEDBACK_LEVELS)})")
    tests = _tests(root)
    subtasks = _subtasks(root, sorted(tests))

    checker = _folder(root, "checker")
    has_checker = "checker.cpp" in checker
    raw = parse_task_type_params(meta.get("task_type_params"), task_type, meta_path)
    params = tps_parameters(raw, task_type, has_checker, meta_path)
    if task_type == COMMUNICATION and user_io is not None:
        if user_io not in (STD_IO, FIFO_IO):
            raise TaskFormatError(f"user_io {user_io!r}: expected std_io or fifo_io")
        params["user_io"] = user_io

    graders: dict[str, Path] = {}
    for name, path in _folder(root, "graders").items():
        stem, ext = Path(name).stem, Path(name).suffix
        if task_type == COMMUNICATION and stem == "grader":
            name = "stub" + ext  # tps.py: a Communication grader is the stub
        graders[name] = path
    gdir = root / "graders"
    if task_type == COMMUNICATION:
        if "manager.cpp" not in graders:
            raise TaskFormatError(f"{gdir}: Communication task without manager.cpp")
        if "stub.cpp" not in graders:
            raise TaskFormatError(f"{gdir}: Communication task without stub.cpp (or grader.cpp)")
    if task_type == BATCH and params["compilation"] == "grader" and "grader.cpp" not in graders:
        raise TaskFormatError(f"{gdir}: compilation=grader (the TPS default) but no grader.cpp")

    solutions = _solutions(root)
    model = None
    cpps = [p for p in solutions.get("model_solution", ()) if p.suffix == ".cpp"]
    if cpps:
        model = next((p for p in cpps if p.stem == code), cpps[0])
    return CmsTask(
        root=root, code=code, title=str(meta.get("name") or code), time_limit=time_limit,
        memory_limit=memory_limit, score_precision=precision, task_type=task_type,
        params=params, subtasks=tuple(subtasks), tests=tests, graders=graders,
        checker_files=checker, statement=find_task_statement(root, code),
        model_solution=model, solutions=solutions, feedback_level=feedback,
    )


def _solutions(root: Path) -> dict[str, tuple[Path, ...]]:
    d = root / "solutions"
    if not d.is_dir():
        return {}
    return {lab.name: tuple(sorted(p for p in lab.iterdir() if p.is_file()))
            for lab in sorted(d.iterdir()) if lab.is_dir()}


# Markdown first (prompts quote it as is), then PDF; English first.
STATEMENT_PATTERNS = (
    "statement.en.md", "statement.md", "statement*.md", "statements/en.md",
    "statements/en_US.md", "translations/en.md", "statements/*.md",
    "statements/en.pdf", "statements/en_US.pdf", "statement.en.pdf", "statement.pdf",
    "statements/*.pdf",
)


def find_task_statement(root: Path, code: str) -> Path | None:
    """The task's statement file: in the package, else beside it in the repository layout.

    ioi-2024/tasks keeps ``statements/<lang>.pdf`` and ``translations/<lang>.md`` in
    ``dayN/<task>/``, next to ``<task>-CMS.zip``; unzipped there, the package is
    ``dayN/<task>/<task>/`` and its statement is in the parent folder.
    """
    found = find_statement(root, STATEMENT_PATTERNS)
    if found is None and root.parent.name == code:
        found = find_statement(root.parent, STATEMENT_PATTERNS)
    return found
