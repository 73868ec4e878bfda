"""Figures for the core: ingest time, cold start to healthy, ask latency (p50/p95) split into
the retrieve and compose stages.

    .venv/bin/python -m benchmarks.core [--runs 5] [--embedder none|e5]

Each figure is the median over --runs repetitions; a p50 or p95 is taken within each run (one pass
over the golden questions), and the median of the runs' values printed. Targets on a 2-core machine
(issue 14): cold start to healthy <= 5 s with an existing index, p95 ask <= 50 ms without an LLM.
Printed, never asserted. "Healthy" is `/healthz` answering with the index loaded (the API answers
from then on); the chat page is built after that, and its figure is printed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from advisor.config import load_settings
from advisor.core import Advisor
from advisor.embedders import get_embedder
from evals import golden
from ingest.pipeline import ingest
from tests.server import page_settled, running_server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median_of_runs(runs: list[list[float]], q: float) -> float:
    """The q-percentile within each run, and the median of those over the runs."""
    return statistics.median(percentile(values, q) for values in runs if values)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--embedder", default=None, help="override ADVISOR_EMBEDDER for the run")
    args = parser.parse_args(argv)
    questions = [i.question for i in golden.load()]
    load_before = os.getloadavg()
    extra = {"embedder": args.embedder} if args.embedder else {}
    with tempfile.TemporaryDirectory() as tmp:
        ingest_s, load_s, cold_s, page_s = [], [], [], []
        for run in range(args.runs):
            settings = load_settings(data_dir=Path(tmp) / f"run{run}", **extra)
            embedder = get_embedder(settings.embedder)
            getattr(embedder, "clear_cache", lambda: None)()  # time the model, not e5's in-process cache
            t = time.perf_counter()
            ingest([settings.corpus_dir], settings)
            ingest_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            Advisor(settings)
            load_s.append(time.perf_counter() - t)
        env = {"ADVISOR_RATE_LIMIT_PER_MINUTE": "0"}  # one client sends every request here
        if args.embedder:
            env["ADVISOR_EMBEDDER"] = args.embedder
        for _ in range(args.runs):
            t = time.perf_counter()
            with running_server(settings.data_dir, wait_for_page=False, **env) as base:
                cold_s.append(time.perf_counter() - t)
                health = httpx.get(f"{base}/healthz")
                assert health.json()["index_loaded"], health.text  # healthy means the advisor can answer
                while not page_settled(health := httpx.get(f"{base}/healthz")):
                    time.sleep(0.05)
                assert health.json()["page"] == "ready", health.text
                page_s.append(time.perf_counter() - t)
        advisor = Advisor(settings)
        advisor.ask(questions[0])  # warm caches as a running server would have them
        in_process, retrieve, compose, over_http = [], [], [], []
        for _ in range(args.runs):
            getattr(advisor.retriever.embedder, "clear_cache", lambda: None)()  # each run embeds its questions
            for stage in (in_process, retrieve, compose):
                stage.append([])
            for q in questions:
                t = time.perf_counter()
                result = advisor.ask(q)
                in_process[-1].append((time.perf_counter() - t) * 1000)
                if result.timings_ms.retrieve is not None:  # steering refusals never search
                    retrieve[-1].append(result.timings_ms.retrieve)
                if result.timings_ms.compose is not None:  # refusals compose nothing
                    compose[-1].append(result.timings_ms.compose)
        with running_server(settings.data_dir, **env) as base, httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(1):  # one pass: the server's e5 keeps question vectors, a repeat would be cached
                for q in questions:
                    t = time.perf_counter()
                    client.post("/v1/ask", json={"question": q}).raise_for_status()
                    over_http.append((time.perf_counter() - t) * 1000)
    n = len(questions)
    print(f"corpus: bundled (5 documents), embedder: {settings.embedder}, runs: {args.runs}, questions: {n}, "
          f"load average (1 min) at the start {load_before[0]:.2f}, at the end {os.getloadavg()[0]:.2f}")
    print("| figure | median / p50 | p95 |\n|---|---|---|")
    print(f"| ingest of the bundled corpus (fresh index) | {statistics.median(ingest_s):.2f} s | |")
    print(f"| index load in process | {statistics.median(load_s) * 1000:.0f} ms | |")
    print(f"| cold start to healthy (`advisor serve`, existing index) | {statistics.median(cold_s):.2f} s | |")
    print(f"| cold start to the chat page built | {statistics.median(page_s):.2f} s | |")
    for name, runs in (("retrieve stage", retrieve), ("compose stage", compose), ("ask (total)", in_process)):
        print(f"| {name}, in process | {median_of_runs(runs, .5):.1f} ms | {median_of_runs(runs, .95):.1f} ms |")
    print(f"| ask over HTTP (loopback, 1 client, one pass) | {statistics.median(over_http):.1f} ms | {percentile(over_http, .95):.1f} ms |")


if __name__ == "__main__":
    main()
