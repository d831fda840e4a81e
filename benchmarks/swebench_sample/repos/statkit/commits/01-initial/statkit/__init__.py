"""statkit: small descriptive statistics for lists of numbers."""

from statkit.stats import mean

__all__ = ["mean"]
