"""Vector recall at scale: Chroma's HNSW against exact cosine search (numpy) on the same vectors.

    .venv/bin/python -m benchmarks.recall [--sizes 10000,100000] [--queries 300] [--minilm 3000]
                                          [--builds 16x100,32x200] [--ef 10,100,200,400,800]
                                          [--cache DIR] [--small]

Passages are generated paragraphs (benchmarks/synthetic.py, seed 0: the first 10k passages of the
100k set are the 10k set); queries are generated questions (seed 1). Two kinds of vectors:
  minilm      the real embedder (all-MiniLM-L6-v2) on the first --minilm passages; its throughput
              is measured and printed (3,000 is what ~10 minutes embed on a busy 2-core machine);
              --cache keeps the vectors between runs.
  projection  BM25-weighted term vectors (the index's own stemmed terms, log tf x idf) through a
              seeded Gaussian random projection to 384 dimensions: cheap for any size, and keeps
              the corpus's topical structure. Run it at the MiniLM size too, to compare the two.
Rows of both kinds are L2-normalised. Per build setting (hnsw M, ef_construction) a collection is
filled in a PersistentClient; each ef_search is then set with collection.modify and measured in a
fresh process (Chroma 1.5 applies a changed ef_search only when it loads the index). recall@k =
share of the exact top k that HNSW returns, k = 10 and 30 (30 = the candidates the advisor asks
for). Latency: one query a call through the Python client, p50/p95 ms. --small: 2,000 projection
vectors, 50 queries, the default build, ef_search 10 and 100.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from advisor.text import document_terms
from benchmarks.measure import percentile
from benchmarks.synthetic import TextGenerator, questions as generated_questions

DIMENSION = 384
BUILDS = [(16, 100), (32, 200)]    # (max_neighbors M, ef_construction); (16, 100) = Chroma's default
EF_SEARCH = [10, 100, 200, 400, 800]  # 100 = Chroma 1.x default, 400 = ADVISOR_CHROMA_HNSW_SEARCH_EF's


def passages(count: int, seed: int = 0) -> list[str]:
    generator = TextGenerator(seed)
    return [paragraph for _, paragraph in generator.paragraphs(count)]


class Projection:
    """Random projection of log-tf x idf term vectors (idf over the passages it is made for)."""

    def __init__(self, passage_terms: list[list[str]], seed: int = 0):
        self.df = Counter(t for doc in passage_terms for t in set(doc))
        self.n = len(passage_terms)
        self.term_ids: dict[str, int] = {}
        self.seed = seed
        self.directions = np.zeros((0, DIMENSION), dtype=np.float32)

    def _ids(self, terms) -> np.ndarray:
        new = [t for t in terms if t not in self.term_ids]
        if new:  # a term's direction is seeded by the term itself: the same in every run
            self.term_ids.update({t: len(self.term_ids) + i for i, t in enumerate(new)})
            self.directions = np.vstack([self.directions] + [
                np.random.default_rng([self.seed, *t.encode()]).standard_normal((1, DIMENSION)).astype(np.float32)
                for t in new])
        return np.array([self.term_ids[t] for t in terms], dtype=np.int64)

    def vectors(self, docs_terms: list[list[str]]) -> np.ndarray:
        for start in range(0, len(docs_terms), 5000):  # grow the direction table in few steps
            self._ids({t for doc in docs_terms[start:start + 5000] for t in doc})
        out = np.zeros((len(docs_terms), DIMENSION), dtype=np.float32)
        for row, doc in enumerate(docs_terms):
            counts = Counter(doc)
            if not counts:
                continue
            weights = np.array([(1 + math.log(tf)) * math.log1p(self.n / (self.df.get(t, 0) + 1))
                                for t, tf in counts.items()], dtype=np.float32)
            out[row] = weights @ self.directions[self._ids(list(counts))]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def minilm_vectors(texts: list[str], cache: Path | None, batch: int = 256) -> tuple[np.ndarray, float]:
    """MiniLM rows for `texts` and the measured passages/s; resumes from and extends `cache`."""
    from advisor.embedders import get_embedder

    embedder = get_embedder("minilm")
    done = np.load(cache) if cache and cache.is_file() else np.zeros((0, DIMENSION), dtype=np.float32)
    rates = []
    while len(done) < len(texts):
        chunk = texts[len(done):len(done) + batch]
        started = time.perf_counter()
        done = np.vstack([done, embedder.embed(chunk)])
        rates.append(len(chunk) / (time.perf_counter() - started))
        if cache:
            np.save(cache, done)
    if not rates:  # everything was cached: measure on a sample
        started = time.perf_counter()
        embedder.embed(texts[:64])
        rates.append(64 / (time.perf_counter() - started))
    return done[:len(texts)], float(np.median(rates))


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    sims = queries @ vectors.T
    best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(sims, best, axis=1), axis=1)
    return np.take_along_axis(best, order, axis=1)


def exact_latency(vectors_file: str, queries_file: str) -> list[float]:
    """One exact top-30 search per query, in ms (run in a fresh process, BLAS on one thread)."""
    vectors, times = np.load(vectors_file), []
    for q in np.load(queries_file):
        started = time.perf_counter()
        sims = vectors @ q
        best = np.argpartition(-sims, 29)[:30]
        best[np.argsort(-sims[best])]
        times.append((time.perf_counter() - started) * 1000)
    return times


def _client(path: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))


def build(path: str, name: str, m: int, construction: int, vectors_file: str) -> float:
    """Fill a collection with HNSW (M, ef_construction); the seconds it took."""
    vectors = np.load(vectors_file)
    collection = _client(path).create_collection(name, embedding_function=None, configuration={
        "hnsw": {"space": "cosine", "max_neighbors": m, "ef_construction": construction}})
    ids = [str(i) for i in range(len(vectors))]
    started = time.perf_counter()
    for i in range(0, len(ids), 1000):
        collection.add(ids=ids[i:i + 1000], embeddings=vectors[i:i + 1000])
    return time.perf_counter() - started


def search(path: str, name: str, ef: int, queries_file: str, exact_file: str) -> dict:
    """recall@10/@30 and latency with ef_search = `ef`. Must run in a process that has not yet
    searched this collection: Chroma 1.5 applies a modified ef_search only when it loads the index."""
    collection = _client(path).get_collection(name)
    collection.modify(configuration={"hnsw": {"ef_search": ef}})
    queries, exact = np.load(queries_file), np.load(exact_file)
    collection.query(query_embeddings=queries[:1], n_results=1, include=[])  # load the index first
    row = {}
    for k in (10, 30):
        hits, times = 0, []
        for q, truth in zip(queries, exact):
            started = time.perf_counter()
            result = collection.query(query_embeddings=q.reshape(1, -1), n_results=k, include=[])
            times.append((time.perf_counter() - started) * 1000)
            hits += len({int(i) for i in result["ids"][0]} & set(truth[:k].tolist()))
        row[f"recall@{k}"] = hits / (k * len(queries))
        row[f"ms@{k}"] = (float(np.median(times)), percentile(times, 0.95))
    return row


def in_fresh_process(fn, *args):
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def measure(vectors: np.ndarray, queries: np.ndarray, builds, efs) -> tuple[list[dict], list[float]]:
    with tempfile.TemporaryDirectory(prefix="advisor-recall-") as tmp:
        files = {n: f"{tmp}/{n}.npy" for n in ("vectors", "queries", "exact")}
        np.save(files["vectors"], vectors)
        np.save(files["queries"], queries)
        np.save(files["exact"], exact_top(vectors, queries, 30))
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # for the children: threaded BLAS has a
        os.environ.setdefault("OMP_NUM_THREADS", "1")       # ~16 ms floor a call on a busy machine
        exact_ms = in_fresh_process(exact_latency, files["vectors"], files["queries"])
        rows = []
        for m, construction in builds:
            name = f"recall-m{m}-c{construction}"
            build_s = in_fresh_process(build, f"{tmp}/chroma", name, m, construction, files["vectors"])
            for ef in efs:
                rows.append({"M": m, "ef_construction": construction, "ef_search": ef, "build_s": build_s,
                             **in_fresh_process(search, f"{tmp}/chroma", name, ef, files["queries"], files["exact"])})
    return rows, exact_ms


def print_rows(title: str, rows: list[dict], exact_ms: list[float]) -> None:
    print(f"\n{title}")
    print("| M | ef_construction | ef_search | build s | recall@10 | p50/p95 ms (k=10) | recall@30 | "
          "p50/p95 ms (k=30) |\n|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['M']} | {r['ef_construction']} | {r['ef_search']} | {r['build_s']:.1f} | {r['recall@10']:.3f} | "
              f"{r['ms@10'][0]:.2f} / {r['ms@10'][1]:.2f} | {r['recall@30']:.3f} | "
              f"{r['ms@30'][0]:.2f} / {r['ms@30'][1]:.2f} |")
    print(f"| exact (numpy matrix-vector, top 30) | | | | 1.000 | {np.median(exact_ms):.2f} / "
          f"{percentile(exact_ms, 0.95):.2f} | 1.000 | |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="vectors per index (projection), comma-separated (default 10000,100000)")
    parser.add_argument("--queries", type=int, help="generated questions (default 300)")
    parser.add_argument("--minilm", type=int, default=3000, help="passages to embed with MiniLM (0: none)")
    parser.add_argument("--cache", type=Path, help="directory to keep MiniLM vectors between runs")
    parser.add_argument("--builds", default=",".join(f"{m}x{c}" for m, c in BUILDS),
                        help="HNSW builds as Mxef_construction, comma-separated")
    parser.add_argument("--ef", default=",".join(map(str, EF_SEARCH)), help="ef_search values, comma-separated")
    parser.add_argument("--small", action="store_true",
                        help="2,000 projection vectors, 50 queries, default build, ef_search 10 and 100")
    args = parser.parse_args(argv)
    builds = [tuple(int(v) for v in b.split("x")) for b in args.builds.split(",")]
    efs = [int(e) for e in args.ef.split(",")]
    if args.small:
        builds, efs, args.minilm = BUILDS[:1], [10, 100], 0
    sizes = [int(s) for s in (args.sizes or ("2000" if args.small else "10000,100000")).split(",")]
    query_count = args.queries or (50 if args.small else 300)
    texts = passages(max(sizes + [args.minilm]))
    query_texts = generated_questions(query_count)
    print(f"passages: generated paragraphs; queries: {len(query_texts)} generated questions; "
          f"Chroma {__import__('chromadb').__version__} PersistentClient, space cosine")
    if args.minilm:
        cache = None
        if args.cache:
            args.cache.mkdir(parents=True, exist_ok=True)
            cache = args.cache / f"minilm-{args.minilm}.npy"
        vectors, rate = minilm_vectors(texts[:args.minilm], cache)
        queries, _ = minilm_vectors(query_texts, None)
        print(f"MiniLM throughput on this machine: {rate:.1f} passages/s (median over batches of 256) -> "
              f"{args.minilm / rate / 60:.0f} min for {args.minilm}, {100_000 / rate / 60:.0f} min for 100k")
        print_rows(f"MiniLM vectors, {len(vectors)} passages", *measure(vectors, queries, builds, efs))
    for size in sizes:
        passage_terms = [document_terms(t, "nl") for t in texts[:size]]
        projection = Projection(passage_terms)
        vectors = projection.vectors(passage_terms)
        queries = projection.vectors([document_terms(q, "nl") for q in query_texts])
        print_rows(f"projection vectors, {size} passages", *measure(vectors, queries, builds, efs))


if __name__ == "__main__":
    main()
