"""BM25 over stemmed terms, with Dutch compound splitting, saved as readable files.

Files: `lexical/meta.json` (parameters, passage ids, vocabulary with document frequencies),
`lexical/postings.npz`-free layout as plain `.npy` arrays (indptr, docs, tfs, doc_len), so the
index loads in milliseconds and can be inspected with numpy; no pickles.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from advisor import deadline
from advisor.errors import IndexNotFoundError
from advisor.text import LANGUAGES, content_words, stem

MIN_PART = 4
# Splitting a word stems the parts at every split point; a text has at most this many words split,
# so the work of one question stays bounded however many long unknown words it holds.
MAX_SPLIT_WORDS = 8
SPLIT_MEMO = 4096


def splittable(word: str) -> bool:
    return len(word) >= 2 * MIN_PART + 1


# A part's stem is at most this much shorter than the part ('mogelijkheden' -> 'mogelijk' loses 5).
STEM_SLACK = 10


def split_compound(word: str, known: set[str], language: str, open_head: bool = False,
                   longest: int | None = None) -> list[str]:
    """Stems of the parts of a compound ('schoonmaakopdracht' -> schoonmak, opdracht).

    Both parts must be known index terms; with `open_head`, a long known tail is enough
    ('gunningscriteria' -> gun, criteria), which lets a question's 'gunning' meet it.
    `longest` (the longest known term) skips split points whose parts could not stem to a known
    term, so a long unknown word costs a few stems instead of one per letter.
    """
    if not splittable(word):
        return []
    best: list[str] = []
    head_only: list[str] = []
    first, last = MIN_PART, len(word) - MIN_PART
    if longest is not None:
        first = max(first, len(word) - longest - STEM_SLACK)
        if not open_head:
            last = min(last, longest + STEM_SLACK + 2)  # + a linking 's', 'e' or 'en'
    for i in range(first, last + 1):
        left, right = word[:i], word[i:]
        right_stem = stem(right, language)
        if right_stem not in known:
            continue
        heads = [h for h in (left, left[:-1] if left.endswith(("s", "e")) else None,
                             left[:-2] if left.endswith("en") else None) if h and len(h) >= MIN_PART]
        for head in heads:
            if stem(head, language) in known:
                parts = [stem(head, language), right_stem]
                if not best or min(map(len, parts)) > min(map(len, best)):
                    best = parts
                break
        else:
            if open_head and not head_only and heads and len(right) > MIN_PART and len(heads[-1]) > MIN_PART:
                head_only = [stem(heads[-1], language), right_stem]
    return best or head_only


class BM25Index:
    def __init__(self, ids: list[str], vocab: dict[str, int], df: np.ndarray, indptr: np.ndarray,
                 docs: np.ndarray, tfs: np.ndarray, doc_len: np.ndarray, k1: float = 1.2, b: float = 0.75):
        self.ids, self.vocab, self.df = ids, vocab, df
        self.indptr, self.docs, self.tfs, self.doc_len = indptr, docs, tfs, doc_len
        self.k1, self.b = k1, b
        n = max(len(ids), 1)
        self.avgdl = float(doc_len.mean()) if len(doc_len) else 1.0
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self._known = set(vocab)
        self._longest = max(map(len, vocab), default=0)
        self._by_passage: tuple[np.ndarray, np.ndarray, list[str]] | None = None
        self._by_passage_lock = threading.Lock()
        self._splits: dict[str, list[str]] = {}  # a question's words are split twice (search, coverage)

    @property
    def known(self) -> set[str]:
        """Every term of the index."""
        return self._known

    def split(self, word: str) -> list[str]:
        """`split_compound` against this index's terms, remembered for the last few thousand words."""
        parts = self._splits.get(word)
        if parts is None:
            if len(self._splits) >= SPLIT_MEMO:
                self._splits.clear()
            parts = self._splits[word] = split_compound(word, self._known, "nl", longest=self._longest)
        return parts

    # -- building --------------------------------------------------------------------------
    @classmethod
    def build(cls, ids: list[str], texts: list[str], languages: list[str], k1: float = 1.2,
              b: float = 0.75) -> "BM25Index":
        token_lists = [content_words(t, lang) for t, lang in zip(texts, languages)]
        stems = [[stem(w, lang) for w in tokens] for tokens, lang in zip(token_lists, languages)]
        known = {s for doc in stems for s in doc if len(s) >= MIN_PART}
        longest = max(map(len, known), default=0)
        counters = []
        splits: dict[tuple[str, str], list[str]] = {}  # once per distinct word: `known` is fixed here
        for tokens, doc_stems, lang in zip(token_lists, stems, languages):
            terms = list(doc_stems)
            for w, s in zip(tokens, doc_stems):
                if splittable(w):
                    if (w, lang) not in splits:
                        splits[w, lang] = split_compound(w, known, lang, open_head=True, longest=longest)
                    terms.extend(p for p in splits[w, lang] if p != s)
            counters.append(Counter(terms))
        vocab = {t: i for i, t in enumerate(sorted({t for c in counters for t in c}))}
        postings: list[list[tuple[int, int]]] = [[] for _ in vocab]
        for d, counter in enumerate(counters):
            for term, tf in counter.items():
                postings[vocab[term]].append((d, tf))
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(p) for p in postings])
        docs = np.fromiter((d for p in postings for d, _ in p), dtype=np.int32, count=int(indptr[-1]))
        tfs = np.fromiter((tf for p in postings for _, tf in p), dtype=np.float32, count=int(indptr[-1]))
        df = np.diff(indptr).astype(np.float32)
        doc_len = np.array([sum(c.values()) for c in counters], dtype=np.float32)
        return cls(list(ids), vocab, df, indptr, docs, tfs, doc_len, k1, b)

    # -- querying --------------------------------------------------------------------------
    def query_terms(self, text: str, language: str = "nl") -> list[str]:
        """Stems of a question, its own language's stemmer first, with unknown compounds split
        (the first MAX_SPLIT_WORDS of them)."""
        terms: list[str] = []
        budget = MAX_SPLIT_WORDS
        order = [language] + [lang for lang in LANGUAGES if lang != language]
        for word in content_words(text):
            deadline.check()
            for lang in order:
                s = stem(word, lang)
                if s in self._known:
                    terms.append(s)
                    break
            else:
                parts = self.split(word) if budget > 0 and splittable(word) else []
                budget -= splittable(word)
                terms.extend(parts or [stem(word, "nl")])
        return list(dict.fromkeys(terms))

    def term_idf(self, term: str) -> float:
        """IDF of a term; a term the corpus lacks gets the IDF of the rarest possible term."""
        i = self.vocab.get(term)
        if i is None:
            return float(math.log1p((len(self.ids) + 0.5) / 0.5))
        return float(self.idf[i])

    def scores(self, terms: list[str]) -> np.ndarray:
        scores = np.zeros(len(self.ids), dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / self.avgdl)
        for term in terms:
            i = self.vocab.get(term)
            if i is None:
                continue
            lo, hi = self.indptr[i], self.indptr[i + 1]
            d, tf = self.docs[lo:hi], self.tfs[lo:hi]
            scores[d] += self.idf[i] * tf * (self.k1 + 1) / (tf + norm[d])
        return scores

    def search(self, text: str, k: int, language: str = "nl") -> list[tuple[str, float]]:
        scores = self.scores(self.query_terms(text, language))
        if not len(scores):
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def terms_of(self, position: int) -> set[str]:
        """The terms of one indexed passage (for coverage checks)."""
        term_ids, starts, inverse = self._passage_terms()
        return {inverse[t] for t in term_ids[starts[position]:starts[position + 1]]}

    def _passage_terms(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """The postings turned around (passage -> term ids), built on first use.

        Scanning every posting for one passage cost 8 ms at 100k passages, three times an answer;
        a slice of the transposed arrays costs microseconds. Building it takes ~0.5 s at 100k and
        as much memory as the postings' doc ids, paid once per loaded index, never by ingest.
        """
        if self._by_passage is None:
            with self._by_passage_lock:
                if self._by_passage is None:
                    term_of_slot = np.repeat(np.arange(len(self.vocab), dtype=np.int32), np.diff(self.indptr))
                    term_ids = term_of_slot[np.argsort(self.docs, kind="stable")]
                    starts = np.zeros(len(self.ids) + 1, dtype=np.int64)
                    np.cumsum(np.bincount(self.docs, minlength=len(self.ids)), out=starts[1:])
                    self._by_passage = term_ids, starts, list(self.vocab)
        return self._by_passage

    # -- persistence -----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"format": 1, "k1": self.k1, "b": self.b, "ids": self.ids,
                "vocab": sorted(self.vocab, key=self.vocab.get)}
        (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        for name in ("indptr", "docs", "tfs", "doc_len"):
            np.save(directory / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "BM25Index":
        meta_path = directory / "meta.json"
        if not meta_path.is_file():
            raise IndexNotFoundError(f"no lexical index in {directory}; run 'advisor ingest' first")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        arrays = {n: np.load(directory / f"{n}.npy", allow_pickle=False)
                  for n in ("indptr", "docs", "tfs", "doc_len")}
        vocab = {t: i for i, t in enumerate(meta["vocab"])}
        df = np.diff(arrays["indptr"]).astype(np.float32)
        return cls(meta["ids"], vocab, df, arrays["indptr"], arrays["docs"], arrays["tfs"],
                   arrays["doc_len"], meta["k1"], meta["b"])
