"""evalkit: trustworthy evaluation of language models on competition benchmarks."""

__version__ = "0.1.0"
