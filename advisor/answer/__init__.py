"""Answering: what a question asks for (analysis) and, later, one composer per kind of question."""
