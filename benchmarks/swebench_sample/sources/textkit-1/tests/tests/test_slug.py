import pytest

from textkit.slug import slugify


@pytest.mark.parametrize("title,expected", [
    ("Hello", "hello"),
    ("hello-world", "hello-world"),
    ("Hello,,World!!--a-rather-long-title-for-a-slug", "hello-world-a-rather-long-title-for-a-slug"),
    ("Tabs\t\tand  spaces", "tabs-and-spaces"),
])
def test_slugify(title, expected):
    assert slugify(title) == expected


def test_custom_separator():
    assert slugify("a_b", sep="_") == "a_b"
