"""Numbered citations shared by one answer: passages found by retrieval or by a knowledge anchor.

Every quote is cut from the document's source text (the sentences that hold the anchor), so it
is verbatim by construction; an anchor the index does not hold yields no citation, and the
statement that needed it is not made.
"""

from __future__ import annotations

import re

from advisor.model import Citation
from advisor.index import Index
from advisor.knowledge import Evidence
from advisor.passage import Passage
from advisor.structure import sentences_around


class CitationList:
    def __init__(self, index: Index, limit: int = 10):
        self.index = index
        self.limit = limit
        self.items: list[Citation] = []
        self._by_key: dict[tuple[str, int, int], int] = {}
        self._passages_by_doc: dict[str, list[Passage]] = {}
        for p in index.passages.values():
            self._passages_by_doc.setdefault(p.doc_id, []).append(p)

    def add(self, passage: Passage, start: int, end: int) -> int | None:
        key = (passage.id, start, end)
        if key in self._by_key:
            return self._by_key[key]
        if len(self.items) >= self.limit:
            return None
        n = len(self.items) + 1
        self.items.append(Citation.of(n, passage, self.index.document_text(passage.doc_id)[start:end], start, end))
        self._by_key[key] = n
        return n

    def evidence(self, ev: Evidence | None) -> int | None:
        """Cite the sentence(s) holding an anchor, or with `through` the span from the anchor to the
        end of `through` exactly (a list or table whole); None when the index does not hold it."""
        if ev is None or ev.doc_id not in self.index.documents:
            return None
        text = self.index.document_text(ev.doc_id)
        at = text.find(ev.anchor)
        if at < 0:
            return None
        end = at + len(ev.anchor)
        if ev.through:
            last = text.find(ev.through, at)
            if last < 0:
                return None
            end = last + len(ev.through)
        for passage in self._passages_by_doc.get(ev.doc_id, []):
            if passage.start <= at and end <= passage.end:
                start, stop = (at, end) if ev.through else self._sentences_around(passage, at, end)
                return self.add(passage, start, stop)
        return None

    def compact(self, text: str) -> tuple[str, dict[int, int]]:
        """Keep only the citations the text uses, numbered in order of first use.

        Returns the renumbered text and the old -> new mapping (for structured `cites` lists).
        """
        order: list[int] = []
        for m in re.finditer(r"\[(\d+)\]", text):
            n = int(m.group(1))
            if n not in order and 1 <= n <= len(self.items):
                order.append(n)
        mapping = {old: new for new, old in enumerate(order, start=1)}
        kept = []
        for old in order:
            c = self.items[old - 1]
            kept.append(c.renumbered(mapping[old]))
        self.items = kept
        self._by_key = {(c.passage.id, c.start, c.end): c.n for c in kept}
        return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", text), mapping

    def first(self, evidence) -> int | None:
        for ev in evidence:
            n = self.evidence(ev)
            if n:
                return n
        return None

    @staticmethod
    def _sentences_around(passage: Passage, at: int, end: int) -> tuple[int, int]:
        return sentences_around(passage.text, passage.start, at, end)
