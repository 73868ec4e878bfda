"""The extractive answerer: a short answer built from the sentences of the best passages.

Every statement is a sentence of a source passage, followed by its citation marker; each
citation carries the verbatim quote (an exact substring of the source text) that backs it.
Nothing is said that a passage does not say.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from advisor import deadline
from advisor.answer.analysis import compile_patterns
from advisor.concepts import Concept
from advisor.model import Citation
from advisor.package_data import read_text
from advisor.passage import Passage
from advisor.phrases import render
from advisor.retrieval import Hit
from advisor.scope import addresses_assistant
from advisor.text import LANGUAGES, content_words, fold, gloss, stem, words
from advisor.structure import LIST_ITEM, heading_level, sentence_spans, units

MIN_SENTENCE_WORDS = 4


@lru_cache(maxsize=1)
def _filler() -> tuple[re.Pattern, ...]:
    data = tomllib.loads(read_text("advisor.resources", "filler.toml"))
    return compile_patterns("advisor/resources/filler.toml", "patterns", data.get("patterns"))


def is_filler(sentence: str) -> bool:
    """Navigation or page furniture ('Download hier…', 'Bekijk de pagina…'): never a statement."""
    folded = " ".join(fold(sentence).split())
    return any(p.search(folded) for p in _filler())


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
            if len(clean.split()) >= MIN_SENTENCE_WORDS and not addresses_assistant(clean) and not is_filler(clean):
                # text that addresses the assistant is data about a document, never a statement;
                # navigation and furniture say nothing
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


QUOTE_CHARS = 900


def _runs(group: list[Sentence], doc_text: str) -> list[list[Sentence]]:
    """A passage's chosen sentences in runs that one quote can hold: adjacent in the source (only
    white space between) and at most QUOTE_CHARS long. Each run is one statement with its own
    quote, so a statement never says more than the quote it shows."""
    runs = [[group[0]]]
    for s in group[1:]:
        last = runs[-1]
        if doc_text[last[-1].end:s.start].strip() or s.end - last[0].start > QUOTE_CHARS:
            runs.append([s])
        else:
            last.append(s)
    return runs


TYPED_INTROS = {"definition", "list", "comparison", "fact", "procedure", "reason"}


def compose(hits: list[Hit], found: list[Concept], language: str, texts, max_passages: int,
            question_type: str | None = None) -> Composition:
    """`question_type` (advisor.answer.analysis) picks the intro; an English answer ends with the
    glossary's English for the Dutch terms its quotes contain."""
    sentences = [s for rank, hit in enumerate(hits, start=1)
                 for s in passage_sentences(hit.passage, texts(hit.passage.doc_id), rank)]
    score_sentences(sentences, found)
    chosen = with_context(select(sentences, max_passages), sentences)
    if not chosen:
        return Composition("")
    # Group by passage (in order of first use); each run of adjacent sentences is one quote.
    order: list[str] = []
    groups: dict[str, list[Sentence]] = {}
    for s in chosen:
        if s.passage.id not in groups:
            order.append(s.passage.id)
        groups.setdefault(s.passage.id, []).append(s)
    runs = [run for pid in order
            for run in sorted(_runs(sorted(groups[pid], key=lambda s: s.start), texts(groups[pid][0].passage.doc_id)),
                              key=lambda r: -max(s.score for s in r))]  # in a passage, the best-met sentence first
    citations, lines = [], []
    for n, run in enumerate(runs[:max_passages], start=1):  # at most ADVISOR_MAX_CITATIONS quotes
        start, end = run[0].start, run[-1].end
        citations.append(Citation.of(n, run[0].passage, texts(run[0].passage.doc_id)[start:end], start, end))
        statement = " ".join(s.clean for s in run)
        lines.append(f"- „{statement}” [{n}]" if language == "en" else f"- {statement} [{n}]")
    intro = render("answer", language, f"intro_{question_type}" if question_type in TYPED_INTROS else "intro")
    text = intro + "\n\n" + "\n".join(lines)
    terms = gloss(" ".join(c.quote for c in citations)) if language == "en" else []
    if terms:
        text += "\n\n" + render("answer", language, "terms", terms="; ".join(f"{nl} = {en}" for nl, en in terms))
    return Composition(text, citations)
