"""World Finals languages: which block is which language, and the commands (languages.yaml)."""

from __future__ import annotations

import pytest

from evalkit.errors import EvalkitError
from evalkit.extract.code import extract_program
from evalkit.judging.kattis import languages as kl


@pytest.mark.parametrize("tag, want", [
    ("c", "c"), ("cpp", "cpp"), ("c++", "cpp"), ("java", "java"), ("kotlin", "kotlin"),
    ("kt", "kotlin"), ("python", "python"), ("py3", "python"),
])
def test_fence_tags_name_the_language(tag, want):
    found = extract_program(f"```{tag}\nx\n```\n", kl.FENCES)
    assert found is not None and found[0] == want


def test_c_is_compiled_as_c_with_kattis_flags():
    assert kl.C.compile_argv[:6] == ("/usr/bin/gcc", "-g", "-O2", "-std=gnu17", "-static", "-o")
    assert kl.C.compile_argv[-1] == "-lm" and kl.C.source.endswith(".c")


@pytest.mark.parametrize("source, cls", [
    ("public class Hello { public static void main(String[] a) {} }", "Hello"),
    ("import java.util.*;\npublic final class Sol {}\nclass Helper {}", "Sol"),
    ("class Main { public static void main(String[] a) {} }", "Main"),
    ("class Solver { public static void main(String[] a) {} }", "Solver"),
])
def test_java_file_is_named_after_its_class(source, cls):
    lang = kl.JAVA.for_source(source)
    assert lang.source == f"{cls}.java" and lang.run_argv[-1] == cls
    assert f"{cls}.java" in lang.compile_argv[-1]


def test_jvm_memory_flags_take_the_problem_limit():
    argv = kl.KOTLIN.run_command(1024)
    assert "-J-Xmx1024m" in argv and argv[-1] == "MainKt"
    assert kl.JAVA.jvm and kl.KOTLIN.jvm and not kl.CPP.jvm


def test_toolchain_versions_parse_and_a_missing_one_is_none():
    text = "c=gcc (Debian 12.2.0-14) 12.2.0\nkotlin=MISSING\nnoise\npypy3=Python 3.9.16\n"
    assert kl.parse_versions(text) == {"c": "gcc (Debian 12.2.0-14) 12.2.0", "kotlin": None,
                                       "pypy3": "Python 3.9.16"}
    job = kl.version_probe()
    assert job.compile is not None and "kotlinc" in job.compile.argv[-1]


def test_unknown_language_is_one_line():
    with pytest.raises(EvalkitError, match=r"unknown language 'rust' \(known: c, cpp, java"):
        kl.language("rust")
