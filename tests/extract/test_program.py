"""Taking a C++ or Python program out of an ICPC answer."""

from evalkit.extract.code import extract_program


def test_last_block_of_either_language_wins():
    text = "```cpp\nint main(){}\n```\nor in Python:\n```python\nprint(1)\n```\n"
    assert extract_program(text) == ("python", "print(1)\n")
    assert extract_program(text, ("cpp",)) == ("cpp", "int main(){}\n")


def test_other_languages_are_skipped_and_untagged_blocks_are_guessed():
    text = "```cpp\nint main(){}\n```\n```text\n3 4\n```\n"
    assert extract_program(text) == ("cpp", "int main(){}\n")
    assert extract_program("```\n#include <cstdio>\nint main(){}\n```\n")[0] == "cpp"  # type: ignore[index]
    assert extract_program("```\nprint(2)\n```\n") == ("python", "print(2)\n")
    assert extract_program("no code here") is None
