"""Concept cards: the core notions of the corpus with a short summary in Dutch and English, each
backed by verbatim corpus anchors (advisor/knowledge/concept_cards.toml).

A card gives a definition answer its first line in the asker's language: the project's own summary,
marked as such, with the anchors cited. That is how an English question gets English prose
although the sources are Dutch, and how a Dutch one gets a clean lead before the quotes.

Two checks, at two moments:
- `load` (once per process): the file's schema, and every anchor against the bundled corpus. An
  anchor that is not in its document (white space may differ) fails the load, naming card and anchor.
- `for_index` (once per index, at Advisor construction): each anchor located in the served index —
  its passage and the exact offsets of the sentence(s) that hold it — so `lead` only builds citations
  (microseconds). A card whose anchors the index does not hold (a custom corpus) is left out, and
  said so in `BoundCards.problems`, instead of failing the advisor.
"""

from __future__ import annotations

import re
import tomllib
import weakref
from dataclasses import dataclass
from functools import lru_cache
from importlib.abc import Traversable
from typing import NamedTuple

from advisor.knowledge import HERE, KnowledgeError
from advisor.model import Citation
from advisor.package_data import read_text
from advisor.passage import Passage
from advisor.phrases import render
from advisor.structure import sentences_around
from advisor.text import LANGUAGES, stem, stopwords, words

FILE = "concept_cards.toml"
KEYS = {"id", "defined", "names_nl", "names_en", "summary_nl", "summary_en", "anchors"}
_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Anchor:
    doc_id: str
    text: str


@dataclass(frozen=True)
class Card:
    id: str
    defined: bool                  # the sources say what it is (else they only use or exemplify the term)
    names_nl: tuple[str, ...]
    names_en: tuple[str, ...]
    summary_nl: str
    summary_en: str
    anchors: tuple[Anchor, ...]

    def name(self, language: str) -> str:
        return self.names_en[0] if language == "en" else self.names_nl[0]

    def summary(self, language: str) -> str:
        return self.summary_en if language == "en" else self.summary_nl


# --- finding an anchor: white space may differ, offsets are exact ---------------------------------

def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` with every run of white space made one space, and for each of its characters the
    offset of that character in `text`."""
    out, offsets = [], []
    for m in re.finditer(r"\S+", text):
        if out:
            out.append(" ")
            offsets.append(m.start() - 1)
        out.append(m.group())
        offsets.extend(range(m.start(), m.end()))
    return "".join(out), offsets


class DocumentText:
    """One document's text, searchable for anchors whose white space differs from it."""

    def __init__(self, text: str):
        self.text = text
        self._squeezed, self._offsets = _squeezed(text)

    def find(self, anchor: str) -> tuple[int, int] | None:
        """(start, end) of the first occurrence of `anchor` in the text, or None."""
        needle = " ".join(anchor.split())
        at = self._squeezed.find(needle) if needle else -1
        if at < 0:
            return None
        return self._offsets[at], self._offsets[at + len(needle) - 1] + 1


@lru_cache(maxsize=1)
def bundled_texts() -> dict[str, DocumentText]:
    """The bundled corpus's documents by id (advisor/corpus/manifest.toml)."""
    manifest = tomllib.loads(read_text("advisor.corpus", "manifest.toml"))
    return {d["id"]: DocumentText(read_text("advisor.corpus", d["file"])) for d in manifest["documents"]}


# --- loading ------------------------------------------------------------------------------------

def _strings(card: dict, key: str, where: str) -> tuple[str, ...]:
    value = card[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: {key} must be a non-empty list of names, got {value!r}")
    return tuple(value)


def _card(entry: dict, where: str, texts: dict[str, DocumentText]) -> Card:
    unknown, missing = set(entry) - KEYS, KEYS - set(entry)
    if unknown or missing:
        raise KnowledgeError(f"{where}: " + (f"unknown keys {sorted(unknown)} " if unknown else "")
                             + (f"missing keys {sorted(missing)} " if missing else "")
                             + f"(allowed: {', '.join(sorted(KEYS))})")
    if not isinstance(entry["id"], str) or not _ID.fullmatch(entry["id"]):
        raise KnowledgeError(f"{where}: id must be snake_case, got {entry['id']!r}")
    if not isinstance(entry["defined"], bool):
        raise KnowledgeError(f"{where}: defined must be true or false, got {entry['defined']!r}")
    for key in ("summary_nl", "summary_en"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise KnowledgeError(f"{where}: {key} must be a non-empty text")
    anchors = []
    if not isinstance(entry["anchors"], list) or not entry["anchors"]:
        raise KnowledgeError(f"{where}: anchors must be a non-empty list of {{doc_id, text}}")
    for item in entry["anchors"]:
        if not isinstance(item, dict) or set(item) != {"doc_id", "text"} or not str(item["text"]).strip():
            raise KnowledgeError(f"{where}: an anchor needs exactly doc_id and a non-empty text, got {item!r}")
        if item["doc_id"] not in texts:
            raise KnowledgeError(f"{where}: anchor {item['text'][:60]!r} names document {item['doc_id']!r}, "
                                 f"which is not in the corpus ({', '.join(sorted(texts))})")
        if texts[item["doc_id"]].find(item["text"]) is None:
            raise KnowledgeError(f"{where}: anchor {item['text']!r} is not in document {item['doc_id']!r}; "
                                 "copy the text from the document (white space may differ, nothing else)")
        anchors.append(Anchor(item["doc_id"], item["text"]))
    return Card(entry["id"], entry["defined"], _strings(entry, "names_nl", where), _strings(entry, "names_en", where),
                entry["summary_nl"].strip(), entry["summary_en"].strip(), tuple(anchors))


@dataclass(frozen=True)
class Cards:
    cards: tuple[Card, ...]
    context: frozenset[str]        # folded words that place a notion in the sources, not name it


def load(directory: Traversable = HERE, texts: dict[str, DocumentText] | None = None) -> Cards:
    """The cards of `directory`/concept_cards.toml, every anchor checked against `texts` (default:
    the bundled corpus). The first problem raises a KnowledgeError naming the file and the card."""
    path = directory / FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from None
    if not set(data) <= {"cards", "match"} or not isinstance(data.get("cards"), list):
        raise KnowledgeError(f"{FILE}: expected [[cards]] tables and a [match] table, found {sorted(data)}")
    context = data.get("match", {}).get("context", [])
    if set(data.get("match", {})) - {"context"} or not all(isinstance(w, str) and w for w in context):
        raise KnowledgeError(f"{FILE} [match]: expected only context = [words], got {data['match']!r}")
    texts = bundled_texts() if texts is None else texts
    cards, seen = [], set()
    for entry in data["cards"]:
        where = f"{FILE} card {entry.get('id', '?')}"
        card = _card(entry, where, texts)
        if card.id in seen:
            raise KnowledgeError(f"{where}: the id is used twice")
        seen.add(card.id)
        cards.append(card)
    return Cards(tuple(cards), frozenset(w for word in context for w in words(word)))


@lru_cache(maxsize=1)
def loaded() -> Cards:
    return load()


def cards() -> tuple[Card, ...]:
    return loaded().cards


# --- recognising a notion -----------------------------------------------------------------------

def _keys(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each content word of `text` (folded, stop words out) with the set of its Dutch and English stems."""
    stops = stopwords("nl") | stopwords("en")
    return [(w, frozenset(stem(w, lang) for lang in LANGUAGES)) for w in words(text) if w not in stops]


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[Card, tuple[frozenset[str], ...]], ...]:
    return tuple((card, tuple(k for _, k in _keys(name))) for card in cards()
                 for name in (*card.names_nl, *card.names_en))


def match(focus: str) -> Card | None:
    """The card whose name the focus contains: the longest such name (on a tie, the one that starts
    first), provided it covers more than half of the focus's words that are not context words
    ([match] context): 'sociale economie' is the notion of the focus 'sociale economie', not of
    'rol sociale economie groenonderhoud', and 'regionaal kader' not of 'regionaal kader aankopers'."""
    focus_words = _keys(focus)
    context = loaded().context
    core = [i for i, (w, _) in enumerate(focus_words) if w not in context] or list(range(len(focus_words)))
    best: tuple[int, int, Card] | None = None
    for card, name in _names():
        n = len(name)
        for i in range(len(focus_words) - n + 1):
            if n and all(focus_words[i + j][1] & name[j] for j in range(n)):
                covered = sum(1 for k in core if i <= k < i + n)
                if 2 * covered > len(core) and (best is None or (n, -i) > (best[0], -best[1])):
                    best = (n, i, card)
                break
    return best[2] if best else None


# --- binding to an index: anchors become passages and exact offsets -----------------------------

@dataclass(frozen=True)
class Located:
    passage: Passage
    start: int      # offsets in the document's source text: the sentence(s) that hold the anchor
    end: int


def _sentences_around(passage: Passage, at: int, end: int) -> tuple[int, int]:
    return sentences_around(passage.text, passage.start, at, end)


class BoundCards:
    """The cards whose every anchor the index holds, with where each anchor is."""

    def __init__(self, index, all_cards: tuple[Card, ...] | None = None):
        self.index = index
        self.located: dict[str, tuple[Located, ...]] = {}
        self.problems: list[str] = []
        _names()  # the stemmed card names, so the first `match` costs no more than the next
        by_doc: dict[str, list[Passage]] = {}
        for p in index.passages.values():
            by_doc.setdefault(p.doc_id, []).append(p)
        texts: dict[str, DocumentText] = {}
        for card in cards() if all_cards is None else all_cards:
            found = []
            for anchor in card.anchors:
                if anchor.doc_id not in index.documents:
                    self.problems.append(f"card {card.id}: the index does not hold document {anchor.doc_id!r}")
                    break
                if anchor.doc_id not in texts:
                    texts[anchor.doc_id] = DocumentText(index.document_text(anchor.doc_id))
                span = texts[anchor.doc_id].find(anchor.text)
                passage = span and next((p for p in by_doc.get(anchor.doc_id, ())
                                         if p.start <= span[0] and span[1] <= p.end), None)
                if not passage:
                    self.problems.append(f"card {card.id}: anchor {anchor.text[:60]!r} is in no passage of "
                                         f"{anchor.doc_id!r} in this index")
                    break
                found.append(Located(passage, *_sentences_around(passage, *span)))
            else:
                self.located[card.id] = tuple(found)

    def citations(self, card: Card, first: int = 1) -> list[Citation]:
        """The card's anchors as citations numbered from `first`; anchors in the same sentence are one."""
        out: list[Citation] = []
        seen: set[tuple[str, int, int]] = set()
        for loc in self.located.get(card.id, ()):
            key = (loc.passage.doc_id, loc.start, loc.end)
            if key in seen:
                continue
            seen.add(key)
            quote = self.index.document_text(loc.passage.doc_id)[loc.start:loc.end]
            out.append(Citation.of(first + len(out), loc.passage, quote, loc.start, loc.end))
        return out


_bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def for_index(index) -> BoundCards:
    """The cards located in `index`, computed once per index object (call it when the index loads)."""
    if index not in _bound:
        _bound[index] = BoundCards(index)
    return _bound[index]


# --- the lead of an answer ----------------------------------------------------------------------

class Lead(NamedTuple):
    lines: list[str]
    citations: list[Citation]


def lead(analysis, language: str, index, first: int = 1) -> Lead | None:
    """The first line of a definition answer from the concept card of its focus, or None.

    `analysis` is advisor.answer.analysis.analyse(question); `language` the asker's ("nl"/"en").
    Returns the line(s) — the card's summary in `language`, labelled as the advisor's own summary
    (prompts/answer.toml `card_summary`, or `card_summary_undefined` when the sources only use the
    term), ending in the markers [first]… — and the citations of the card's anchors, numbered from
    `first`. None when the question is not a definition, its focus has no card, or the index does
    not hold the card's anchors.

    The composer puts `lines` first and numbers its own citations after these (or passes `first`
    to put the lead after its own); quotes it shows from the same sentences may reuse these numbers.
    """
    if analysis.type != "definition" or not analysis.focus:
        return None
    card = match(analysis.focus[0])
    if card is None:
        return None
    bound = for_index(index)
    citations = bound.citations(card, first)
    if not citations:
        return None
    language = language if language in LANGUAGES else "nl"
    label = render("answer", language, "card_summary" if card.defined else "card_summary_undefined")
    markers = "".join(f"[{c.n}]" for c in citations)
    return Lead([f"{label} {card.summary(language)} {markers}"], citations)
