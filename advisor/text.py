"""Tokens for lexical search: lower case, objective codes kept whole, stop words out, Snowball stems.

Dutch text is stemmed with the Dutch stemmer, English with the English one. Questions are stemmed
with both, so an English question still meets Dutch stems where the words share a root.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
import snowballstemmer

from advisor.package_data import read_text

_CODE = re.compile(r"\b([A-Za-z])\s?\.?\s?(\d+(?:\.\d+)*)(?=\b|\.)")
_TOKEN = re.compile(r"[^\W_]+(?:[.,]\d+)*", re.UNICODE)
LANGUAGES = {"nl": "dutch", "en": "english"}
# Longest token kept whole (the corpus's longest word has 27 characters). A longer one is cut here,
# before stemming and compound splitting: splitting tries every split point and stems each part, so
# one 4,000-character "word" cost seconds of CPU per request and filled the stem cache with it.
MAX_WORD_CHARS = 48


@lru_cache
def stopwords(language: str) -> frozenset[str]:
    return frozenset(read_text("advisor.resources", f"stopwords_{language}.txt").split())


_local = threading.local()


def _stemmer(language: str):
    """One stemmer per thread and language: Snowball stemmers keep state while they work and are
    not safe to share between threads (concurrent requests corrupted it and looped)."""
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmer = snowballstemmer.stemmer(LANGUAGES[language])
        if hasattr(stemmer, "maxCacheSize"):  # PyStemmer caches per instance, so per thread: `stem` caches once
            stemmer.maxCacheSize = 0
        stemmers[language] = stemmer
    return stemmers[language]


_DIGIT = re.compile(r"\d")
_LONG_WORD = re.compile(r"\w{%d,}" % (MAX_WORD_CHARS + 1))


def bounded(text: str) -> str:
    """`text` with every run of word characters cut to MAX_WORD_CHARS: no word is longer than any
    word of the sources, so no pattern, stemmer or splitter downstream works on a 4,000-letter one."""
    return _LONG_WORD.sub(lambda m: m.group()[:MAX_WORD_CHARS], text)


def clipped(text: str, head: int = 600, tail: int = 400) -> str:
    """A long text's start and end (where a question or a contract description says what it asks),
    for the readings whose cost grows with the text: the intake and the conversation's cues."""
    return text if len(text) <= head + tail else f"{text[:head]} ... {text[-tail:]}"


def fold(text: str) -> str:
    """Lower case without diacritics: 'Klimaatefficiënt' and 'klimaatefficient' meet."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to decompose: the common case, at C speed
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _code_tokens(m: re.Match) -> str:
    """An objective code as one token, followed by its ambition's code when it has one ('K 3.1' →
    'k3.1 k3'): a question about 'K3' meets the objectives numbered under it."""
    letter, number = m.group(1), m.group(2)
    major = number.split(".")[0]
    return f" {letter}{number} {letter}{major} " if major != number else f" {letter}{number} "


def codes(text: str) -> list[str]:
    """The objective and ambition codes a text names ('AMBITIE S.2: …' → ['s2'])."""
    return [f"{m.group(1).lower()}{m.group(2)}" for m in code_matches(text)]


def code_matches(text: str) -> list[re.Match]:
    """Where a text names codes, as it spells them ('AMBITIE S.2: …' → the match of 'S.2')."""
    return list(_CODE.finditer(text))


def words(text: str) -> list[str]:
    """Folded word tokens; objective codes ('S.1.1', 'K 2.1') become one token ('s1.1') and that of
    their ambition ('s1').

    A token longer than MAX_WORD_CHARS is cut to that length, so the work per word is bounded.
    """
    text = _CODE.sub(_code_tokens, text)
    out = []
    for token in _TOKEN.findall(fold(text)):
        if token[0].isdigit():
            token = token.replace(".", "").replace(",", "") if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token) else token
        out.append(token[:MAX_WORD_CHARS])
    return out


@lru_cache(maxsize=100_000)  # entries of at most MAX_WORD_CHARS: a few MB at most
def stem(word: str, language: str) -> str:
    if _DIGIT.search(word):
        return word
    return _stemmer(language).stemWord(word)


def content_words(text: str, language: str | None = None) -> list[str]:
    """Words that carry meaning: stop words of the language (or of both) removed."""
    stops = stopwords(language) if language else stopwords("nl") | stopwords("en")
    return [w for w in words(text) if w not in stops and (len(w) > 1 or w.isdigit())]


def document_terms(text: str, language: str) -> list[str]:
    language = language if language in LANGUAGES else "nl"
    return [stem(w, language) for w in content_words(text, language)]


GLOSSARY = "glossary_en_nl.tsv"


SEARCH_ONLY = "search"  # a third column that keeps an entry out of the glosses of English answers
GLOSS_ONLY = "gloss"    # … or out of searches: it only says what a Dutch word of a quote means


@lru_cache
def _glossary_rows() -> tuple[tuple[str, str, str], ...]:
    """(English phrase, Dutch terms, flag: '', SEARCH_ONLY or GLOSS_ONLY) per line of the glossary."""
    rows = []
    for n, line in enumerate(read_text("advisor.resources", GLOSSARY).splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        english, sep, rest = line.partition("\t")
        dutch, _, flag = rest.partition("\t")
        if not sep or not dutch.strip() or flag.strip() not in ("", SEARCH_ONLY, GLOSS_ONLY):
            raise ValueError(f"advisor/resources/{GLOSSARY}:{n}: expected 'english<TAB>dutch terms' and at most "
                             f"a third column '{SEARCH_ONLY}' or '{GLOSS_ONLY}', got {line!r}")
        rows.append((english.strip(), dutch.strip(), flag.strip()))
    return tuple(rows)


def glossary_entries() -> tuple[tuple[str, str], ...]:
    """The English-Dutch glossary for searching and telling languages apart, read once for every use:
    (English phrase, Dutch terms) pairs, the gloss-only lines left out."""
    return tuple((en, nl) for en, nl, flag in _glossary_rows() if flag != GLOSS_ONLY)


LONGEST_TERM = 4  # words of the longest Dutch phrase glossed whole ('nog te bepalen', 'in plaats van')


@lru_cache(maxsize=1)
def dutch_glossary() -> dict[tuple[str, ...], str | None]:
    """Dutch term (as folded words: one, two, or a phrase of up to LONGEST_TERM) -> the English of the
    first glossary entry that gives it, for glossing the Dutch quotes of an English answer; None for
    a term the same in both languages ('criteria', 'partnerships'), which no later entry glosses
    ('alternatives', 'partnership').
    Entries marked `search` only widen searches."""
    out: dict[tuple[str, ...], str | None] = {}
    stops = stopwords("nl") | stopwords("en")
    for en, nl, flag in _glossary_rows():
        glosses = flag != SEARCH_ONLY
        tokens = words(nl)
        if 2 < len(tokens) <= LONGEST_TERM and glosses:
            out.setdefault(tuple(tokens), en)  # a phrase, function words and all: 'nog te bepalen'
        # a Dutch side of several terms is a bag: one of its words glosses the English only when
        # the English is one word too ('arbeidsmarkt' is not 'distance from the labour market')
        singles = [(t,) for t in tokens] if len(tokens) == 1 or len(en.split()) == 1 else []
        for term in [*zip(tokens, tokens[1:]), *singles]:
            if all(len(t) > 2 and t not in stops for t in term):
                if " ".join(term) in (fold(en), fold(en) + "s") or " ".join(term) + "s" == fold(en):
                    out.setdefault(term, None)
                elif glosses:
                    out.setdefault(term, en)
    return out


def gloss(text: str, most: int = 6, asked: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(Dutch term, English) for the glossary terms `text` contains, each once: those whose English
    is among the `asked` words (the question's) first, then phrases and two-word terms, then the rest."""
    tokens = words(text)
    table, found, used = dutch_glossary(), {}, set()
    for size in range(LONGEST_TERM, 1, -1):
        for i in range(len(tokens) - size + 1):
            term = tuple(tokens[i:i + size])
            if term in table and term not in found and not used & set(range(i, i + size)):
                found[term] = table[term]
                used.update(range(i, i + size))
    for i, token in enumerate(tokens):
        if i not in used and (token,) in table and (token,) not in found:
            found[(token,)] = table[(token,)]
    english_seen: set[str] = set()
    out = []
    spelled = {fold(w): w.lower() for w in reversed(re.findall(r"\w+", text))}  # 'creeren' is shown as 'creëren'
    for term, en in found.items():
        if en is not None and en not in english_seen:
            english_seen.add(en)
            out.append((" ".join(spelled.get(t, t) for t in term), en))
    out.sort(key=lambda pair: not set(words(pair[1])) & asked)  # stable: the order above otherwise
    return out[:most]


@lru_cache
def _glossary_words() -> tuple[frozenset[str], frozenset[str]]:
    """Single words of the English-Dutch glossary, per side: content-word evidence of a language."""
    english, dutch = set(), set()
    for en, nl in glossary_entries():
        english.update(words(en))
        dutch.update(words(nl))
    shared = english & dutch
    return frozenset(english - shared), frozenset(dutch - shared)


def detect_language(text: str) -> str:
    """'nl' or 'en': function words count fully, glossary content words by half (Dutch on a tie)."""
    tokens = words(text)
    english, dutch = _glossary_words()
    nl = sum(t in stopwords("nl") for t in tokens) + 0.5 * sum(t in dutch for t in tokens)
    en = sum(t in stopwords("en") for t in tokens) + 0.5 * sum(t in english for t in tokens)
    return "en" if en > nl else "nl"
