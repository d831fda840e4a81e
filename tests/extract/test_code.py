"""Taking the program out of a model's final answer.

Rule (evalkit/extract/code.py, after NeMo-Skills / open-r1 for IOI): the *last*
fenced code block of the final answer is the program; a block tagged with
another language (e.g. a trailing ```text sample output) does not displace it;
an untagged block counts as the wanted language.  Fences are ``` or ~~~
(CommonMark), closed by the same fence.
"""

from __future__ import annotations

import pytest

from evalkit.extract.code import extract_code, fenced_blocks

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
