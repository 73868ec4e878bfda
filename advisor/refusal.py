"""Refusals that help: say the sources do not cover the question, name what they do cover nearby
(the titles and sections of the closest passages, never quoted as an answer) and offer two or three
questions the advisor can answer (advisor/resources/suggestions.toml, picked by shared words)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from advisor.errors import ConfigError
from advisor.package_data import read_text
from advisor.passage import Passage
from advisor.phrases import render
from advisor.text import document_terms

SOURCE = "advisor/resources/suggestions.toml"
LANGUAGES = ("nl", "en")


def load_suggestions(text: str | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Document id -> language -> example questions, checked: a table per document with a non-empty
    list of questions for each language."""
    try:
        data = tomllib.loads(text if text is not None else read_text("advisor.resources", "suggestions.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{SOURCE}: not valid TOML: {exc}") from None
    if not data:
        raise ConfigError(f"{SOURCE}: needs a table per document ([doc-id] with nl and en lists)")
    out = {}
    for doc_id, table in data.items():
        if not isinstance(table, dict) or set(table) != set(LANGUAGES):
            raise ConfigError(f"{SOURCE} [{doc_id}]: needs exactly the lists {list(LANGUAGES)}")
        for language, questions in table.items():
            if not isinstance(questions, list) or not questions or \
                    not all(isinstance(q, str) and q.strip() for q in questions):
                raise ConfigError(f"{SOURCE} [{doc_id}] {language}: expected a non-empty list of questions")
        out[doc_id] = {language: tuple(q.strip() for q in table[language]) for language in LANGUAGES}
    return out


@lru_cache(maxsize=1)
def suggestions() -> dict[str, dict[str, tuple[str, ...]]]:
    return load_suggestions()


def nearby(passages: list[Passage], most: int = 3) -> list[str]:
    """The titles (with the top-level section) of the closest passages, each once."""
    seen: list[str] = []
    for p in passages:
        section = p.section.split(">")[0].strip()
        topic = f"{p.title} — {section.capitalize()}" if section and section.lower() not in p.title.lower() \
            else p.title
        if topic not in seen:
            seen.append(topic)
    return seen[:most]


def suggest(question: str, passages: list[Passage], language: str, most: int = 3) -> list[str]:
    """Up to `most` example questions: those of the closest passages' documents first, each ranked
    by the words it shares with `question`, one per document before a second from any."""
    words = set(document_terms(question, language))
    table = suggestions()
    order = list(dict.fromkeys([p.doc_id for p in passages if p.doc_id in table] + list(table)))
    ranked = {d: sorted(table[d][language], key=lambda q: -len(words & set(document_terms(q, language))))
              for d in order}
    picked: list[str] = []
    for round_ in range(max((len(v) for v in ranked.values()), default=0)):
        for doc_id in order:
            if round_ < len(ranked[doc_id]) and len(picked) < most:
                picked.append(ranked[doc_id][round_])
    return picked


@dataclass(frozen=True)
class Refusal:
    text: str
    nearby: list[str]
    suggestions: list[str]


def helpful(question: str, passages: list[Passage], language: str) -> Refusal:
    """The refusal text with what the sources cover nearby and questions to ask instead."""
    topics, questions = nearby(passages), suggest(question, passages, language)
    lines = [render("answer", language, "refusal_uncovered")]
    if topics:
        lines.append(render("answer", language, "refusal_nearby", topics="; ".join(f"“{t}”" for t in topics)))
    if questions:
        lines += ["", render("answer", language, "refusal_suggestions")] + [f"- {q}" for q in questions]
    return Refusal("\n".join(lines), topics, questions)
