"""Measure retrieval configurations on the golden sets: which embedder, which weights.

    .venv/bin/python -m evals.measure_retrieval [--split dev|test] [--embedders none,use,minilm]

Builds one index per embedder in a temporary folder, then prints hit@1, hit@4, MRR and the
median query latency for each configuration (lexical only, dense only, fused with several weights).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from advisor.config import load_settings
from advisor.index import Index
from advisor.retrieval import HybridRetriever
from evals import golden, metrics
from ingest.pipeline import ingest


def evaluate(retriever: HybridRetriever, items, texts) -> dict:
    hits1 = hits4 = rr = 0.0
    latencies = []
    for item in items:
        spans = metrics.locate(item.evidence, texts)
        t = time.perf_counter()
        ranked = [(h.passage.doc_id, h.passage.start, h.passage.end) for h in retriever.search(item.question, 10)]
        latencies.append((time.perf_counter() - t) * 1000)
        hits1 += metrics.hit_at_k(ranked, spans, 1)
        hits4 += metrics.hit_at_k(ranked, spans, 4)
        rr += metrics.reciprocal_rank(ranked, spans)
    n = len(items)
    return {"hit@1": hits1 / n, "hit@4": hits4 / n, "mrr": rr / n, "p50_ms": statistics.median(latencies)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default=None, choices=["dev", "test"])
    parser.add_argument("--embedders", default="none,use,minilm")
    args = parser.parse_args(argv)
    items = [i for i in golden.load(split=args.split) if not i.refuse]
    print(f"{len(items)} answerable questions ({args.split or 'all splits'})")
    print(f"| configuration | hit@1 | hit@4 | MRR | p50 ms |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.embedders.split(","):
            settings = load_settings(data_dir=Path(tmp) / name, embedder=name)
            ingest([settings.corpus_dir], settings)
            index = Index(settings.data_dir)
            texts = {d: index.document_text(d) for d in index.documents}
            configs = [("bm25 only", 1.0, 0.0)] if name == "none" else [
                (f"{name} only", 0.0, 1.0), (f"bm25 + {name} (1 : 0.5)", 1.0, 0.5),
                (f"bm25 + {name} (1 : 1)", 1.0, 1.0)]
            for label, lw, dw in configs:
                s = load_settings(data_dir=settings.data_dir, embedder=name, lexical_weight=lw, dense_weight=dw)
                r = evaluate(HybridRetriever(index, s), items, texts)
                print(f"| {label} | {r['hit@1']:.2f} | {r['hit@4']:.2f} | {r['mrr']:.3f} | {r['p50_ms']:.1f} |")


if __name__ == "__main__":
    main()
