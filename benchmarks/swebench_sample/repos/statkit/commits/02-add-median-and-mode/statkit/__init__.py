"""statkit: small descriptive statistics for lists of numbers."""

from statkit.stats import mean, median, mode

__all__ = ["mean", "median", "mode"]
