"""Decide whether a question is one the advisor should answer from its sources.

Two checks: the question is not an attempt to steer the assistant (requests to ignore its
instructions or reveal its configuration), and the best passages cover enough of it.
"""

from __future__ import annotations

import re
from advisor.package_data import read_text


def _load_patterns(name: str) -> list[re.Pattern]:
    lines = read_text("advisor.resources", name).splitlines()
    return [re.compile(line.strip(), re.IGNORECASE) for line in lines if line.strip() and not line.startswith("#")]


STEERING = _load_patterns("steering_patterns.txt")
OFFTOPIC = _load_patterns("offtopic_patterns.txt")
ADDRESSING = _load_patterns("addressing_patterns.txt")


def is_steering(question: str) -> bool:
    """True for questions that try to change the assistant's instructions or extract its setup."""
    return any(p.search(question) for p in STEERING)


def is_offtopic_task(question: str) -> bool:
    """True for requests to write letters, poems or code: not procurement advice."""
    return any(p.search(question) for p in OFFTOPIC)


def _domain_phrases() -> list[tuple[str, ...]]:
    from advisor.text import document_terms

    lines = read_text("advisor.resources", "domain_terms.txt").splitlines()
    phrases = []
    for line in lines:
        if line.strip() and not line.startswith("#"):
            for language in ("nl", "en"):
                terms = tuple(document_terms(line, language))
                if terms:
                    phrases.append(terms)
    return phrases


DOMAIN_PHRASES = _domain_phrases()


def in_domain(question: str) -> bool:
    """True when the question names a procurement notion (voorbehouden opdracht, social return, ...)."""
    from advisor.text import document_terms

    terms = set(document_terms(question, "nl")) | set(document_terms(question, "en"))
    return any(all(t in terms for t in phrase) for phrase in DOMAIN_PHRASES)


def addresses_assistant(sentence: str) -> bool:
    """True for document text written at an AI assistant (planted instructions): data, never a statement."""
    return is_steering(sentence) or any(p.search(sentence) for p in ADDRESSING)
