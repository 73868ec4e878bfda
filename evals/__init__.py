"""Evaluation: golden sets (data files in evals/golden/) and the functions that score against them."""
