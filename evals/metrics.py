"""Retrieval metrics as pure functions of (ranked passages, evidence spans).

A ranked passage is (doc_id, start, end); an evidence span is (doc_id, start, end) located in
the document's source text. A passage holds evidence when it overlaps the span in the same document.
"""

from __future__ import annotations

import math

Span = tuple[str, int, int]


def holds(passage: Span, evidence: Span) -> bool:
    return passage[0] == evidence[0] and passage[1] < evidence[2] and evidence[1] < passage[2]


def first_relevant_rank(ranked: list[Span], evidence: list[Span]) -> int | None:
    for rank, p in enumerate(ranked, start=1):
        if any(holds(p, e) for e in evidence):
            return rank
    return None


def hit_at_k(ranked: list[Span], evidence: list[Span], k: int) -> float:
    rank = first_relevant_rank(ranked[:k], evidence)
    return 1.0 if rank else 0.0


def reciprocal_rank(ranked: list[Span], evidence: list[Span]) -> float:
    rank = first_relevant_rank(ranked, evidence)
    return 1.0 / rank if rank else 0.0


def recall_at_k(ranked: list[Span], evidence: list[Span], k: int) -> float:
    """Share of the evidence spans found in the top k."""
    if not evidence:
        return 0.0
    return sum(any(holds(p, e) for p in ranked[:k]) for e in evidence) / len(evidence)


def ndcg_at_k(ranked: list[Span], evidence: list[Span], k: int = 10) -> float:
    gains = [1.0 if any(holds(p, e) for e in evidence) else 0.0 for p in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, max(1, int(sum(gains)) or 1))))
    return dcg / ideal if ideal else 0.0


def locate(evidence: list[dict], texts: dict[str, str]) -> list[Span]:
    """Every occurrence of each anchor in its document."""
    spans = []
    for ev in evidence:
        text = texts.get(ev["doc_id"], "")
        start = text.find(ev["anchor"])
        while start >= 0:
            spans.append((ev["doc_id"], start, start + len(ev["anchor"])))
            start = text.find(ev["anchor"], start + 1)
    return spans
