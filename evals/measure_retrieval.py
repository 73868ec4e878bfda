"""Measure retrieval configurations on the golden sets: which embedder, which fusion, which weights.

    .venv/bin/python -m evals.measure_retrieval [--split dev|test] [--embedders none,e5,use,minilm] [--sweep]

Builds one index per embedder over the evaluation corpus (the bundled corpus plus the planted
documents, as `advisor eval`) in a temporary folder, takes each question's BM25 and dense candidates
once, then fuses them under each configuration (`advisor.retrieval.fuse`, the code the product runs)
and prints hit@1, hit@4 and MRR per split, for all answerable questions and for Dutch and English
ones apart, with the median query latency. `--sweep` tries many RRF weights and convex alphas
(tune on dev; read test only for the configuration dev chose).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from pathlib import Path

from advisor.config import load_settings
from advisor.core import Advisor
from advisor.retrieval import fuse
from evals import golden, metrics
from evals.systems import test_corpus
from ingest.pipeline import ingest

GROUPS = {"all": lambda i: True, "nl": lambda i: i.language == "nl", "en": lambda i: i.language == "en"}


def candidates(advisor: Advisor, items) -> tuple[list, list[float]]:
    """Each item's hits (BM25 and dense candidates with their ranks and scores), and query latencies."""
    out, latencies = [], []
    for item in items:
        query = advisor.retrieval_query(" ".join(item.question.split()), item.history)
        t = time.perf_counter()
        hits = advisor.retriever.search(query, 1000)
        latencies.append((time.perf_counter() - t) * 1000)
        out.append(hits)
    return out, latencies


def score(items, hits_per_item, settings, texts) -> dict:
    """hit@1, hit@4, MRR per split and language group, for hits fused under `settings`."""
    rows = {}
    for item, hits in zip(items, hits_per_item):
        hits = copy.deepcopy(hits)
        if settings.lexical_weight == 0:
            hits = [h for h in hits if h.dense_rank]
        if not settings.uses_dense:
            hits = [h for h in hits if h.lexical_rank]
        for h in hits:
            h.lexical_rank = h.lexical_rank if settings.lexical_weight > 0 else None
            h.dense_rank = h.dense_rank if settings.uses_dense else None
        fuse(hits, settings)
        ranked = [(h.passage.doc_id, h.passage.start, h.passage.end)
                  for h in sorted(hits, key=lambda h: (-h.score, h.passage.id))[:10]]
        spans = metrics.locate(item.evidence, texts)
        rows[item.id] = (metrics.hit_at_k(ranked, spans, 1), metrics.hit_at_k(ranked, spans, 4),
                         metrics.reciprocal_rank(ranked, spans))
    result = {}
    for split in ("dev", "test"):
        for group, keep in GROUPS.items():
            chosen = [rows[i.id] for i in items if i.split == split and keep(i)]
            if chosen:
                result[(split, group)] = tuple(sum(c[k] for c in chosen) / len(chosen) for k in range(3)) + \
                    (len(chosen),)
    return result


def configurations(embedder: str, sweep: bool) -> list[tuple[str, dict]]:
    if embedder == "none":
        return [("bm25 only", {"lexical_weight": 1.0, "dense_weight": 0.0})]
    configs = [(f"{embedder} only", {"lexical_weight": 0.0, "dense_weight": 1.0})]
    weights = [0.25, 0.5, 0.75, 1.0, 1.5] if sweep else [0.5, 1.0]
    configs += [(f"bm25 + {embedder} rrf 1 : {w}", {"dense_weight": w}) for w in weights]
    alphas = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] if sweep else [0.3, 0.5]
    configs += [(f"bm25 + {embedder} convex a={a}", {"fusion": "convex", "convex_alpha": a}) for a in alphas]
    return configs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default=None, choices=["dev", "test"])
    parser.add_argument("--embedders", default="none,e5,use,minilm")
    parser.add_argument("--sweep", action="store_true", help="try many RRF weights and convex alphas")
    args = parser.parse_args(argv)
    items = [i for i in golden.load(split=args.split) if not i.refuse]
    columns = [(s, g) for s in ("dev", "test") for g in GROUPS if any(i.split == s for i in items)]
    counts = {c: sum(1 for i in items if i.split == c[0] and GROUPS[c[1]](i)) for c in columns}
    print(f"{len(items)} answerable questions; " + ", ".join(f"{s} {g}: {counts[(s, g)]}" for s, g in columns))
    print("hit@1 / hit@4 / MRR per split and question language; p50: the whole search (BM25 + dense + fusion)\n")
    print("| configuration | " + " | ".join(f"{s} {g}" for s, g in columns) + " | p50 ms |")
    print("|---|" + "---|" * len(columns) + "---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.embedders.split(","):
            settings = load_settings(data_dir=Path(tmp) / name.replace("/", "_"), embedder=name,
                                     candidates=30, top_k=50)
            ingest(test_corpus(), settings)
            advisor = Advisor(settings)
            texts = {d: advisor.index.document_text(d) for d in advisor.index.documents}
            hits, latencies = candidates(advisor, items)
            for label, overrides in configurations(name, args.sweep):
                s = settings.model_copy(update=overrides)
                r = score(items, hits, s, texts)
                cells = " | ".join("{:.3f} / {:.3f} / {:.3f}".format(*r[c][:3]) for c in columns)
                print(f"| {label} | {cells} | {statistics.median(latencies):.1f} |", flush=True)


if __name__ == "__main__":
    main()
