"""Proof benchmarks: generation and grading prompts, and parsing a judge's score."""
