"""How a submission is compiled and started, per language.

Commands follow problemtools ``problemtools/config/languages.yaml`` (the
Kattis language configuration):

- C++: ``g++ -g -O2 -std=gnu++23 -static -o {binary} {files} -lrt
  -Wl,--whole-archive -lpthread -Wl,--no-whole-archive``, run ``{binary}``.
- Python 3: compile (a syntax check) ``pypy3 -m py_compile {files}``, run
  ``pypy3 "{mainfile}"`` (Kattis runs Python 3 on PyPy).  ``python3`` here is
  the same with CPython, for contests that use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from evalkit.errors import EvalkitError
from evalkit.sandbox import job as sj


@dataclass(frozen=True)
class Language:
    name: str  # "cpp" | "python3" | "pypy3"
    source: str  # file name of the submission in the compile dir
    compile_argv: tuple[str, ...]
    artifact: str  # file copied to {bin}
    run_argv: tuple[str, ...]
    fence: str  # evalkit.extract.code language key


CPP = Language(
    "cpp", "solution.cpp",
    ("/usr/bin/g++", "-g", "-O2", "-std=gnu++23", "-static", "-o", "solution", "solution.cpp",
     "-lrt", "-Wl,--whole-archive", "-lpthread", "-Wl,--no-whole-archive"),
    "solution", ("{bin}/solution",), "cpp")
PYTHON3 = Language(
    "python3", "solution.py", ("/usr/bin/python3", "-m", "py_compile", "solution.py"),
    "solution.py", ("/usr/bin/python3", "{bin}/solution.py"), "python")
PYPY3 = Language(
    "pypy3", "solution.py", ("/usr/bin/pypy3", "-m", "py_compile", "solution.py"),
    "solution.py", ("/usr/bin/pypy3", "{bin}/solution.py"), "python")
LANGUAGES = {lang.name: lang for lang in (CPP, PYTHON3, PYPY3)}

COMPILE_LIMITS = sj.Limits(cpu=60, wall=120, memory=2 * 1024**3, output=256 * 1024**2,
                           processes=64)


def language(name: str) -> Language:
    """The language called ``name``; a one-line error naming the known ones."""
    try:
        return LANGUAGES[name]
    except KeyError:
        raise EvalkitError(f"unknown language {name!r} (known: {', '.join(LANGUAGES)})") from None


def compile_job(lang: Language, source: str) -> sj.Compile:
    """The untrusted compile (or syntax check) of one submission."""
    return sj.Compile(argv=list(lang.compile_argv), files={lang.source: sj.FileText(source)},
                      artifacts={lang.artifact: lang.artifact}, limits=COMPILE_LIMITS)
