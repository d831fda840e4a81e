"""Taking the program out of a model's final answer.

Rule (as NeMo-Skills and open-r1 do for IOI): the last fenced code block of
the final answer.  A block tagged with the wanted language wins over later
blocks tagged with another one (a trailing ```text example is not the
program); untagged blocks count as the wanted language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$",
                    re.DOTALL | re.MULTILINE)

LANGUAGE_TAGS = {
    "cpp": {"cpp", "c++", "cc", "cxx", "c", "cpp17", "cpp20", "c++17", "c++20"},
    "python": {"python", "py", "python3", "py3", "pypy", "pypy3"},
    # ICPC (evalkit.judging.kattis.languages.FENCES) asks for "c" before "cpp".
    "c": {"c", "c11", "c17", "gnu17"},
    "java": {"java"},
    "kotlin": {"kotlin", "kt"},
}


@dataclass(frozen=True)
class CodeBlock:
    language: str  # the fence's tag, lower-case ('' if none)
    code: str


def fenced_blocks(text: str) -> list[CodeBlock]:
    """All closed fenced blocks, in order.

    A fence left open (the response was cut off, e.g. at max_tokens) is not a
    program: judging half a program would only add noise to compile errors.
    """
    blocks = [CodeBlock(m.group(2).lower(), m.group(3)) for m in _FENCE.finditer(text)]
    return blocks


def extract_code(answer: str, language: str = "cpp") -> str | None:
    """The program in ``answer`` for ``language``, or None if there is none."""
    tags = LANGUAGE_TAGS.get(language, {language})
    blocks = fenced_blocks(answer)
    for b in reversed(blocks):
        if b.language in tags or b.language == "":
            return b.code
    return None


def extract_program(answer: str, languages: tuple[str, ...] = ("cpp", "python")
                    ) -> tuple[str, str] | None:
    """The last fenced block tagged with one of ``languages``: ``(language, code)``.

    Same rule as :func:`extract_code` with several wanted languages (ICPC
    accepts C++ or Python): a block tagged with another language is skipped;
    an untagged block is C++ if it has an ``#include``, else Python.
    """
    for b in reversed(fenced_blocks(answer)):
        for lang in languages:
            if b.language in LANGUAGE_TAGS.get(lang, {lang}):
                return lang, b.code
        if b.language == "":
            guess = "cpp" if "#include" in b.code else "python"
            if guess in languages:
                return guess, b.code
    return None
