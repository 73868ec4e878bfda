"""Soak: sustained load on POST /v1/ask for minutes, watching the server's memory.

    .venv/bin/python -m benchmarks.soak [--seconds 300] [--clients 8] [--workers 1] [--every 60] [--small]

A real `advisor serve` on loopback over the bundled corpus, rate limit off; the golden questions
are sent round-robin by `--clients` concurrent clients (the load generator of benchmarks.load)
until `--seconds` have passed. The server's RSS (VmRSS of its process and all its children, so
every worker counts) is read at start, after a warm-up, every `--every` seconds, and at the end.
Errors (any non-200 or transport failure) are counted and must be 0. --small: 20 s, 10 s samples.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from advisor.config import load_settings
from benchmarks.load import level
from benchmarks.measure import rss_mb, server_pid
from evals import golden
from ingest.pipeline import ingest
from tests.server import running_server


async def soak(base: str, pid: int, clients: int, seconds: float, every: float, questions: list[str]):
    samples: list[tuple[str, float]] = []

    async def sample():
        started = time.monotonic()
        while True:
            await asyncio.sleep(every)
            samples.append((f"{time.monotonic() - started:.0f} s", rss_mb(pid)))

    sampler = asyncio.create_task(sample())
    try:
        result = await level(base, clients, sys.maxsize, seconds, questions)
    finally:
        sampler.cancel()
    samples.append(("end", rss_mb(pid)))
    return result, samples


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="how long the load lasts")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--every", type=float, default=60, help="seconds between memory samples")
    parser.add_argument("--small", action="store_true", help="20 s of load, memory every 10 s")
    args = parser.parse_args(argv)
    if args.small:
        args.seconds, args.every = 20, 10
    questions = [i.question for i in golden.load()]
    with tempfile.TemporaryDirectory(prefix="advisor-soak-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        ingest([settings.corpus_dir], settings)
        with running_server(settings.data_dir, workers=args.workers, timeout=120,
                            ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
            pid = server_pid(base)
            samples = [("start (idle)", rss_mb(pid))]
            asyncio.run(level(base, 4, 40, 10, questions))  # warm up every worker
            samples.append(("after warm-up", rss_mb(pid)))
            result, more = asyncio.run(soak(base, pid, args.clients, args.seconds, args.every, questions))
            samples.extend(more)
    print(f"soak: {args.seconds:g} s, {args.clients} clients, {args.workers} worker(s), bundled corpus, "
          f"embedder {settings.embedder}, {len(questions)} golden questions round-robin, rate limit off")
    print("| requests | errors | req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|")
    print(f"| {result['requests']} | {result['errors']} | {result['rps']:.1f} | {result['p50']:.1f} | "
          f"{result['p95']:.1f} | {result['p99']:.1f} |")
    print("\n| when | server RSS MB |\n|---|---|")
    for when, mb in samples:
        print(f"| {when} | {mb:.1f} |")
    print(f"\nRSS growth from warm-up to end: {samples[-1][1] - samples[1][1]:+.1f} MB")


if __name__ == "__main__":
    main()
