"""How a submission is compiled and started, per language (the World Finals set).

Commands follow problemtools ``problemtools/config/languages.yaml`` at
Kattis/problemtools a185fe97 (the Kattis language configuration):

- C: ``gcc -g -O2 -std=gnu17 -static -o {binary} {files} -lm``, run ``{binary}``.
- C++: ``g++ -g -O2 -std=gnu++23 -static -o {binary} {files} -lrt
  -Wl,--whole-archive -lpthread -Wl,--no-whole-archive``, run ``{binary}``.
- Java: ``javac -source 21 -encoding UTF-8 -sourcepath {path} -d {path}
  {files}``, run ``java -Dfile.encoding=UTF-8 -XX:+UseSerialGC -Xss64m
  -Xms{memlim}m -Xmx{memlim}m -cp {path} {mainclass}``.  The judge image has
  Debian bookworm's OpenJDK 17, so evalkit compiles with ``-source 17`` (the
  one deliberate difference; a Java 21-only feature is CE here).  The class
  files are packed into one jar so the run needs a single artifact.
- Kotlin: ``kotlinc -language-version 1.3 -d {path}/ -- {files}``, run
  ``kotlin ... -J-Xmx{memlim}m -cp {path}/ {Mainclass}Kt`` (bookworm's
  kotlin 1.3.31; the jar form of ``-d``).
- Python 3: compile (a syntax check) ``pypy3 -m py_compile {files}``, run
  ``pypy3 "{mainfile}"`` (Kattis runs Python 3 on PyPy).  ``python3`` here is
  the same with CPython, for contests that use it.

The JVM languages get no address-space limit (problemtools
``run/program.py`` ``should_skip_memory_rlimit``: the JVM reserves more than
it uses); ``-Xmx`` bounds their heap.  One source file per submission: a
model's answer is one fenced block, so multi-file submissions are out of scope.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from evalkit.errors import EvalkitError
from evalkit.sandbox import job as sj


@dataclass(frozen=True)
class Language:
    name: str  # "c" | "cpp" | "java" | "kotlin" | "python3" | "pypy3"
    source: str  # file name of the submission in the compile dir
    compile_argv: tuple[str, ...]
    artifact: str  # file copied to {bin}
    run_argv: tuple[str, ...]  # "{memlim}" is the memory limit in MiB
    fence: str  # evalkit.extract.code language key
    title: str = ""
    jvm: bool = False  # no RLIMIT_AS; more threads
    version_argv: tuple[str, ...] = ()  # prints the toolchain's version

    def for_source(self, source: str) -> Language:
        """This language for one source: Java's file is named after its public class."""
        if self.name != "java":
            return self
        cls = java_main_class(source)
        return dataclasses.replace(
            self, source=f"{cls}.java",
            compile_argv=tuple(a.replace("Main", cls) for a in self.compile_argv),
            run_argv=tuple(a.replace("Main", cls) if a == "Main" else a
                           for a in self.run_argv))

    def run_command(self, memory_mib: int) -> list[str]:
        """The run argv with the memory limit filled in."""
        return [a.replace("{memlim}", str(memory_mib)) for a in self.run_argv]


_JAVA_CLASS = re.compile(r"^\s*public\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)",
                         re.MULTILINE)
_JAVA_ANY_CLASS = re.compile(r"^\s*(?:final\s+)?class\s+([A-Za-z_$][\w$]*)", re.MULTILINE)


def java_main_class(source: str) -> str:
    """The class a Java source's file must be named after: its public class, else Main."""
    m = _JAVA_CLASS.search(source)
    if m:
        return m.group(1)
    if "class Main" in source:
        return "Main"
    m = _JAVA_ANY_CLASS.search(source)
    return m.group(1) if m else "Main"


_JVM_FLAGS = ("-Dfile.encoding=UTF-8", "-XX:+UseSerialGC", "-Xss64m", "-Xms{memlim}m",
              "-Xmx{memlim}m")

C = Language(
    "c", "solution.c",
    ("/usr/bin/gcc", "-g", "-O2", "-std=gnu17", "-static", "-o", "solution", "solution.c",
     "-lm"),
    "solution", ("{bin}/solution",), "c", "C (gcc -std=gnu17)",
    version_argv=("/usr/bin/gcc", "--version"))
CPP = Language(
    "cpp", "solution.cpp",
    ("/usr/bin/g++", "-g", "-O2", "-std=gnu++23", "-static", "-o", "solution", "solution.cpp",
     "-lrt", "-Wl,--whole-archive", "-lpthread", "-Wl,--no-whole-archive"),
    "solution", ("{bin}/solution",), "cpp", "C++ (g++ -std=gnu++23)",
    version_argv=("/usr/bin/g++", "--version"))
JAVA = Language(
    "java", "Main.java",
    ("/bin/sh", "-c", "/usr/bin/javac -source 17 -encoding UTF-8 -sourcepath . -d classes "
     "Main.java && /usr/bin/jar cf solution.jar -C classes ."),
    "solution.jar", ("/usr/bin/java", *_JVM_FLAGS, "-cp", "{bin}/solution.jar", "Main"),
    "java", "Java (OpenJDK 17)", jvm=True, version_argv=("/usr/bin/javac", "-version"))
KOTLIN = Language(
    "kotlin", "Main.kt",
    ("/usr/bin/kotlinc", "-language-version", "1.3", "-d", "solution.jar", "--", "Main.kt"),
    "solution.jar",
    ("/usr/bin/kotlin", *(f"-J{f}" if f.startswith("-X") else f for f in _JVM_FLAGS),
     "-cp", "{bin}/solution.jar", "MainKt"),
    "kotlin", "Kotlin (kotlinc 1.3)", jvm=True, version_argv=("/usr/bin/kotlinc", "-version"))
PYTHON3 = Language(
    "python3", "solution.py", ("/usr/bin/python3", "-m", "py_compile", "solution.py"),
    "solution.py", ("/usr/bin/python3", "{bin}/solution.py"), "python", "Python 3 (CPython)",
    version_argv=("/usr/bin/python3", "--version"))
PYPY3 = Language(
    "pypy3", "solution.py", ("/usr/bin/pypy3", "-m", "py_compile", "solution.py"),
    "solution.py", ("/usr/bin/pypy3", "{bin}/solution.py"), "python", "Python 3 (PyPy)",
    version_argv=("/usr/bin/pypy3", "--version"))
LANGUAGES = {lang.name: lang for lang in (C, CPP, JAVA, KOTLIN, PYTHON3, PYPY3)}
# The fence keys a model's answer may use, in the order blocks are matched
# (```c before the C++ tags, which include "c" for the IOI adapters).
FENCES = ("c", "cpp", "java", "kotlin", "python")

COMPILE_LIMITS = sj.Limits(cpu=60, wall=120, memory=2 * 1024**3, output=None,
                           processes=64)
JVM_PROCESSES = 256  # the JVM's GC, JIT and signal threads


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


def version_probe() -> sj.Job:
    """A job whose compile step prints each toolchain's first version line."""
    lines = []
    for lang in LANGUAGES.values():
        exe = lang.version_argv[0]
        lines.append(f"if [ -x {exe} ]; then v=$({' '.join(lang.version_argv)} 2>&1 | "
                     f"grep -m1 .); else v=MISSING; fi; echo \"{lang.name}=$v\"")
    return sj.Job(compile=sj.Compile(argv=["/bin/sh", "-c", "\n".join(lines)], files={},
                                     artifacts={}, limits=COMPILE_LIMITS))


def parse_versions(text: str) -> dict[str, str | None]:
    """``name=version`` lines of :func:`version_probe` -> version, None if missing."""
    out: dict[str, str | None] = {}
    for line in text.splitlines():
        name, sep, version = line.partition("=")
        if sep and name in LANGUAGES:
            out[name] = None if version.strip() in ("MISSING", "") else version.strip()
    return out
