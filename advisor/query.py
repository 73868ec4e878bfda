"""Prepare a question for lexical search: English procurement terms gain their Dutch equivalents."""

from __future__ import annotations

import re
from functools import lru_cache
from advisor.text import fold, glossary_entries


@lru_cache
def glossary() -> list[tuple[re.Pattern, str]]:
    """A pattern per English glossary phrase with its Dutch terms, longest phrase first."""
    entries = [(fold(english), dutch) for english, dutch in glossary_entries()]
    entries.sort(key=lambda e: -len(e[0]))
    return [(re.compile(rf"\b{re.escape(en)}\b"), nl) for en, nl in entries]


def expand_english(question: str) -> str:
    """The question followed by the Dutch terms for the English phrases it contains."""
    text = fold(question)
    extra = []
    for pattern, dutch in glossary():
        if pattern.search(text):
            extra.append(dutch)
            text = pattern.sub(" ", text)  # a longer phrase claims its words first
    return question if not extra else f"{question}\n{' '.join(extra)}"
