"""Chroma client/server mode under load: `advisor serve --workers 2` over a real `chroma run`.

    .venv/bin/python -m benchmarks.chroma_server [--embedder minilm] [--workers 2] [--clients 1,8,32]
                                                 [--requests 300] [--seconds 20] [--no-baseline] [--small]

The bundled corpus is ingested with a dense embedder through ADVISOR_CHROMA_URL into a `chroma run`
server on loopback; the API then runs with ADVISOR_EMBEDDER, ADVISOR_CHROMA_URL and a dense weight
> 0, rate limit off, and POST /v1/ask is loaded with the generator of benchmarks.load. The baseline
is the same embedder with the embedded (in-process) Chroma and one worker. Errors must be 0.
--small: 1 and 4 clients, 20 requests a level, no baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from advisor.config import load_settings
from benchmarks.load import level
from benchmarks.measure import print_load_table, rss_mb, server_pid
from evals import golden
from ingest.pipeline import ingest
from tests.server import chroma_server, running_server


def load_levels(base: str, clients: list[int], requests: int, seconds: float, questions: list[str]) -> list[dict]:
    body = httpx.post(f"{base}/v1/search", json={"query": "fairtrade catering", "k": 5}, timeout=60).json()
    if not any(p["dense_rank"] for p in body["passages"]):
        raise RuntimeError("the dense retriever found nothing: the server is not using the vector store")
    asyncio.run(level(base, 4, min(40, requests), 60, questions))  # warm up every worker
    return [asyncio.run(level(base, c, requests, seconds, questions)) for c in clients]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--requests", type=int, default=300, help="requests per level (bound)")
    parser.add_argument("--seconds", type=float, default=20, help="time per level (bound)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the embedded-Chroma, 1-worker run")
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    if args.small:
        args.clients, args.requests, args.seconds, args.no_baseline = "1,4", 20, 5, True
    clients = [int(c) for c in args.clients.split(",")]
    questions = [i.question for i in golden.load()]
    env = {"ADVISOR_EMBEDDER": args.embedder, "ADVISOR_DENSE_WEIGHT": "0.5", "ADVISOR_RATE_LIMIT_PER_MINUTE": "0"}
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="advisor-chroma-") as tmp, chroma_server(Path(tmp) / "chroma") as (url, chroma):
        settings = load_settings(data_dir=Path(tmp) / "data", embedder=args.embedder, chroma_url=url)
        started = time.perf_counter()
        report = ingest([settings.corpus_dir], settings)
        notes.append(f"ingest through the Chroma server: {report.passages} passages, {report.embedded} embedded, "
                     f"{time.perf_counter() - started:.1f} s")
        with running_server(settings.data_dir, workers=args.workers, timeout=300, ADVISOR_CHROMA_URL=url, **env) as base:
            for r in load_levels(base, clients, args.requests, args.seconds, questions):
                rows.append({"setup": f"chroma run, {args.workers} workers", **r})
            notes.append(f"RSS after the load: advisor serve {rss_mb(server_pid(base)):.0f} MB (all workers), "
                         f"chroma run {rss_mb(chroma.pid):.0f} MB")
        if not args.no_baseline:
            local = load_settings(data_dir=Path(tmp) / "local", embedder=args.embedder)
            ingest([local.corpus_dir], local)
            with running_server(local.data_dir, workers=1, timeout=300, **env) as base:
                for r in load_levels(base, clients, args.requests, args.seconds, questions):
                    rows.append({"setup": "embedded Chroma, 1 worker", **r})
    print(f"embedder: {args.embedder}, dense weight 0.5, bundled corpus, POST /v1/ask, {len(questions)} golden "
          f"questions round-robin, bounds: {args.requests} requests or {args.seconds:g} s a level")
    for note in notes:
        print(note)
    print_load_table(rows, "setup")


if __name__ == "__main__":
    main()
