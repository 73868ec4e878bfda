"""The extractive answerer: a short answer built from the sentences of the best passages.

Every statement is a sentence of a source passage, followed by its citation marker; each
citation carries the verbatim quote (an exact substring of the source text) that backs it.
Nothing is said that a passage does not say.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from advisor import deadline
from advisor.concepts import Concept
from advisor.model import Citation
from advisor.passage import Passage
from advisor.phrases import render
from advisor.retrieval import Hit
from advisor.scope import addresses_assistant
from advisor.text import LANGUAGES, content_words, stem, words
from advisor.structure import LIST_ITEM, heading_level, sentence_spans, units

MIN_SENTENCE_WORDS = 4


@dataclass
class Sentence:
    hit_rank: int
    passage: Passage
    start: int      # offsets in the document's source text
    end: int
    clean: str
    score: float = 0.0


@dataclass
class Composition:
    answer: str
    citations: list[Citation] = field(default_factory=list)


def passage_sentences(passage: Passage, document_text: str, hit_rank: int) -> list[Sentence]:
    deadline.check()
    """The sentences of a passage, located in the document's source text; headings left out."""
    out = []
    for unit in units(passage.text):
        if unit.is_furniture or heading_level(unit) is not None:
            continue
        for s, e in sentence_spans(passage.text, unit.start, unit.end):
            start, end = passage.start + s, passage.start + e
            clean = " ".join(document_text[start:end].split())
            if len(clean.split()) >= MIN_SENTENCE_WORDS and not addresses_assistant(clean):
                # text that addresses the assistant is data about a document, never a statement
                out.append(Sentence(hit_rank, passage, start, end, clean))
    return out


def _sentence_terms(text: str) -> set[str]:
    words = content_words(text)
    return {stem(w, lang) for w in words for lang in LANGUAGES}


def score_sentences(sentences: list[Sentence], found: list[Concept]) -> None:
    """Share of the question's concepts a sentence meets, plus a little for adjacent question
    words it repeats as a phrase ('social return') and for the rank of its passage."""
    total = sum(c.weight for c in found) or 1.0
    phrases = [f"{a.word} {b.word}" for a, b in zip(found, found[1:])]
    for s in sentences:
        deadline.check()
        terms = _sentence_terms(s.clean)
        met = sum(c.weight for c in found if c.terms & terms)
        folded = " ".join(words(s.clean))
        s.score = met / total + 0.15 * sum(p in folded for p in phrases) + 0.08 / s.hit_rank
        if s.clean.endswith("?"):
            s.score *= 0.5  # a question in the source rarely answers one


_LEANS_BACK = re.compile(r"^(?:Dit|Dat|Deze|Die|Zo|Hierbij|Daarom|Daarvoor|Ook|This|That|These|Those|So)\b")


def with_context(chosen: list[Sentence], sentences: list[Sentence]) -> list[Sentence]:
    """Complete chosen sentences: a lead-in ending in ':' brings its list items, and a sentence
    that leans on the one before ('Dit heet ...') brings that one along."""
    by_passage: dict[str, list[Sentence]] = {}
    for s in sentences:
        by_passage.setdefault(s.passage.id, []).append(s)
    out: list[Sentence] = []
    for s in chosen:
        siblings = by_passage[s.passage.id]
        i = siblings.index(s)
        if i > 0 and (_LEANS_BACK.match(s.clean) or len(s.clean.split()) < 7):
            out.append(siblings[i - 1])
        out.append(s)
        if s.clean.endswith(":"):
            out.extend(itertools.takewhile(lambda x: LIST_ITEM.match(x.clean), siblings[i + 1:i + 6]))
    unique: dict[tuple[str, int], Sentence] = {}
    for s in out:
        unique.setdefault((s.passage.id, s.start), s)
    return list(unique.values())


def select(sentences: list[Sentence], max_passages: int, max_statements: int = 4) -> list[Sentence]:
    """The best sentence, its direct continuation, and the next best from other passages."""
    ranked = sorted(sentences, key=lambda s: (-s.score, s.hit_rank, s.start))
    if not ranked or ranked[0].score <= 0.1:
        return []
    best = ranked[0]
    chosen = [best]
    following = [s for s in sentences if s.passage.id == best.passage.id and s.start >= best.end]
    if following and following[0].score > 0.5 * best.score and following[0].start - best.end < 5:
        chosen.append(following[0])
    per_passage: dict[str, int] = {best.passage.id: len(chosen)}
    seen = {s.clean for s in chosen}
    for s in ranked[1:]:
        if len(chosen) >= max_statements or s.score < 0.6 * best.score:
            break
        if s.clean in seen or per_passage.get(s.passage.id, 0) >= 2:
            continue
        if s.passage.id not in per_passage and len(per_passage) >= max_passages:
            continue
        chosen.append(s)
        seen.add(s.clean)
        per_passage[s.passage.id] = per_passage.get(s.passage.id, 0) + 1
    return chosen


def compose(hits: list[Hit], found: list[Concept], language: str, texts, max_passages: int) -> Composition:
    sentences = [s for rank, hit in enumerate(hits, start=1)
                 for s in passage_sentences(hit.passage, texts(hit.passage.doc_id), rank)]
    score_sentences(sentences, found)
    chosen = with_context(select(sentences, max_passages), sentences)
    if not chosen:
        return Composition("")
    # Group by passage (in order of first use); one citation per passage, quoting its sentences.
    order: list[str] = []
    groups: dict[str, list[Sentence]] = {}
    for s in chosen:
        if s.passage.id not in groups:
            order.append(s.passage.id)
        groups.setdefault(s.passage.id, []).append(s)
    citations, lines = [], []
    for n, pid in enumerate(order, start=1):
        group = sorted(groups[pid], key=lambda s: s.start)
        doc_text = texts(group[0].passage.doc_id)
        start, end = group[0].start, group[-1].end
        gaps = [doc_text[a.end:b.start] for a, b in zip(group, group[1:])]
        if end - start > 900 or any(g.strip() for g in gaps):  # text left out between: quote the best one only
            best = max(group, key=lambda s: s.score)
            start, end = best.start, best.end
        citations.append(Citation.of(n, group[0].passage, doc_text[start:end], start, end))
        statement = " ".join(s.clean for s in group)
        lines.append(f"- „{statement}” [{n}]" if language == "en" else f"- {statement} [{n}]")
    return Composition(render("answer", language, "intro") + "\n\n" + "\n".join(lines), citations)
