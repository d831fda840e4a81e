"""Taking the program out of a model's final answer.

Two rules, each the one its benchmark's reference uses:

- IOI and ICPC (:func:`extract_code`, :func:`extract_program`; as NeMo-Skills and
  open-r1 do for IOI): the last fenced code block of the final answer.  A block
  tagged with the wanted language wins over later blocks tagged with another one
  (a trailing ```text example is not the program); untagged blocks count as the
  wanted language.  Fences start a line (after spaces or tabs), are ``` or ~~~
  runs of three or more, and a block is closed by a line holding the same run.
- LiveCodeBench (:func:`extract_code_lcb`): lcb_runner's rule, whatever the tags.

Both scan the text once, line by line: no regular expression spans lines, so a
hostile answer (thousands of unclosed fences) costs time linear in its size.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# An opening fence line: the run of ` or ~, then the tag (the first word).  Matched
# at the start of one line only, greedy and unanchored at the end: no backtracking.
_OPENER = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)")

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
    lines = text.split("\n")
    # Where each fence run stands alone on a line (a closing fence candidate).
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        bare = line.strip(" \t")
        if bare[:3] in ("```", "~~~") and bare == bare[0] * len(bare):
            closers.setdefault(bare, []).append(i)
    blocks = []
    i = 0
    # An opener's line must end with a newline (so not be the last line); its block
    # ends at the next line holding exactly its fence; unclosed, it is skipped and
    # the scan goes on from the next line.  Each line is looked at a bounded number
    # of times, and each closer search is one bisection.
    while i < len(lines) - 1:
        m = _OPENER.match(lines[i])
        if m is None:
            i += 1
            continue
        fence = m.group(1)
        ends = closers.get(fence, [])
        k = bisect.bisect_right(ends, i)
        if k == len(ends):
            i += 1
            continue
        j = ends[k]
        blocks.append(CodeBlock(m.group(2).lower(), "".join(ln + "\n" for ln in lines[i + 1:j])))
        i = j + 1
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


def extract_code_lcb(answer: str) -> str | None:
    """lcb_runner's rule: the text between the last two lines containing ```.

    lcb_runner/utils/extraction_utils.py ``extract_code`` (LiveCodeBench 28fef95,
    chat models): the answer's lines that contain three backticks anywhere (an
    inline opening fence, text after a closing fence, backticks inside the
    program all count); the program is the lines strictly between the last two of
    them, whatever their tags.  Fewer than two such lines: no program (lcb_runner
    grades the empty string, which fails every test).
    """
    lines = answer.split("\n")
    marks = [i for i, line in enumerate(lines) if "```" in line]
    if len(marks) < 2:
        return None
    return "\n".join(lines[marks[-2] + 1: marks[-1]])
