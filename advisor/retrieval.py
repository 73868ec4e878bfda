"""Hybrid retrieval: BM25 and dense rankings fused by weighted reciprocal rank, or by a convex
combination of their min-max normalised scores (Bruch et al., TOIS 2023): ADVISOR_FUSION."""

from __future__ import annotations

from dataclasses import dataclass

from advisor import deadline, model
from advisor.config import Settings
from advisor.embedders import embed_queries, get_embedder
from advisor.index import Index
from advisor.passage import Passage
from advisor.query import expand_english
from advisor.text import detect_language


@dataclass
class Hit:
    passage: Passage
    score: float                      # fused score
    lexical_rank: int | None = None   # 1-based
    lexical_score: float = 0.0
    dense_rank: int | None = None
    dense_score: float = 0.0

    def public(self) -> model.Hit:
        """The hit as the contract shows it (API, CLI --json)."""
        p = self.passage
        return model.Hit(id=p.id, doc_id=p.doc_id, title=p.title, page=p.page, section=p.section, url=p.url,
                         text=p.text, score=round(self.score, 6), lexical_rank=self.lexical_rank,
                         lexical_score=round(self.lexical_score, 4), dense_rank=self.dense_rank,
                         dense_score=round(self.dense_score, 4))


class HybridRetriever:
    def __init__(self, index: Index, settings: Settings):
        self.index = index
        self.settings = settings
        self.embedder = get_embedder(settings.embedder) if settings.uses_dense else None
        self.vectors = None
        if self.embedder is not None:
            from advisor.vectorstores import get_vector_store

            self.vectors = get_vector_store(settings, index.layout.folder, self.embedder.name)

    def search(self, query: str, k: int | None = None, language: str | None = None) -> list[Hit]:
        k = k or self.settings.top_k
        s = self.settings
        language = language or detect_language(query)
        hits: dict[str, Hit] = {}
        if s.lexical_weight > 0:
            lexical_query = expand_english(query) if language == "en" else query
            ranked = self.index.lexical.search(lexical_query, s.candidates, language)
            for rank, (pid, score) in enumerate(ranked, start=1):
                if pid in self.index.passages:
                    hits[pid] = Hit(self.index.passages[pid], 0.0, lexical_rank=rank, lexical_score=score)
        if self.vectors is not None:
            deadline.check()
            vector = embed_queries(self.embedder, [query])[0]
            for rank, (pid, score) in enumerate(self.vectors.query(vector, s.candidates), start=1):
                if pid not in self.index.passages:
                    continue
                hit = hits.setdefault(pid, Hit(self.index.passages[pid], 0.0))
                hit.dense_rank, hit.dense_score = rank, score
        fuse(list(hits.values()), s)
        return sorted(hits.values(), key=lambda h: (-h.score, h.passage.id))[:k]


def fuse(hits: list[Hit], s: Settings) -> None:
    """Set each hit's fused score from its lexical and dense rank and score.

    rrf: sum of weight / (rrf_k + rank). convex: alpha * dense + (1 - alpha) * lexical, each score
    min-max normalised over that retriever's candidates (a passage it did not return counts 0).
    """
    if s.fusion == "convex":
        lexical = _min_max([h.lexical_score for h in hits if h.lexical_rank])
        dense = _min_max([h.dense_score for h in hits if h.dense_rank])
        for hit in hits:
            hit.score = ((1 - s.convex_alpha) * lexical(hit.lexical_score) if hit.lexical_rank else 0.0) + \
                (s.convex_alpha * dense(hit.dense_score) if hit.dense_rank else 0.0)
        return
    for hit in hits:
        hit.score = 0.0
        if hit.lexical_rank:
            hit.score += s.lexical_weight / (s.rrf_k + hit.lexical_rank)
        if hit.dense_rank:
            hit.score += s.dense_weight / (s.rrf_k + hit.dense_rank)


def _min_max(scores: list[float]):
    if not scores:
        return lambda x: 0.0
    low, high = min(scores), max(scores)
    return (lambda x: (x - low) / (high - low)) if high > low else (lambda x: 1.0)
