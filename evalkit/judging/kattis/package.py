"""Load a problem in the Kattis problem package format (legacy and 2023-07/2025-09).

What is read, and the spec text it follows (icpc.io/problem-package-format,
``spec/legacy.md`` / ``spec/legacy-icpc.md`` and ``spec/2025-09.md``):

- ``problem.yaml``: ``problem_format_version`` (absent = legacy); ``name``
  (string, or a map of languages); ``type`` (2023-07+: ``pass-fail``,
  ``interactive``, ``multi-pass``, ``scoring``, possibly a list) or legacy
  ``validation`` (``default`` | ``custom`` [``interactive``] [``multi-pass``])
  and legacy ``type: scoring``; ``validator_flags`` (legacy: arguments to the
  output validator, default or custom).
- Limits: ``limits.memory`` / ``limits.output`` (MiB; typical system defaults
  2048 and 8), ``limits.validation_time`` (60 s), ``limits.validation_memory``.
  Time limit: ``limits.time_limit`` (2023-07 and later), else the DOMjudge
  ``.timelimit`` file.  The time multipliers (legacy ``time_multiplier`` /
  ``time_safety_margin``, 2023-07+ ``time_multipliers.ac_to_time_limit`` /
  ``time_limit_to_tle``) only say how a problem's time limit is *derived from
  its judge solutions*; a contestant's submission is judged against the time
  limit itself (problemtools ``judge/execute.py``: ``runtime > timelim`` is
  TLE).  Without an explicit limit the caller must supply one.
- Test data: ``data/sample`` then ``data/secret``; in each directory the
  cases (``X.in`` with ``X.ans``) and sub-groups are taken in lexicographic
  order of their names, recursively.  A ``.in`` without ``.ans`` is an error;
  interaction transcripts (``.interaction``) and ``.ans`` without ``.in`` are
  not test cases.  Validator arguments of a group: ``output_validator_flags``
  (legacy ``testdata.yaml``) or ``output_validator_args`` (2023-07+
  ``testdata.yaml`` / 2025-09 ``test_group.yaml``), inherited from the
  closest directory that sets them.  2025-09 test case configuration: a
  ``X.yaml`` beside ``X.in`` whose ``output_validator_args`` *replace* the
  group's for that case (problemtools: the case's value, falling back to the
  group's).  Submission arguments (``args``, of a group or a case) are not
  supported: a package that sets them is refused rather than judged without.
- Custom output validator: ``output_validators/<name>/`` (legacy, one
  directory) or ``output_validator/`` (2023-07+); C++ sources or one Python file.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evalkit.errors import EvalkitError
from evalkit.judging.kattis.default_validator import ValidatorUsageError, parse_flags

DEFAULT_MEMORY_MIB = 2048
DEFAULT_OUTPUT_MIB = 8
DEFAULT_VALIDATION_TIME = 60.0
DEFAULT_VALIDATION_MEMORY_MIB = 2048
CPP_SUFFIXES = (".cc", ".cpp", ".cxx", ".c++", ".C")
# problem.yaml keys of every format version (legacy, legacy-icpc, 2023-07, 2025-09).
# The spec: "Any unknown keys should be treated as an error."  A key close to a
# known one is a typo and always an error; another unknown key is an error in
# 2023-07 and later and a warning in legacy packages, which extend the format
# in the wild (DOMjudge's legacy hangman sets limits.validation_passes).
TOP_KEYS = frozenset({
    "problem_format_version", "type", "name", "uuid", "version", "author", "credits",
    "source", "source_url", "license", "rights_owner", "embargo_until", "limits",
    "validation", "validator_flags", "grading", "keywords", "languages",
    "allow_file_writing", "constants"})
LIMIT_KEYS = frozenset({
    "time_multiplier", "time_safety_margin", "time_multipliers", "time_limit",
    "time_resolution", "memory", "output", "code", "compilation_time", "compilation_memory",
    "validation_time", "validation_memory", "validation_output", "validation_passes"})
DEFAULT_VALIDATION_PASSES = 2
HEADER_SUFFIXES = (".h", ".hpp", ".hh")


@dataclass(frozen=True)
class TestCase:
    name: str  # path under data/ without suffix, e.g. "secret/group1/03"
    input: Path
    answer: Path
    validator_args: tuple[str, ...]  # its group's, or its own X.yaml's (after the problem's)

    @property
    def is_sample(self) -> bool:
        return self.name.startswith("sample/")


@dataclass(frozen=True)
class Validator:
    """A custom output validator: its source files and how it runs."""

    root: Path
    language: str  # "cpp" | "python"
    sources: tuple[Path, ...]  # everything in the directory, relative to root
    entry: str  # the Python file to run ('' for C++)


@dataclass(frozen=True)
class KattisProblem:
    root: Path
    short_name: str
    name: str
    format_version: str  # "legacy" or the problem_format_version value
    interactive: bool
    validator: Validator | None  # None: the default validator
    validator_args: tuple[str, ...]  # problem-wide arguments (legacy validator_flags)
    time_limit: float | None  # seconds; None when the package sets none
    time_limit_source: str
    memory_mib: int
    output_mib: int
    validation_time: float
    validation_memory_mib: int
    tests: tuple[TestCase, ...]
    statement: Path | None
    multi_pass: bool = False
    validation_passes: int = DEFAULT_VALIDATION_PASSES
    time_multiplier: float = 5.0  # ac_to_time_limit: legacy 5, 2023-07+ 2
    time_resolution: float = 1.0
    samples_only: bool = False  # data/secret has no cases: judged on the samples
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def files(self) -> dict[str, Path]:
        """Every file judging needs, by path relative to the package root."""
        out: dict[str, Path] = {}
        for t in self.tests:
            out[t.input.relative_to(self.root).as_posix()] = t.input
            out[t.answer.relative_to(self.root).as_posix()] = t.answer
        if self.validator is not None:
            for p in self.validator.sources:
                out[p.relative_to(self.root).as_posix()] = p
        return out


def content_hash(problem: KattisProblem) -> str:
    """A hash of the package's judging files and settings."""
    h = hashlib.sha256()
    for rel, path in sorted(problem.files().items()):
        h.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    h.update(repr((problem.interactive, problem.multi_pass, problem.validation_passes,
                   problem.validator_args, problem.time_limit,
                   problem.memory_mib, problem.output_mib, problem.validation_time,
                   [t.validator_args for t in problem.tests])).encode())
    return h.hexdigest()


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise EvalkitError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EvalkitError(f"{path}: expected a mapping at the top level")
    return data


def _number(path: Path, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise EvalkitError(f"{path}: field '{field}' must be a positive number, not {value!r}")
    return float(value)


def _args(path: Path, field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(shlex.split(value))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise EvalkitError(f"{path}: field '{field}' must be a string or a list of strings")


def _check_keys(path: Path, where: str, cfg: dict[str, Any], known: frozenset[str],
                strict: bool, warnings: list[str]) -> None:
    """Unknown keys: a near miss of a known key is a typo (error); see TOP_KEYS."""
    for key in cfg:
        if key in known or str(key).startswith("x-"):
            continue
        # A top-level near miss of a limits key is a misplaced typo too.
        candidates = {f"{where}{k}": k for k in known}
        if not where:
            candidates.update({f"limits.{k}": k for k in LIMIT_KEYS})
        near = difflib.get_close_matches(str(key), sorted(set(candidates.values())), n=1,
                                         cutoff=0.75)
        field_name = f"{where}{key}"
        if near:
            full = next(f for f, k in sorted(candidates.items()) if k == near[0])
            raise EvalkitError(f"{path}: unknown field '{field_name}' (did you mean "
                               f"'{full}'?)")
        if strict:
            raise EvalkitError(f"{path}: unknown field '{field_name}' (the format treats "
                               "unknown keys as an error)")
        warnings.append(f"{path}: unknown field '{field_name}' ignored")


def _check_default_flags(path: Path, field_name: str, args: tuple[str, ...]) -> None:
    """Arguments of the default validator must parse (e.g. not ``float_tolerance abc``)."""
    try:
        parse_flags(list(args))
    except ValidatorUsageError as e:
        raise EvalkitError(f"{path}: field '{field_name}': {e} (default output validator)"
                           ) from None


def _kinds(path: Path, cfg: dict[str, Any], version: str) -> set[str]:
    """The problem's kinds: subset of {interactive, multi-pass, scoring, custom}."""
    kinds: set[str] = set()
    if version == "legacy":
        validation = str(cfg.get("validation", "default")).split()
        if not validation or validation[0] not in ("default", "custom"):
            raise EvalkitError(f"{path}: field 'validation' must start with 'default' or "
                               f"'custom', not {cfg.get('validation')!r}")
        if validation[0] == "custom":
            kinds.add("custom")
        kinds.update(v for v in validation[1:] if v in ("interactive", "multi-pass", "score"))
        if cfg.get("type") == "scoring" or "score" in kinds:
            kinds.add("scoring")
    else:
        raw = cfg.get("type", "pass-fail")
        types = raw if isinstance(raw, list) else str(raw).split()
        for t in types:
            if t not in ("pass-fail", "interactive", "multi-pass", "scoring", "submit-answer"):
                raise EvalkitError(f"{path}: unknown problem type {t!r}")
            kinds.add(t)
    return kinds


def _find_validator(root: Path, version: str, custom: bool) -> Validator | None:
    dirs: list[Path] = []
    legacy = root / "output_validators"
    if legacy.is_dir():
        dirs += sorted(p for p in legacy.iterdir() if not p.name.startswith("."))
    if (root / "output_validator").is_dir():
        dirs.append(root / "output_validator")
    if not dirs:
        if custom:
            raise EvalkitError(f"{root}: custom validation but no output_validator(s)/ "
                               "directory")
        return None
    if len(dirs) > 1:
        raise EvalkitError(f"{root}: more than one output validator ({', '.join(map(str, dirs))})")
    vdir = dirs[0]
    if vdir.is_file():
        files = [vdir]
        vroot = vdir.parent
    else:
        vroot = vdir
        files = sorted(p for p in vdir.rglob("*") if p.is_file())
    cpp = [p for p in files if p.suffix in CPP_SUFFIXES]
    py = [p for p in files if p.suffix == ".py"]
    if cpp:
        return Validator(vroot, "cpp", tuple(files), "")
    if len(py) == 1:
        return Validator(vroot, "python", tuple(files), py[0].relative_to(vroot).as_posix())
    raise EvalkitError(f"{vdir}: output validator must be C++ sources or one Python file")


def _no_submission_args(path: Path, cfg: dict[str, Any]) -> None:
    if _args(path, "args", cfg.get("args")):
        raise EvalkitError(f"{path}: field 'args' (arguments to the submission) is not "
                           "supported")


def _group_args(data: Path, directory: Path, inherited: tuple[str, ...],
                default: bool = False) -> tuple[str, ...]:
    for fname in ("test_group.yaml", "testdata.yaml"):
        f = directory / fname
        if f.is_file():
            cfg = _read_yaml(f)
            _no_submission_args(f, cfg)
            for key in ("output_validator_args", "output_validator_flags"):
                if key in cfg:
                    args = _args(f, key, cfg[key])
                    if default:
                        _check_default_flags(f, key, args)
                    return args
    return inherited


def _case_args(case_input: Path, version: str, group: tuple[str, ...],
               default: bool = False) -> tuple[str, ...]:
    """A 2025-09 test case's own validator arguments (``X.yaml``), else its group's."""
    f = case_input.with_suffix(".yaml")
    if version != "2025-09" or not f.is_file():
        return group
    cfg = _read_yaml(f)
    _no_submission_args(f, cfg)
    if "output_validator_args" in cfg:
        args = _args(f, "output_validator_args", cfg["output_validator_args"])
        if default:
            _check_default_flags(f, "output_validator_args", args)
        return args
    return group


def _walk(data: Path, directory: Path, args: tuple[str, ...], out: list[TestCase],
          version: str = "legacy", default: bool = False) -> None:
    args = _group_args(data, directory, args, default)
    entries: dict[str, Path] = {}
    for p in directory.iterdir():
        if p.is_dir():
            entries[p.name] = p
        elif p.suffix == ".in":
            entries[p.stem] = p
    for name in sorted(entries):
        p = entries[name]
        if p.is_dir():
            _walk(data, p, args, out, version, default)
            continue
        ans = p.with_suffix(".ans")
        if not ans.is_file():
            raise EvalkitError(f"{p}: test input without answer file {ans.name}")
        out.append(TestCase(p.relative_to(data).with_suffix("").as_posix(), p, ans,
                            _case_args(p, version, args, default)))


STATEMENTS = ("statement/problem.en.md", "problem_statement/problem.en.md",
              "statement/problem.en.tex", "problem_statement/problem.en.tex",
              "problem_statement/problem.tex", "statement/problem.en.pdf",
              "problem_statement/problem.en.pdf", "problem.pdf", "problem.en.pdf")


def _time_settings(yml: Path, version: str, limits: dict[str, Any]) -> tuple[float, float]:
    """(ac_to_time_limit, time_resolution): how a time limit is derived (problemtools
    ``verifyproblem.py`` ``_compute_time_limit``; ``metadata.py``: legacy
    ``time_multiplier`` 5, 2023-07+ ``time_multipliers.ac_to_time_limit`` 2,
    ``time_resolution`` 1.0)."""
    if version == "legacy":
        mult = _number(yml, "limits.time_multiplier", limits.get("time_multiplier", 5.0))
    else:
        tm = limits.get("time_multipliers") or {}
        if not isinstance(tm, dict):
            raise EvalkitError(f"{yml}: field 'limits.time_multipliers' must be a mapping")
        mult = _number(yml, "limits.time_multipliers.ac_to_time_limit",
                       tm.get("ac_to_time_limit", 2.0))
    resolution = _number(yml, "limits.time_resolution", limits.get("time_resolution", 1.0))
    return mult, resolution


def derived_time_limit(slowest: float, multiplier: float, resolution: float) -> float:
    """problemtools: ``max(1, ceil(slowest * multiplier / resolution)) * resolution``."""
    return max(1, math.ceil(slowest * multiplier / resolution)) * resolution


def load_problem(root: Path) -> KattisProblem:
    """Load one problem package; errors name the file and field at fault."""
    root = Path(root)
    yml = root / "problem.yaml"
    if not yml.is_file():
        raise EvalkitError(f"{root}: no problem.yaml (not a Kattis problem package)")
    cfg = _read_yaml(yml)
    version = str(cfg.get("problem_format_version", "legacy"))
    warnings: list[str] = []
    strict = version not in ("legacy", "legacy-icpc")
    _check_keys(yml, "", cfg, TOP_KEYS, strict, warnings)
    kinds = _kinds(yml, cfg, version)
    if "scoring" in kinds:
        raise EvalkitError(f"{yml}: a scoring problem (test groups worth points); ICPC is "
                           "pass-fail, so evalkit refuses it rather than judge it pass-fail")
    if "submit-answer" in kinds:
        raise EvalkitError(f"{yml}: submit-answer problems are not supported (a model's "
                           "answer here is a program)")
    interactive = "interactive" in kinds
    multi_pass = "multi-pass" in kinds
    validator = _find_validator(root, version, custom="custom" in kinds or interactive
                                or multi_pass)
    if (interactive or multi_pass) and validator is None:
        raise EvalkitError(f"{yml}: {'interactive' if interactive else 'multi-pass'} problem "
                           "without an output validator")

    limits = cfg.get("limits") or {}
    if not isinstance(limits, dict):
        raise EvalkitError(f"{yml}: field 'limits' must be a mapping")
    _check_keys(yml, "limits.", limits, LIMIT_KEYS, strict, warnings)
    time_limit: float | None = None
    source = "none in the package"
    if "time_limit" in limits:
        time_limit, source = _number(yml, "limits.time_limit", limits["time_limit"]), \
            "problem.yaml limits.time_limit"
    elif (root / ".timelimit").is_file():
        text = (root / ".timelimit").read_text().strip()
        try:
            time_limit = float(text)
        except ValueError:
            raise EvalkitError(f"{root / '.timelimit'}: not a number: {text!r}") from None
        source = ".timelimit"
    multiplier, resolution = _time_settings(yml, version, limits)
    passes = int(_number(yml, "limits.validation_passes",
                         limits.get("validation_passes", DEFAULT_VALIDATION_PASSES)))
    if multi_pass and passes < 2:
        raise EvalkitError(f"{yml}: field 'limits.validation_passes' must be at least 2")

    name = cfg.get("name", root.name)
    if isinstance(name, dict):
        name = name.get("en") or next(iter(name.values()), root.name)
    problem_args = _args(yml, "validator_flags", cfg.get("validator_flags"))
    default = validator is None
    if default:
        _check_default_flags(yml, "validator_flags", problem_args)
    data = root / "data"
    tests: list[TestCase] = []
    top = _group_args(data, data, (), default) if data.is_dir() else ()
    for group in ("sample", "secret"):
        if (data / group).is_dir():
            _walk(data, data / group, top, tests, version, default)
    samples_only = False
    if not any(not t.is_sample for t in tests):
        if not tests:
            raise EvalkitError(f"{data}: no test cases in data/secret or data/sample "
                               "(X.in with X.ans)")
        samples_only = True
    statement = next((p for pat in STATEMENTS for p in [root / pat] if p.is_file()), None)
    return KattisProblem(
        root=root, short_name=root.name, name=str(name), format_version=version,
        interactive=interactive, validator=validator,
        validator_args=problem_args,
        time_limit=time_limit, time_limit_source=source,
        memory_mib=int(_number(yml, "limits.memory", limits.get("memory", DEFAULT_MEMORY_MIB))),
        output_mib=int(_number(yml, "limits.output", limits.get("output", DEFAULT_OUTPUT_MIB))),
        validation_time=_number(yml, "limits.validation_time",
                                limits.get("validation_time", DEFAULT_VALIDATION_TIME)),
        validation_memory_mib=int(_number(yml, "limits.validation_memory", limits.get(
            "validation_memory", DEFAULT_VALIDATION_MEMORY_MIB))),
        tests=tuple(tests), statement=statement, multi_pass=multi_pass,
        validation_passes=passes, time_multiplier=multiplier, time_resolution=resolution,
        samples_only=samples_only, warnings=tuple(warnings),
    )
