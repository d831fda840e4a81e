import pytest

from textkit.slug import slugify


@pytest.mark.parametrize("title,expected", [
    ("Hello", "hello"),
    ("hello-world", "hello-world"),
])
def test_slugify(title, expected):
    assert slugify(title) == expected


def test_custom_separator():
    assert slugify("a_b", sep="_") == "a_b"
