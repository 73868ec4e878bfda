"""Load on POST /v1/ask: req/s and latency p50/p95/p99 at 1, 8 and 32 concurrent clients, with
1 and 2 server workers. Loopback only, bounded in count and time, stops by itself.

    .venv/bin/python -m benchmarks.load [--requests 300] [--seconds 20] [--workers 1,2] [--clients 1,8,32]

The server runs with the rate limit off (ADVISOR_RATE_LIMIT_PER_MINUTE=0): one machine is every
client here. Errors (any non-200 or transport failure) are counted and must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from advisor.config import load_settings
from benchmarks.measure import print_load_table
from evals import golden
from ingest.pipeline import ingest
from tests.server import running_server


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def level(base: str, clients: int, total: int, seconds: float, questions: list[str]) -> dict:
    latencies, errors = [], 0
    sent = 0
    deadline = time.monotonic() + seconds
    lock = asyncio.Lock()

    async def client(n: int, http: httpx.AsyncClient):
        nonlocal sent, errors
        while True:
            async with lock:
                if sent >= total or time.monotonic() > deadline:
                    return
                q = questions[sent % len(questions)]
                sent += 1
            t = time.perf_counter()
            try:
                r = await http.post("/v1/ask", json={"question": q})
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - t) * 1000)
            errors += not ok

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99), "errors": errors}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per level (bound)")
    parser.add_argument("--seconds", type=float, default=20, help="time per level (bound)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--clients", default="1,8,32")
    args = parser.parse_args(argv)
    questions = [i.question for i in golden.load()]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        ingest([settings.corpus_dir], settings)
        for workers in [int(w) for w in args.workers.split(",")]:
            with running_server(settings.data_dir, workers=workers, timeout=120,
                                ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
                asyncio.run(level(base, 4, 40, 10, questions))  # warm up every worker
                for clients in [int(c) for c in args.clients.split(",")]:
                    rows.append({"workers": workers, **asyncio.run(level(base, clients, args.requests, args.seconds,
                                                                         questions))})
    print_load_table(rows, "workers")


if __name__ == "__main__":
    main()
