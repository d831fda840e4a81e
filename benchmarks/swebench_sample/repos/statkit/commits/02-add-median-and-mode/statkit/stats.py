"""Descriptive statistics."""

from collections import Counter


def mean(values):
    """The arithmetic mean of a non-empty sequence."""
    values = list(values)
    if not values:
        raise ValueError("mean of an empty sequence")
    return sum(values) / len(values)


def median(values):
    """The middle value of a non-empty sequence (the mean of the two middle ones
    when the length is even)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of an empty sequence")
    middle = len(ordered) // 2
    return ordered[middle]


def mode(values):
    """The most common value; ties go to the value seen first."""
    counts = Counter(values)
    if not counts:
        raise ValueError("mode of an empty sequence")
    return counts.most_common(1)[0][0]
