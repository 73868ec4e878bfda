"""Prepare a question for lexical search: English procurement terms gain their Dutch equivalents."""

from __future__ import annotations

import re
from functools import lru_cache
from advisor.package_data import read_text
from advisor.text import fold

GLOSSARY = "glossary_en_nl.tsv"


@lru_cache
def glossary() -> list[tuple[re.Pattern, str]]:
    entries = []
    for n, line in enumerate(read_text("advisor.resources", GLOSSARY).splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        english, sep, dutch = line.partition("\t")
        if not sep or not dutch.strip():
            raise ValueError(f"advisor/resources/{GLOSSARY}:{n}: expected 'english<TAB>dutch terms', got {line!r}")
        entries.append((fold(english.strip()), dutch.strip()))
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
