"""Pulling the gradable part out of a model response."""
