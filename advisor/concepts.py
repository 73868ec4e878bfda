"""A question's concepts: each content word with every index term that would count as meeting it.

Used to decide whether retrieved passages cover a question (refusal) and to pick the sentences
that answer it. An English word also counts as met by the Dutch terms the glossary gives for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor import deadline
from advisor.lexical import MAX_SPLIT_WORDS, BM25Index, splittable
from advisor.query import glossary
from advisor.text import LANGUAGES, content_words, document_terms, fold, stem


@dataclass(frozen=True)
class Concept:
    word: str
    terms: frozenset[str]
    weight: float
    topic: bool = True   # numbers are the asker's parameters: they pick sentences, not scope
    parts: frozenset[str] = frozenset()  # the parts of a split compound (also in `terms`, for sentence choice)
    general_head: bool = False           # the compound's head is a general word ('hoofdstad': 'stad')

    def met(self, available: set[str]) -> bool:
        """Met by the word itself (a stem or translation) or by every part of its compound: one part
        alone is a different notion; a compound headed by a general word only whole ('stad' and
        'hoofd' do not make 'hoofdstad')."""
        whole = self.terms - self.parts
        return bool(whole & available) or bool(self.parts) and not self.general_head and self.parts <= available


def _glossary_terms(question: str) -> dict[str, set[str]]:
    """English word -> Dutch stems, from every glossary phrase the question contains."""
    text = fold(question)
    mapping: dict[str, set[str]] = {}
    for pattern, dutch in glossary():
        if pattern.search(text):
            dutch_terms = set(document_terms(dutch, "nl"))
            for word in re.findall(r"\w+", pattern.pattern.replace(r"\b", " ").replace("\\", "")):
                mapping.setdefault(word, set()).update(dutch_terms)
    return mapping


def general_terms() -> frozenset[str]:
    """Stems of the general words of advisor/resources/scope.toml [vocabulary] general."""
    from advisor.scope import rules

    return rules().general


def concepts(question: str, lexical: BM25Index, language: str) -> list[Concept]:
    translations = _glossary_terms(question) if language == "en" else {}
    result, seen = [], set()
    budget = MAX_SPLIT_WORDS
    for word in content_words(question, language):
        if word in seen:
            continue
        deadline.check()
        seen.add(word)
        if word.isdigit():
            result.append(Concept(word, frozenset({word}), lexical.term_idf(word), topic=False))
            continue
        terms = {stem(word, lang) for lang in LANGUAGES}
        parts: set[str] = set()
        general_head = False
        if splittable(word) and budget > 0:
            budget -= 1
            split = lexical.split(word)
            parts = set(split) - terms
            general_head = bool(split) and split[-1] in general_terms()
        terms.update(translations.get(word, ()))
        parts -= terms
        terms |= parts
        weight = max(lexical.term_idf(t) for t in terms)
        if language == "en" and word not in translations and not terms & lexical.known:
            weight /= 2  # a generic English word says little about a Dutch corpus's topics
        result.append(Concept(word, frozenset(terms), weight, parts=frozenset(parts), general_head=general_head))
    return result


def coverage(found: list[Concept], available: set[str]) -> float:
    """IDF-weighted share of the concepts met by a set of index terms (a compound by itself or all its parts)."""
    topical = [c for c in found if c.topic]
    total = sum(c.weight for c in topical)
    if not total:
        return 0.0
    return sum(c.weight for c in topical if c.met(available)) / total
