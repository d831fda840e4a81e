"""Judging rules of contest systems, built on the sandbox (which knows none of them)."""
