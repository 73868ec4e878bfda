"""Scale: ingest, index size, cold start and query latency over generated corpora (BM25 only).

    .venv/bin/python -m benchmarks.scale [--sizes 10000,100000] [--runs 3] [--questions 200] [--small]

Each size is a corpus of Dutch-like Markdown documents (benchmarks/synthetic.py, seeded) ingested
with the real pipeline into a temp data dir with the default embedder 'none'. Ingest is timed
once per size; load and start-up times are medians of --runs; query figures are p50/p95 over the
generated questions. --small runs one 2,000-passage size for a smoke test. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from advisor.config import load_settings
from advisor.core import Advisor
from benchmarks.measure import dir_mb, percentile, rss_mb, server_pid
from benchmarks.synthetic import questions as generated_questions, write_corpus
from ingest.pipeline import ingest
from tests.server import page_settled, running_server


def wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while httpx.get(f"{base}/readyz", timeout=30).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base}/readyz did not answer 200 in {timeout:g} s")
        time.sleep(0.05)


def measure_size(root: Path, size: int, runs: int, questions: list[str]) -> dict:
    corpus, data = root / f"corpus-{size}", root / f"data-{size}"
    files = write_corpus(corpus, size)
    settings = load_settings(data_dir=data, embedder="none")
    started = time.perf_counter()
    report = ingest([corpus], settings)
    ingest_s = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f"ingest failed: {report.failed[:3]}")
    row = {"size": size, "files": files, "passages": report.passages, "ingest_s": ingest_s,
           "ingest_rate": report.passages / ingest_s, "corpus_mb": dir_mb(corpus), "index_mb": dir_mb(data)}
    load_s = []
    for _ in range(runs):
        started = time.perf_counter()
        advisor = Advisor(settings)
        load_s.append(time.perf_counter() - started)
    healthy_s, ready_s, rss = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        with running_server(data, timeout=300, wait_for_page=False, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
            healthy_s.append(time.perf_counter() - started)
            wait_ready(base)
            ready_s.append(time.perf_counter() - started)
            while not page_settled(httpx.get(f"{base}/healthz")):  # the page is built after start-up
                time.sleep(0.1)
            rss.append(rss_mb(server_pid(base)))  # with the chat page, as a serving process has it
    advisor.ask(questions[0])  # warm caches as a running server has them
    ask_ms, search_ms, retrieve_ms = [], [], []
    for q in questions:
        started = time.perf_counter()
        answer = advisor.ask(q)
        ask_ms.append((time.perf_counter() - started) * 1000)
        if answer.timings_ms.retrieve is not None:
            retrieve_ms.append(answer.timings_ms.retrieve)
        started = time.perf_counter()
        advisor.search(q)
        search_ms.append((time.perf_counter() - started) * 1000)
    return row | {"load_s": statistics.median(load_s), "healthy_s": statistics.median(healthy_s),
                  "ready_s": statistics.median(ready_s), "rss_mb": statistics.median(rss),
                  "ask": (statistics.median(ask_ms), percentile(ask_ms, 0.95)),
                  "search": (statistics.median(search_ms), percentile(search_ms, 0.95)),
                  "retrieve": (statistics.median(retrieve_ms), percentile(retrieve_ms, 0.95))}


def print_table(rows: list[dict], runs: int, n_questions: int) -> None:
    print(f"embedder: none (BM25 only); load/start-up: median of {runs} runs; queries: {n_questions} "
          "generated questions, p50/p95 in process; ingest: one run")
    print("| passages | files | corpus MB | ingest s | ingest passages/s | index MB | index load s | "
          "serve to /healthz s | to /readyz s | server RSS MB | search p50/p95 ms | ask p50/p95 ms | "
          "retrieve stage p50/p95 ms |")
    print("|" + "---|" * 13)
    for r in rows:
        print(f"| {r['passages']} | {r['files']} | {r['corpus_mb']:.1f} | {r['ingest_s']:.1f} | "
              f"{r['ingest_rate']:.0f} | {r['index_mb']:.1f} | {r['load_s']:.3f} | {r['healthy_s']:.2f} | "
              f"{r['ready_s']:.2f} | {r['rss_mb']:.0f} | {r['search'][0]:.1f} / {r['search'][1]:.1f} | "
              f"{r['ask'][0]:.1f} / {r['ask'][1]:.1f} | {r['retrieve'][0]:.1f} / {r['retrieve'][1]:.1f} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="passages per corpus, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--small", action="store_true", help="one 2,000-passage corpus, 2 runs, 50 questions")
    args = parser.parse_args(argv)
    if args.small:
        args.sizes, args.runs, args.questions = "2000", 2, 50
    questions = generated_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="advisor-scale-") as tmp:
        rows = [measure_size(Path(tmp), int(size), args.runs, questions) for size in args.sizes.split(",")]
    print_table(rows, args.runs, len(questions))


if __name__ == "__main__":
    main()
