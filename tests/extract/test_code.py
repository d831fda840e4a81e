"""Taking the program out of a model's final answer.

Rule (evalkit/extract/code.py, after NeMo-Skills / open-r1 for IOI): the *last*
fenced code block of the final answer is the program; a block tagged with
another language (e.g. a trailing ```text sample output) does not displace it;
an untagged block counts as the wanted language.  Fences are ``` or ~~~
(CommonMark), closed by the same fence.
"""

from __future__ import annotations

import pytest

from evalkit.extract.code import CodeBlock, extract_code, extract_code_lcb, fenced_blocks

FIRST = "int main() { return 1; }\n"
LAST = "int main() { return 2; }\n"


def test_the_last_block_is_the_program():
    answer = f"Draft:\n```cpp\n{FIRST}```\nFinal version:\n```cpp\n{LAST}```\n"
    assert extract_code(answer) == LAST


def test_a_later_text_block_does_not_displace_the_program():
    """The naive 'last block whatever its tag' rule would return the sample output."""
    answer = f"```cpp\n{LAST}```\n\nExample run:\n```text\n3\n```\n"
    assert fenced_blocks(answer)[-1].language == "text"
    assert extract_code(answer) == LAST


def test_a_later_block_in_another_language_does_not_displace_the_program():
    answer = f"```cpp\n{LAST}```\nA checker:\n```python\nprint(3)\n```\n"
    assert extract_code(answer, "cpp") == LAST
    assert extract_code(answer, "python") == "print(3)\n"


def test_an_untagged_block_counts_as_the_wanted_language():
    assert extract_code(f"```\n{LAST}```\n") == LAST


def test_a_later_untagged_block_is_the_program():
    answer = f"```cpp\n{FIRST}```\nFixed:\n```\n{LAST}```\n"
    assert extract_code(answer) == LAST


def test_tilde_fences():
    assert extract_code(f"~~~cpp\n{LAST}~~~\n") == LAST


def test_a_fence_is_closed_only_by_the_same_kind_of_fence():
    """Backticks inside a ~~~ block (or a shorter run inside ````) do not close it."""
    code = 'const char* s = R"(\n```\n)";\n'
    assert extract_code(f"~~~cpp\n{code}~~~\n") == code
    assert extract_code(f"````cpp\n{code}````\n") == code


@pytest.mark.parametrize("tag", ["cpp", "c++", "CPP", "C++", "cc", "cpp17", "c++17"])
def test_cpp_language_tags(tag):
    assert extract_code(f"```{tag}\n{LAST}```") == LAST


def test_info_string_after_the_tag_is_allowed():
    assert extract_code(f"```cpp title=solution.cpp\n{LAST}```") == LAST


def test_indented_fences_are_recognised():
    assert extract_code(f"  ```cpp\n{LAST}  ```\n") == LAST


@pytest.mark.parametrize("answer", [
    "",
    "I could not solve it.",
    "Use `int main()` and print the sum.",          # inline code is not a block
    "```text\n3\n```\n",                           # only another language
    "```python\nprint(1)\n```\n",
])
def test_no_program_is_none(answer):
    assert extract_code(answer) is None


def test_an_unterminated_fence_is_not_a_program():
    """A response cut off inside its code block (max_tokens) has no program to judge."""
    assert fenced_blocks(f"Here it is:\n```cpp\n{LAST}") == []
    assert extract_code(f"Here it is:\n```cpp\n{LAST}") is None


# ---------------------------------------------------------------------------
# Cost: one pass over the text, whatever the fences (issue 12: the former regex
# backtracked, 125 KB of unclosed fences took minutes).  Checked by counting the
# characters the line matcher is given, not by timing.


class CountingMatcher:
    def __init__(self, pattern):
        self.pattern, self.chars, self.calls = pattern, 0, 0

    def match(self, line):
        self.calls += 1
        self.chars += len(line)
        return self.pattern.match(line)


@pytest.mark.parametrize("unit", ["```python\n", "```\n~~~\n", "````cpp x\n", "~~~~\n```py\n"])
def test_unclosed_fences_cost_one_look_per_line(monkeypatch, unit):
    from evalkit.extract import code as code_mod

    counter = CountingMatcher(code_mod._OPENER)
    monkeypatch.setattr(code_mod, "_OPENER", counter)
    fence = "`" * 12  # a run no filler line closes
    text = unit * (125_000 // len(unit)) + f"{fence}cpp\n{LAST}{fence}\n"
    blocks = fenced_blocks(text)
    lines = text.count("\n") + 1
    assert counter.calls <= lines and counter.chars <= len(text)
    # Behaviour is kept: the closed block at the end is found (and, where the
    # filler's own fences pair up, those blocks too).
    assert blocks[-1] == CodeBlock("cpp", LAST)
    assert extract_code(text) == LAST


def test_a_fence_run_pairs_only_with_the_same_run_even_when_many_are_open():
    text = "```python\nA\n````\nB\n```\n"
    assert fenced_blocks(text) == [CodeBlock("python", "A\n````\nB\n")]


# ---------------------------------------------------------------------------
# LiveCodeBench's rule (lcb_runner/utils/extraction_utils.py extract_code, 28fef95);
# lcb_runner's own results on these shapes: tests/judging/lcb/lcb_runner_verdicts.json.


@pytest.mark.parametrize("answer, code", [
    ("```python\nprint(1)\n```", "print(1)"),
    ("Here: ```python\nprint(1)\n``` done", "print(1)"),            # inline fences count
    ("```python\nprint(1)\n```\n```text\n1\n```", "1"),              # whatever the tags
    ("```python\ns = '```'\nprint(1)\n```", "print(1)"),             # backticks in code
    ("~~~python\nprint(1)\n~~~", None),                               # only ``` counts
    ("```python\nprint(1)\n", None),                                  # unclosed
    ("```\n```", ""),
])
def test_lcb_rule_is_the_text_between_the_last_two_lines_with_backticks(answer, code):
    assert extract_code_lcb(answer) == code


def test_lcb_rule_is_linear():
    text = "```python\n" * 20_000 + "x = 1\n```"
    assert extract_code_lcb(text) == "x = 1"
