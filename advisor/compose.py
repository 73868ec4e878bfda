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
from advisor.answer import codes, lists, steps, values
from advisor.answer.analysis import Analysis, compile_patterns
from advisor.concepts import Concept
from advisor.errors import ConfigError
from advisor.model import Citation
from advisor.package_data import read_text
from advisor.passage import Passage
from advisor.phrases import render
from advisor.retrieval import Hit
from advisor.scope import addresses_assistant
from advisor.text import LANGUAGES, content_words, fold, gloss, stem, words
from advisor.structure import LIST_ITEM, RUNNING_LINE_WORDS, heading_level, sentence_spans, units

MIN_SENTENCE_WORDS = 4
LOCAL_SHRINK = 0.5  # how much a concept met by every candidate sentence loses of its weight
SELECT_SHARE = 0.7  # a further statement meets at least this share of the best one's score
ANSWERED_SHARE = 0.9  # a sentence right after a question in the source takes this share of its score


@lru_cache(maxsize=1)
def _filler() -> tuple[re.Pattern, ...]:
    data = tomllib.loads(read_text("advisor.resources", "filler.toml"))
    return compile_patterns("advisor/resources/filler.toml", "patterns", data.get("patterns"))


def is_filler(sentence: str) -> bool:
    """Navigation or page furniture ('Download hier…', 'Bekijk de pagina…'): never a statement."""
    folded = " ".join(fold(sentence).split())
    return any(p.search(folded) for p in _filler())


@lru_cache(maxsize=1)
def _defining() -> tuple[re.Pattern, ...]:
    data = tomllib.loads(read_text("advisor.resources", "definitions.toml"))
    return compile_patterns("advisor/resources/definitions.toml", "defining", data.get("defining", {}).get("patterns"))


def defines(sentence: str) -> bool:
    """Whether a sentence says what something is ('… betekent dat …', 'Dit heet social return.')."""
    folded = " ".join(fold(sentence).split())
    return any(p.search(folded) for p in _defining())


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
    """The sentences of a passage, located in the document's source text; headings left out."""
    deadline.check()
    return [Sentence(hit_rank, passage, start, end, clean) for start, end, clean in _spans(passage, document_text)]


@lru_cache(maxsize=4096)
def _spans(passage: Passage, document_text: str) -> tuple[tuple[int, int, str], ...]:
    """A passage's statement sentences as (start, end, clean), worked out once per passage: the same
    passages come back for question after question."""
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
                out.append((start, end, clean))
    return tuple(out)


@lru_cache(maxsize=8192)
def _sentence_terms(text: str) -> frozenset[str]:
    """A text's content words, stemmed both ways; remembered, as the same passages' sentences come
    back for question after question."""
    words = content_words(text)
    return frozenset(stem(w, lang) for w in words for lang in LANGUAGES)


@lru_cache(maxsize=64)
def _title_terms(title: str) -> frozenset[str]:
    """The terms of a document's title, met by every sentence of the document."""
    return frozenset(_sentence_terms(title))


@lru_cache(maxsize=512)
def _running_terms(passage: Passage, doc_text: str) -> frozenset[str]:
    """The terms of a passage's lines that stand twice in its document: a running header or footer
    ('AMBITIE S.1: We streven naar …' on every page of that ambition) names what the page is about,
    so every sentence of the passage meets its terms."""
    lines = {u.clean for u in units(passage.text) if len(u.clean.split()) >= RUNNING_LINE_WORDS}
    running = [line for line in lines if doc_text.count(line) > 1]
    return frozenset(_sentence_terms(" ".join(running)))


@lru_cache(maxsize=64)
def _name_words(publisher: str) -> tuple[frozenset[str], ...]:
    """The terms of each name word of a document's publisher: its capitalised words after the first
    ('De Normaalste Zaak' → Normaalste, Zaak; 'Sociaal Werkkoepel Amsterdam' → Werkkoepel, Amsterdam)."""
    names = [w for w in re.findall(r"[^\W\d_][\w’'-]*", publisher)[1:] if w[0].isupper()]
    return tuple(t for t in (frozenset(_sentence_terms(w)) for w in names) if t)


def _named(found: list[Concept], publisher: str) -> frozenset[str]:
    """The terms of the publisher's name when the question names it whole (every word of a name of
    two words or more: 'De Normaalste Zaak'), else none: a word the question shares with a
    descriptive field ('… Departement Werk en Sociale Economie') is the question's own."""
    name = _name_words(publisher)
    if len(name) < 2 or not all(any(t & c.terms for c in found) for t in name):
        return frozenset()
    return frozenset().union(*name)


COMPOUND_PART = 6  # a question term this long is met inside a sentence's compound word…
COMPOUND_REST = 4  # …whose other part has at least this many letters (not an ending: 'regionale')


def _meets(concept_terms: frozenset[str], terms, long_terms: tuple[str, ...] | None = None) -> bool:
    """Whether a sentence's terms meet a question concept: one of its terms, or a term of at least
    COMPOUND_PART letters that opens or closes a compound of the sentence, beside a part of at least
    COMPOUND_REST letters ('schoonmaak' in 'schoonmaakprogramma's', 'aannemer' in 'hoofdaannemers').
    `long_terms`: the sentence's terms long enough to be such a compound, when already picked out."""
    if concept_terms & terms:
        return True
    if long_terms is None:
        long_terms = tuple(x for x in terms if len(x) >= COMPOUND_PART + COMPOUND_REST)
    for t in concept_terms:
        if len(t) < COMPOUND_PART:
            continue
        for x in long_terms:
            if len(x) >= len(t) + COMPOUND_REST and (x.startswith(t) or x.endswith(t)):
                return True
    return False


TEMPLATE_WORDS = 6     # a sentence whose first words open this many…
TEMPLATE_LINES = 3     # …lines of its document is a template line ('Aankopers (personen met bevoegdheid …'
TEMPLATE_SHARE = 0.8   # on every ambition's page): it meets the same questions everywhere, so it counts less


@lru_cache(maxsize=4096)
def _template(sentence: str, doc_text: str) -> bool:
    """Whether a sentence opens the way TEMPLATE_LINES or more lines of its document open: a row of a
    table repeated on every page (each ambition's stakeholders) matches every question on its words
    equally, and tells no page from another."""
    opening = sentence.split()[:TEMPLATE_WORDS]
    if len(opening) < TEMPLATE_WORDS:
        return False
    return _flat(doc_text).count(" ".join(opening)) >= TEMPLATE_LINES


@lru_cache(maxsize=64)
def _flat(doc_text: str) -> str:
    return " ".join(doc_text.split())


def _asks_about_publisher(analysis: Analysis, hits: list[Hit], publisher) -> bool:
    """Whether a definition question's notion opens with the name of a retrieved document's
    publisher ('Wat is De Normaalste Zaak …?', 'What is the Sociaal Werkkoepel?')."""
    first = (analysis.focus or ("",))[0].split()[:1]
    terms = _sentence_terms(first[0]) if first else set()
    return bool(terms) and any(terms & _sentence_terms(publisher(h.passage.doc_id) or "") for h in hits)


def score_sentences(sentences: list[Sentence], found: list[Concept], texts=None, publisher=None) -> None:
    """Share of the question's concepts a sentence meets, plus a little for adjacent question
    words it repeats as a phrase ('social return') and for the rank of its passage. `publisher(doc_id)`
    gives a document's publisher, whose name counts for none of the document's sentences."""
    # a word of the document's title ('het regionaal kader') says which source is asked about, not
    # what: every sentence of that source meets it, so it tells them apart by nothing
    named = [_named(found, publisher(s.passage.doc_id) or "") if publisher else frozenset() for s in sentences]
    phrases = [(f"{a.word} {b.word}", a.terms, b.terms) for a, b in zip(found, found[1:])]
    all_terms = [_sentence_terms(s.clean) | _title_terms(s.passage.title)
                 | (_running_terms(s.passage, texts(s.passage.doc_id)) if texts else frozenset())
                 for s in sentences]
    n = len(sentences)
    # a concept that most candidate sentences meet ('kader' in a question about the framework) tells
    # them apart less than one few meet: its weight shrinks with its share of the candidates
    longs = [tuple(x for x in t if len(x) >= COMPOUND_PART + COMPOUND_REST) for t in all_terms]
    meets = [{c.word for c in found if _meets(c.terms, t, long)} for t, long in zip(all_terms, longs)]
    local = {c.word: c.weight * (1.0 - LOCAL_SHRINK * sum(c.word in m for m in meets) / n) if n else c.weight
             for c in found}
    total = sum(local.values()) or 1.0
    for s, met_words, name in zip(sentences, meets, named):
        deadline.check()
        # the name of the source's publisher ('De Normaalste Zaak') says which source is asked about:
        # for that source's sentences it is left out of the question, so a sentence that happens to
        # name the publisher ('De Normaalste Zaak stimuleert …') does not answer every question put
        # to it, and the others are not lifted by a word they all share (padding after the answer)
        asked = [c for c in found if not c.terms & name] if name else found
        if len(asked) < len(found) and asked:
            share = sum(local[c.word] for c in asked) or 1.0
        else:
            asked, share = found, total
        met = sum(local[c.word] for c in asked if c.word in met_words)
        folded = " ".join(words(s.clean))
        phrased = sum(p in folded for p, a, b in phrases if not (a & name and b & name))  # nor its phrase
        s.score = met / share + 0.15 * phrased + 0.08 / s.hit_rank
    for s, nxt in itertools.zip_longest(sentences, sentences[1:]):
        if s.clean.endswith("?"):
            # a question in the source rarely answers one; the sentence right after it does
            # ('Staat de dienst niet in het overzicht? Aarzel dan niet om …')
            if nxt is not None and nxt.passage.id == s.passage.id and nxt.start - s.end < 5:
                nxt.score = max(nxt.score, ANSWERED_SHARE * s.score)
            s.score *= 0.5


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
        if len(chosen) >= max_statements or s.score < SELECT_SHARE * best.score:
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
FACT_CONTEXT = 0.8      # a value line borrows this share of the score of the lead-in before it
TYPED_FLOOR = 0.5       # a typed statement leads only when it meets this share of the best sentence's score
SHORT_LINE_WORDS = 6    # lines this short after a value line belong to it (a contact block)
LEAD_IN_LINES = 2       # lines of the same block before a value line that say what it is
PASSAGE_SHARE = 0.6     # a value line borrows this share of its passage's score
ADJACENT_WORDS = 1      # a value at most this many words from a question word…
ADJACENT_BONUS = 0.25   # …counts this much extra
NEIGHBOUR_SHARE = 0.8   # a value sentence borrows this share of the score of a sentence it leans on or that leans on it
BYLINE_PASSAGES = 12    # passages of a retrieved document read on for its byline
HEAD_WORDS = 12         # the words before a list that may name what it lists…
HEAD_BONUS = 0.3        # …and what naming it counts
FOOTER_CHARS = 200      # what is read of the passage after a list that ends with its own
CODE_BONUS = 0.3        # a list that names (around it) the ambition or objective code the question names
ANNOUNCED_BONUS = 0.3   # a list whose lead-in announces as many of the asked things as it holds
CONTEXT_SHARE = 0.7     # a list is judged by its lead-in, and by this share of the lines before it
ITEMS_SHARE = 0.5       # …or by this share of its items
DEFINING_BONUS = 0.2    # a definition answer's sentence that says what something is
STEP_BONUS = 0.2        # a procedure (reason) answer's sentence that says what to do (why)
CAUSE_BONUS = 0.1       # …and a reason answer's sentence that gives the cause outright, more
STEP_PASSAGES = 2       # passages without a step title that a list of steps is followed through
SIDE_FLOOR = 0.3        # a comparison side's best sentence meets at least this share of the side
SIDE_CITATIONS = 2      # a side's card is used when its anchors are at most this many quotes
QUESTION_SHARE = 0.3    # a side's sentence gains this share of its score against the whole question
RUN_ON_SENTENCES = 2    # sentences after one that announces a list ('diverse contracten') or a step
STEPWISE = {"procedure", "reason"}  # answers whose best sentence runs on into the ones after it


@dataclass
class Statement:
    """One quote (document text [start:end] inside `passage`) and what the answer shows of it:
    `lines`, each a verbatim part of the quote; `lead`, a line of the answer's own that names what
    the quote holds (a value, a count) and carries the same marker."""

    passage: Passage
    start: int
    end: int
    lines: list[str]
    lead: str | None = None


def _text_score(text: str, found: list[Concept], title: str = "") -> float:
    total = sum(c.weight for c in found) or 1.0
    terms = _sentence_terms(text) | _title_terms(title)
    return sum(c.weight for c in found if c.terms & terms) / total


def _clean(text: str) -> str:
    return " ".join(text.split())


def _all_sentences(passage: Passage, doc_text: str, hit_rank: int) -> list[tuple[Sentence, int]]:
    """Every sentence of a passage however short (a name, an e-mail address), with its block."""
    out = []
    for unit in units(passage.text):
        if unit.is_furniture:
            continue
        for s, e in sentence_spans(passage.text, unit.start, unit.end):
            clean = _clean(doc_text[passage.start + s:passage.start + e])
            if clean and not addresses_assistant(clean) and not is_filler(clean):
                out.append((Sentence(hit_rank, passage, passage.start + s, passage.start + e, clean), unit.block))
    return out


def _question_positions(clean: str, found: list[Concept]) -> list[tuple[int, int]]:
    """Where the question's words stand in a sentence: (start, end) offsets."""
    wanted = set().union(*(c.terms for c in found)) if found else set()
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", clean) if _sentence_terms(m.group()) & wanted]


def _gap(value, position: tuple[int, int], clean: str) -> int:
    """Words between a value and a question word."""
    if value.start <= position[0] and position[1] <= value.end:
        return -1  # the question's word is part of the value: 'welke stad' → 'de stad Roeselare'
    a, b = (value.end, position[0]) if value.end <= position[0] else (position[1], value.start)
    return len(clean[a:b].split()) if a < b else 0


def _synonym_positions(clean: str, head: str) -> list[tuple[int, int]]:
    """Where a synonym the sources use for a word of `head` stands in a sentence ('municipalities'
    → 'lokale besturen')."""
    table = _synonyms()
    alternatives = {alt for w in words(head) for alt in table.get(w, ())}
    return [(m.start(), m.end()) for alt in alternatives
            for m in re.finditer(rf"\b{re.escape(alt)}\b", clean, re.IGNORECASE)]


def _best_value(found_values, clean: str, found: list[Concept], head: str = ""):
    """Of the values in a sentence, the one nearest a word of the question (or of a synonym of
    what it counts), and its gap in words."""
    positions = _question_positions(clean, found) + _synonym_positions(clean, head)
    if not positions:
        return found_values[0], None
    gaps = [(min(_gap(v, p, clean) for p in positions), i) for i, v in enumerate(found_values)]
    gap, i = min(gaps)
    return found_values[i], gap


def fact_statement(hits: list[Hit], found: list[Concept], kind: str, language: str, texts,
                   floor: float, head: str = "", neighbours=None) -> Statement | None:
    """The sentence of the retrieved passages that holds a value of the asked kind and best meets
    the question, quoted with the lines of its block that belong to it; its lead names the value.
    When no sentence holds one, a value of the kind's fallback kinds (values.toml) is looked for,
    unless the question names a role only that kind fills ('gouverneur').
    A question about a document itself (who wrote it, when) is answered from its byline first;
    `neighbours` is then (following, preceding), the passages after and before one in its document."""
    if neighbours is not None and all(neighbours):
        byline = _byline_statement(hits, kind, language, texts, neighbours)
        if byline is not None:
            return byline
    spec = values.kinds()[kind]
    asked = {fold(c.word) for c in found}
    for tried in (kind, *(() if spec.roles & asked else spec.fallback)):  # no organisation for 'wie is de gouverneur
        statement = _value_statement(hits, found, tried, language, texts, floor, head)
        if statement is not None:
            return statement
    return None


def _byline_statement(hits: list[Hit], kind: str, language: str, texts, neighbours) -> Statement | None:
    """The byline ('Paul De Neve (mei 2018)') of the best-ranked retrieved document, when it has one
    holding a value of the asked kind, read from its retrieved passages on and back. Only that
    document's: another document's author is not the answer to who wrote this one."""
    if not hits:
        return None
    asked = hits[0].passage.doc_id
    for rank, hit in enumerate(hits, start=1):
        if hit.passage.doc_id != asked:
            continue
        doc = texts(asked)
        for step in neighbours:
            passage = hit.passage
            for _ in range(BYLINE_PASSAGES):
                deadline.check()
                for s, _block in _all_sentences(passage, doc, rank):
                    found_values = values.find(kind, s.clean) if values.byline(s.clean) else []
                    if found_values:
                        lead = render("answer", language, "fact_lead",
                                      label=render("answer", language, f"kind_{kind}"),
                                      value=values.in_language(found_values[0].text, language))
                        return Statement(passage, s.start, s.end, [s.clean], lead)
                passage = step(passage)
                if passage is None:
                    break
    return None


def _value_statement(hits: list[Hit], found: list[Concept], kind: str, language: str, texts,
                     floor: float, head: str = "") -> Statement | None:
    """A sentence is judged by itself, by the lead-in lines of its block ('Voor alle vragen:' before a
    name and an e-mail address), by the sentence next to it that leans on it or that it leans on
    ('Weerwerk heeft … contracten. Zo is er een opdracht om onkruid te branden…', quoted with it)
    and, less, by its passage, never by the words the value answers by itself ('op welke dag'); a
    value right next to a word of the question ('26 aankoopdoelstellingen', 'de stad Roeselare')
    counts extra; when the question names what it counts or measures (`head`: 'hoeveel
    aankoopdoelstellingen'), only next to those."""
    near = [c for c in found if c.word in set(words(head))] or found
    answered = values.kinds()[kind].answers
    judged = [c for c in found if c.word.lower() not in answered] or found
    best = None
    for rank, hit in enumerate(hits, start=1):
        deadline.check()
        doc = texts(hit.passage.doc_id)
        listed = _all_sentences(hit.passage, doc, rank)
        around = PASSAGE_SHARE * _text_score(hit.passage.index_text, judged)
        title = hit.passage.title
        scored: dict[int, float] = {}

        def own(j: int) -> float:  # only value sentences and their neighbours are scored
            if j not in scored:
                scored[j] = _text_score(listed[j][0].clean, judged, title)
            return scored[j]

        for i, (s, block) in enumerate(listed):
            found_values = values.find(kind, s.clean)
            if not found_values:
                continue
            lead_ins = [x.clean for x, b in listed[max(0, i - LEAD_IN_LINES):i] if b == block]
            beside = [j for j in (i - 1, i + 1) if 0 <= j < len(listed) and listed[j][1] == block
                      and _LEANS_BACK.match(listed[max(i, j)][0].clean)]
            score = max([own(i), around, *(FACT_CONTEXT * _text_score(t, judged, title) for t in lead_ins),
                         *(NEIGHBOUR_SHARE * own(j) for j in beside)])
            value, gap = _best_value(found_values, s.clean, near, head)
            if gap is not None and gap <= ADJACENT_WORDS:
                score += ADJACENT_BONUS * (2 if gap < 0 else 1)
            score += 0.08 / rank
            neighbour = max(beside, key=own, default=None)
            if neighbour is not None and NEIGHBOUR_SHARE * own(neighbour) <= own(i):
                neighbour = None  # the value's own sentence meets the question well enough
            if best is None or score > best[0]:
                best = (score, i, listed, value, s, neighbour)
    if best is None or best[0] < floor:
        return None
    _, i, listed, value, s, neighbour = best
    block = listed[i][1]
    first = i
    if len(s.clean.split()) < MIN_SENTENCE_WORDS:
        while first > 0 and listed[first - 1][1] == block and i - first < LEAD_IN_LINES:
            first -= 1
    last = i
    while last + 1 < len(listed) and listed[last + 1][1] == block \
            and len(listed[last + 1][0].clean.split()) <= SHORT_LINE_WORDS \
            and len(listed[last][0].clean.split()) <= SHORT_LINE_WORDS:
        last += 1
    if neighbour is not None and first == i == last:
        # the sentence that says what the value is about comes along: 'Weerwerk heeft … Zo is er …'
        first, last = min(i, neighbour), max(i, neighbour)
    span = [x for x, _ in listed[first:last + 1]]
    doc = texts(s.passage.doc_id)
    quoted = _clean(doc[span[0].start:span[-1].end])
    named = ", ".join(v.text for v in values.shown(kind, quoted)) or value.text.strip("()[] ")
    lead = render("answer", language, "fact_lead", label=render("answer", language, f"kind_{kind}"),
                  value=values.in_language(named, language))  # 'The number the sources give: 11 (elf)'
    return Statement(s.passage, span[0].start, span[-1].end, [quoted], lead)


def _shift(items, passage: Passage) -> list[lists.Item]:
    return [lists.Item(passage.start + it.start, passage.start + it.end, it.text) for it in items]


def _continue(e: lists.Enumeration, passage: Passage, following) -> list[tuple[Passage, list, int, int]]:
    """The segments of a list that runs on past its passage: items in the next passages of the
    same document (more rows or bullets at the start, or the remaining announced steps)."""
    segments, nxt, count, passed = [], passage, len(e.items), 0
    while not e.complete and following is not None and count < lists.MAX_ITEMS and (nxt := following(nxt)):
        if e.lines:  # short lines under a heading: those the next passage opens with
            items, done = lists.more_lines(nxt.text), True
        elif e.wanted:  # steps: the body of a step may fill a passage of its own
            items = lists.step_titles(nxt.text, e.wanted - count)
            done = count + len(items) >= e.wanted
            passed += not items
            if not items and passed <= STEP_PASSAGES:
                continue
        else:  # more rows or bullets at the start of the next passage (numbered on from the last)
            # (a table's other column may come first: rows that start within the lines rows may skip)
            more = [m for m in lists.structured(nxt.text, e.next_number or 1)
                    if m.lead is None or m.lead.start == 0
                    or e.next_number and len(units(nxt.text[:m.items[0].start])) <= lists.GAP_UNITS]
            items = more[0].items if more else []
            done = not more or more[0].complete
            e.next_number = more[0].next_number if more else None
        if not items:
            break
        segments.append((nxt, _shift(items, nxt), nxt.start + items[0].start, nxt.start + items[-1].end))
        count += len(items)
        if done:
            break
    return segments


def _footer(segments: list[tuple], following) -> str:
    """The first worded lines after a list, in its last passage or, when it ends that passage, at the
    start of the next: in a PDF, the page's running footer ('AMBITIE S.1: …') that says which
    ambition the block above it belongs to."""
    last, _, _, end = segments[-1]
    after = last.text[end - last.start:]
    if not after.strip() and following is not None:
        nxt = following(last)
        after = nxt.text if nxt else ""
    worded = [line for line in after.splitlines() if any(c.isalpha() for c in line)]  # not a lone page number
    return " ".join(worded[:lists.TRAILING_UNITS])[:FOOTER_CHARS]


def _enumerations(passage: Passage, following):
    """The enumerations of a passage, each with the text it is judged by, the words that introduce
    it and its segments
    (passage, items, start, end): structured lists and announced steps (followed into the next
    passages of the same document), and enumerations inside one sentence."""
    for e in [*lists.structured(passage.text), *lists.stepped(passage.text), *lists.headed(passage.text),
              *lists.coded(passage.text), *lists.asked(passage.text)]:
        first = (passage, _shift(e.items, passage), passage.start + e.start, passage.start + e.end)
        intro = " ".join(filter(None, [e.lead.clean if e.lead else "", e.label]))
        segments = [first, *_continue(e, passage, following)]
        if sum(len(items) for _, items, _, _ in segments) < lists.MIN_ITEMS - (intro.rstrip().endswith(":")):
            continue  # a table's first row at a passage's end that did not go on is no list
        yield f"{e.context} {_footer(segments, following)}", intro, segments, e.of
    for unit in units(passage.text):
        spans = sentence_spans(passage.text, unit.start, unit.end)
        for k, (s, t) in enumerate(spans):
            sentence = passage.text[s:t]
            items = lists.inline(sentence, passage.start + s)
            if items:
                intro = sentence[:items[0].start - passage.start - s]
                yield sentence, intro, [(passage, items, passage.start + s, passage.start + t)], None
            elif lists.enumerates(sentence):  # 'a, b en c' in running text: the sentence is the list,
                # judged as the lines around a list are, with the sentences before it ('Elk bedrijf koopt
                # kleine producten in. Potloden, kantoorfruit, koffie en ga zo maar door.')
                before = passage.text[spans[max(0, k - LEAD_IN_LINES)][0]:t]
                yield before, "", [(passage, [], passage.start + s, passage.start + t)], None


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, tuple[str, ...]]:
    """Folded word or phrase -> every member of its synonym group (advisor/resources/synonyms.toml)."""
    data = tomllib.loads(read_text("advisor.resources", "synonyms.toml"))
    groups = data.get("groups")
    if set(data) != {"groups"} or not isinstance(groups, list) or not all(
            isinstance(g, list) and len(g) > 1 and all(isinstance(w, str) and w.strip() for w in g) for g in groups):
        raise ConfigError("advisor/resources/synonyms.toml: expected `groups`, a list of lists of two or more words")
    out: dict[str, tuple[str, ...]] = {}
    for group in groups:
        members = tuple(" ".join(fold(w).split()) for w in group)
        for m in members:
            if m in out:
                raise ConfigError(f"advisor/resources/synonyms.toml: {m!r} is in two groups")
            out[m] = members
    return out


_CODE_WORD = re.compile(r"[a-z]\d{1,2}(?:\.\d{1,2})*")


def _head_met(intro: str, head: list[Concept], head_words: str) -> bool:
    """Whether the last words before a list name what the question asks to list, in its words or
    in a synonym the sources use ('gemeenten' → 'lokale besturen')."""
    tail = " ".join(intro.split()[-HEAD_WORDS:])
    if head and any(c.terms & _sentence_terms(tail) for c in head):
        return True
    folded = f" {' '.join(words(tail))} "
    table = _synonyms()
    return any(f" {alt} " in folded for w in words(head_words) for alt in table.get(w, ()))


def _announced(context: str, count: int, heads: list[Concept]) -> bool:
    """Whether the lines before a list announce as many of the asked things as it holds ('Dit kader
    steunt op 7 regionale duurzame ambities:' before seven rows): a list that says what it is."""
    numbers = lists.steps().numbers
    tokens = re.findall(r"[\w-]+", context.lower())
    return any((int(t) if t.isdigit() else numbers.get(t)) == count
               and any(c.terms & _sentence_terms(" ".join(tokens[i + 1:i + 5])) for c in heads)
               for i, t in enumerate(tokens))


def list_statements(hits: list[Hit], found: list[Concept], head: str, language: str, texts, following,
                    floor: float) -> list[Statement]:
    """The enumeration of the retrieved passages that best meets the question, whole: one
    statement per passage it spans, each item a line; the first leads with the count. Introduced
    by the words the question lists ('Welke lokale besturen' → '10 lokale besturen (…)') counts extra."""
    heads = [c for c in found if c.word in set(words(head))]
    codes = [c for c in found if _CODE_WORD.fullmatch(c.word)]  # 'K2', 'S.1': the one list that is meant
    best = None
    for rank, hit in enumerate(hits, start=1):
        deadline.check()
        for context, intro, segments, of in _enumerations(hit.passage, following):
            items = " ".join(it.text for _, its, _, _ in segments for it in its)
            # the words right before a list say what it lists; the lines before them, less
            title = hit.passage.title
            score = max(_text_score(f"{hit.passage.section} {intro}", found, title),
                        CONTEXT_SHARE * _text_score(f"{hit.passage.section} {context}", found, title),
                        ITEMS_SHARE * _text_score(items, found, title))
            score += HEAD_BONUS * _head_met(intro, heads, head) + 0.08 / rank
            coded = False
            if codes:
                said = _sentence_terms(f"{hit.passage.section} {intro} {context}")  # not its items: a slip
                # in a source's numbering ('K 1.1.', 'K.2.2.' on K1's page) names no list
                coded = all(c.terms & said for c in codes)
                score += CODE_BONUS * coded
            count = sum(len(its) for _, its, _, _ in segments)
            # a group of a longer list is announced as that list is ('7 ambities' before 3 groups)
            score += ANNOUNCED_BONUS * (count > 1 and _announced(context, of or count, heads))
            # a list named by the asked code beats every list that is not, however well those meet the other words
            if best is None or (coded, score) > best[:2]:
                best = (coded, score, segments)
    if best is None or best[1] < floor:
        return []
    return _listed(best[2], texts, language)


def _listed(segments, texts, language: str) -> list[Statement]:
    """An enumeration's segments as statements, one per passage, each item a line; the first leads with the count."""
    statements = []
    for passage, items, start, end in segments:
        doc = texts(passage.doc_id)
        shown = [lists.bare(_clean(doc[it.start:it.end])) for it in items]  # verbatim, white space collapsed
        statements.append(Statement(passage, start, end, shown or [_clean(doc[start:end])]))
    count = sum(len(items) for _, items, _, _ in segments)
    if count:
        statements[0].lead = render("answer", language, "list_lead", count=count)
    return statements


def _generic(sentences: list[Sentence], max_passages: int, texts) -> list[Statement]:
    # a line of digits alone ('050 47 54 35') says nothing on its own: it is never chosen for what the
    # title and page header around it meet (a fact answer finds it by its value)
    worded = [s for s in sentences if any(w.isalpha() for w in content_words(s.clean))]
    chosen = with_context(select(worded, max_passages), sentences)
    order: list[str] = []
    groups: dict[str, list[Sentence]] = {}
    for s in chosen:
        if s.passage.id not in groups:
            order.append(s.passage.id)
        groups.setdefault(s.passage.id, []).append(s)
    runs = [run for pid in order
            for run in sorted(_runs(sorted(groups[pid], key=lambda s: s.start), texts(groups[pid][0].passage.doc_id)),
                              key=lambda r: -max(s.score for s in r))]  # in a passage, the best-met sentence first
    return [Statement(r[0].passage, r[0].start, r[-1].end, [" ".join(s.clean for s in r)]) for r in runs]


def _steps_around(chosen: list[Statement], texts, following, language: str) -> list[Statement]:
    """The way to go about something, in order and complete: a chosen statement that is one item of
    an enumeration (an objective 'C 1.2.' among C1's) or that introduces one ('… overweeg dan zeker
    één van deze sociale criteria:' before its bullets) brings the whole enumeration, as a list answer
    gives it. The statements up to and with the first such enumeration, or [] when there is none."""
    out: list[Statement] = []
    for st in chosen:
        doc = texts(st.passage.doc_id)
        if not steps.carries(st.lines[0], "step"):  # a table of product groups is no way to go about it
            out.append(st)
            continue
        for _, _, segments, _ in _enumerations(st.passage, following):
            first = segments[0]
            if not first[1] or sum(len(items) for _, items, _, _ in segments) < 2:
                continue
            inside = first[1][0].start <= st.start and st.end <= first[3]
            if inside or (st.end <= first[1][0].start and not doc[st.end:first[1][0].start].strip(" \t\n•·*-–")):
                return [*out, *([] if inside else [st]), *_listed(segments, texts, language)]
        out.append(st)
    return []


def _run_on(st: Statement, sentences: list[Sentence], doc: str, paragraph: bool = False, onward=None) -> Statement:
    """A statement that announces a list, with the sentences that directly follow it; with
    `paragraph`, only those of its own paragraph, or of the next when `onward(sentence)` holds (a
    next step: 'Is de opdracht reserveren toch niet de juiste manier, overweeg dan …')."""
    after, end = [], st.end
    for s in sorted((s for s in sentences if s.passage.id == st.passage.id and s.start >= st.end), key=lambda s: s.start):
        between = doc[end:s.start]
        if len(after) == RUN_ON_SENTENCES or between.strip() or (
                paragraph and between.count("\n") > 1 and not (onward and onward(s.clean))):
            break
        if onward and LIST_ITEM.match(s.clean):  # a list's item: the list comes whole (_steps_around)
            break
        after.append(s)
        end = s.end
    if not after:
        return st
    return Statement(st.passage, st.start, after[-1].end, [" ".join([*st.lines, *(s.clean for s in after)])], st.lead)


@dataclass
class Side:
    """One side of a comparison: its words, the passages retrieved for it alone, its concepts,
    and `card(first)`, its concept card's lead numbered from `first` (or None)."""

    label: str
    hits: list[Hit]
    found: list[Concept]
    card: object = None


def _render(statements: list[Statement], first: int, language: str, texts) -> tuple[list[str], list[Citation]]:
    lines, citations = [], []
    for n, st in enumerate(statements, start=first):
        doc = texts(st.passage.doc_id)
        citations.append(Citation.of(n, st.passage, doc[st.start:st.end], st.start, st.end))
        if st.lead:
            lines.append(f"{st.lead} [{n}]")
        lines.extend(f"- „{line}” [{n}]" if language == "en" else f"- {line} [{n}]" for line in st.lines)
    return lines, citations


def _side_statement(side: Side, texts, taken: list[Statement], asked: dict | None = None,
                    coded: Sentence | None = None, seen: list[set[str]] = ()) -> Statement | None:
    """The sentence of a side's own passages that best meets it, preferring one that says what it is
    and, a little, one that meets the rest of the question (`asked`: its score of a sentence by
    (doc_id, start)), and that bears the side's label (_carries: its notions that some sentence of
    the side's or the question's passages meets, `seen` the question's sentences' terms). A side
    that is an objective code is its objective's own line (`coded`)."""
    if coded is not None:
        return Statement(coded.passage, coded.start, coded.end, [coded.clean])
    sentences = [s for rank, hit in enumerate(side.hits, start=1)
                 for s in passage_sentences(hit.passage, texts(hit.passage.doc_id), rank)]
    score_sentences(sentences, side.found, texts)
    for s in sentences:
        if s.score > 0.1 and defines(s.clean):
            s.score += DEFINING_BONUS
    terms = {(s.passage.doc_id, s.start): _sentence_terms(s.clean) for s in sentences}
    label = [c for c in side.found if c.topic and any(c.met(t) for t in [*terms.values(), *seen])]
    free = [s for s in sentences if not any(_overlaps(s, t) for t in taken)
            and _carries(label, terms[(s.passage.doc_id, s.start)])]
    best = max(free, key=lambda s: (s.score + QUESTION_SHARE * (asked or {}).get((s.passage.doc_id, s.start), 0.0),
                                    -s.hit_rank), default=None)
    if best is None or best.score < SIDE_FLOOR:
        return None
    return Statement(best.passage, best.start, best.end, [best.clean])


def _carries(label: list[Concept], available: set[str]) -> bool:
    """Whether a sentence bears the label it is shown under (a comparison side's 'Over fairtrade-eis:'):
    it meets the label's first notion or more than half of its notions. An energy-label line that only
    shares 'eisen' with 'fairtrade-eis uit het kader' does not (second blind review, r5-11), nor a
    fairtrade line that shares 'kopen' with 'voorkeur voor lokaal kopen'. Counted, not weighted: a
    rare form of a common word ('kopen') weighs as much as the notion itself. `label`: the label's
    notions that the sources can meet at all (an English word without a Dutch term cannot), `available`
    the sentence's terms."""
    if not label:
        return True
    return label[0].met(available) or 2 * sum(c.met(available) for c in label) > len(label)


def _coded(sides: list[Side], sentences: list[Sentence], texts) -> list[Sentence | None]:
    """For each side that is an objective code ('K 2.1'), the line that opens with that code, from
    its own passages or the question's; where a code opens two lines (a slip in a source's numbering
    puts a 'K.2.2.' on K1's page too), the one beside the other side's line."""
    pool = [s for side in sides for rank, hit in enumerate(side.hits, start=1)
            for s in passage_sentences(hit.passage, texts(hit.passage.doc_id), rank)] + sentences
    found = []
    for side in sides:
        key = codes.of_label(side.label)
        lines = {(s.passage.doc_id, s.start): s for s in pool if key and codes.opening(s.clean) == key}
        found.append(sorted(lines.values(), key=lambda s: (s.hit_rank, s.start)))
    chosen = []
    for i, lines in enumerate(found):
        others = {s.passage.id for j, other in enumerate(found) if j != i for s in other}
        beside = [s for s in lines if s.passage.id in others]
        chosen.append(_whole_line((beside or lines or [None])[0], pool, texts))
    return chosen


def _whole_line(line: Sentence | None, pool: list[Sentence], texts) -> Sentence | None:
    """An objective's line with the sentences that run on from it (a PDF breaks 'K 2.1. Bij aankoop
    van een nieuw voertuig wordt systematisch een hogere' from 'CO2-efficiëntie nagestreefd …'), up
    to the next code."""
    if line is None:
        return None
    doc, end, parts = texts(line.passage.doc_id), line.end, [line.clean]
    after = sorted({s.start: s for s in pool if s.passage.id == line.passage.id and s.start >= line.end}.values(),
                   key=lambda s: s.start)
    for s in after[:RUN_ON_SENTENCES]:
        if doc[end:s.start].strip() or codes.opening(s.clean) or doc[end:s.start].count("\n") > 1:
            break
        parts.append(s.clean)
        end = s.end
    return Sentence(line.hit_rank, line.passage, line.start, end, " ".join(parts), line.score)


def _overlaps(x, y) -> bool:
    return x.passage.doc_id == y.passage.doc_id and x.start < y.end and y.start < x.end


def compare(sides: list[Side], sentences: list[Sentence], language: str, texts, max_passages: int) -> Composition | None:
    """A comparison answered side by side: for each side its concept card's summary, its objective's
    own line, or the sentence of its own passages that best says what it is, then a sentence of the
    question's passages that meets both sides. A side with nothing is said to be missing; None when
    no side has anything (the question is then answered as any other)."""
    lines, citations, taken, missing = [], [], [], []
    asked = {(s.passage.doc_id, s.start): s.score for s in sentences}
    seen = [_sentence_terms(s.clean) for s in sentences]
    for side, coded in zip(sides, _coded(sides, sentences, texts)):
        part = [render("answer", language, "side", side=side.label)]
        lead = side.card(len(citations) + 1) if side.card and coded is None else None
        if lead is not None and len(lead.citations) <= SIDE_CITATIONS:
            part += lead.lines
            citations += lead.citations
        else:
            statement = _side_statement(side, texts, taken, asked, coded, seen)
            if statement is None:
                missing.append(side.label)
                continue
            taken.append(statement)
            shown, cited = _render([statement], len(citations) + 1, language, texts)
            part += shown
            citations += cited
        lines += part
    if not citations:
        return None
    found = [side.label for side in sides if side.label not in missing]
    if len(found) > 1:
        lines.insert(0, render("answer", language, "sides_lead", side=_joined(found, language)))
    # a side the sources do not describe is said to be missing, not filled with a loose sentence
    lines += [render("answer", language, "side_missing", side=label) for label in missing]
    side_codes = {codes.of_label(side.label) for side in sides} - {None}
    free = [s for s in sentences if not any(_overlaps(s, c) for c in [*taken, *(_Span(c) for c in citations)])
            and not (side_codes and codes.opening(s.clean))]  # between two objectives, a third's line relates nothing
    both = [s for s in free if all(_sentence_terms(s.clean) & set().union(*(c.terms for c in side.found))
                                   for side in sides if side.found)]
    if missing and not both:  # with a side undescribed, what the question's passages say best of it
        both = [s for s in free if s.score > 0.1]
    if side_codes and len(side_codes) == len(sides):
        both = []  # two objectives' own lines say it: another line that names their ambition relates nothing
    if both and len(citations) < max_passages:
        best = max(both, key=lambda s: (s.score, -s.hit_rank))
        shown, cited = _render([Statement(best.passage, best.start, best.end, [best.clean])], len(citations) + 1,
                               language, texts)
        lines += [render("answer", language, "relation_other" if missing else "relation"), *shown]
        citations += cited
    return Composition(render("answer", language, "intro_comparison") + "\n\n" + "\n".join(lines), citations)


def _joined(labels: list[str], language: str) -> str:
    return f" {'and' if language == 'en' else 'en'} ".join(labels)


class _Span:
    """A citation seen as a span of its document, to test overlap."""

    def __init__(self, citation: Citation):
        self.passage, self.start, self.end = citation.passage, citation.start, citation.end


def compose(hits: list[Hit], found: list[Concept], language: str, texts, max_passages: int,
            analysis: Analysis | None = None, following=None, card=None,
            sides: list[Side] | None = None, preceding=None, publisher=None) -> Composition:
    """The answer's statements: for a fact question the sentence holding a value of the asked kind
    first, for a list question the whole enumeration, then the best sentences of the passages.
    `analysis` (advisor.answer.analysis) picks the composer and the intro; `following(passage)`
    gives the next passage of the same document (a list is followed across passages); `card`
    (advisor.answer.cards.lead) opens a definition answer with the concept card's summary, its
    anchors cited first; `sides`, for a comparison, the two sides retrieved on their own;
    `preceding(passage)` the passage before (a fact question about a document reads back to its
    byline); `publisher(doc_id)` a document's publisher, whose name picks no sentence. An English
    answer ends with the glossary's English for the Dutch terms its quotes contain."""
    kind = analysis.type if analysis else None
    sentences = [s for rank, hit in enumerate(hits, start=1)
                 for s in passage_sentences(hit.passage, texts(hit.passage.doc_id), rank)]
    if publisher and kind == "definition" and _asks_about_publisher(analysis, hits, publisher):
        publisher = None  # 'Wat is De Normaalste Zaak …?': the name is what is asked, so its sentences answer
    score_sentences(sentences, found, texts, publisher)
    if kind != "definition":  # a template row says what its first word is, and tells no page from another
        for s in sentences:
            if _template(s.clean, texts(s.passage.doc_id)):
                s.score *= TEMPLATE_SHARE
    if kind == "definition":  # a sentence that meets the question and says what it is leads
        for s in sentences:
            if s.score > 0.1 and defines(s.clean):
                s.score += DEFINING_BONUS
    if kind in STEPWISE:  # …and for a how (why) question, one that says what to do (why), among the
        # sentences that would be chosen anyway: it leads, and brings no statement that would not be there
        cue = "step" if kind == "procedure" else "reason"
        eligible = SELECT_SHARE * max((s.score for s in sentences), default=0.0)
        for s in sentences:
            if s.score <= 0.1 or s.score < eligible:
                continue
            cause = kind == "reason" and steps.carries(s.clean, "cause")  # the cause said outright leads,
            if cause or steps.carries(s.clean, cue):                      # before a mere purpose
                s.score += STEP_BONUS + (CAUSE_BONUS if cause else 0.0)
    compared = compare(sides, sentences, language, texts, max_passages) if kind == "comparison" and sides else None
    if compared is not None:
        return _glossed(compared, language, found)
    top = max((s.score for s in sentences), default=0.0)
    floor = max(0.1, TYPED_FLOOR * top)
    typed: list[Statement] = []
    if kind == "fact" and analysis.value_kind:
        fact = fact_statement(hits, found, analysis.value_kind, language, texts, floor, analysis.head,
                              (following, preceding) if analysis.about_document else None)
        typed = [fact] if fact else []
    elif kind == "list":
        typed = list_statements(hits, found, analysis.head, language, texts, following, floor)
    generic = _generic(sentences, max_passages, texts)
    if generic and (kind in STEPWISE or kind == "list" and not typed and lists.announces(generic[0].lines[0])
                    or kind == "definition" and not card and not defines(generic[0].lines[0])):
        # a list announced but not given, the way to go about something, or a notion whose best sentence
        # does not say what it is ('Verder wordt het voorbeeld gegeven van de sociale aankoopcentrale …'):
        # the sentences that follow carry it
        generic[0] = _run_on(generic[0], sentences, texts(generic[0].passage.doc_id),
                             paragraph=kind in STEPWISE or kind == "definition",
                             onward=(lambda text: steps.carries(text, "step")) if kind == "procedure" else None)
        generic[1:] = [g for g in generic[1:] if not _overlaps(g, generic[0])]
    if kind == "procedure" and following is not None:
        typed = _steps_around(generic, texts, following, language)
    generic = [g for g in generic
               if not any(g.passage.doc_id == t.passage.doc_id and g.start < t.end and t.start < g.end for t in typed)]
    carded = list(card.citations) if card else []
    if carded:  # a quote the card already cites is not shown twice
        generic = [g for g in generic if not any(g.passage.doc_id == c.doc_id and g.start < c.end and c.start < g.end
                                                 for c in carded)]
    statements = (typed + generic)[:max(max_passages - len(carded), len(typed), 1 if not carded else 0)]
    if not statements and not carded:
        return Composition("")
    shown, cited = _render(statements, len(carded) + 1, language, texts)  # at most ADVISOR_MAX_CITATIONS quotes (a whole list may need more)
    if kind == "list" and typed and len(statements) > len(typed):
        # what follows a list is not part of it: set apart, so no one counts it among the items
        listed = sum(len(st.lines) + bool(st.lead) for st in typed)
        shown.insert(listed, render("answer", language, "also"))
    citations, lines = [*carded, *cited], [*(card.lines if card else []), *shown]
    intro = render("answer", language, f"intro_{kind}" if kind in TYPED_INTROS else "intro")
    return _glossed(Composition(intro + "\n\n" + "\n".join(lines), citations), language, found)


def _glossed(composition: Composition, language: str, found: list[Concept] = ()) -> Composition:
    """An English answer closes with the glossary's English for the Dutch terms of its quotes, the
    terms the question asks about first."""
    citations, text = composition.citations, composition.answer
    asked = frozenset(c.word for c in found)
    terms = gloss(" ".join(c.quote for c in citations), asked=asked) if language == "en" else []
    if terms:
        text += "\n\n" + render("answer", language, "terms", terms="; ".join(f"“{nl}” = {en}" for nl, en in terms))
    return Composition(text, citations)
