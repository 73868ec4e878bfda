"""Question latency of the e5 engine by OpenMP thread count (ADVISOR_E5_THREADS).

    .venv/bin/python -m benchmarks.e5_threads [--rounds 3] [--threads 1,2]

Each measurement runs in a fresh process (the engine's OpenMP runtime reads its thread count once),
thread counts alternating, 25 distinct questions each, no cache. Prints p50/p95 and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def _probe(threads: int) -> None:
    from advisor.embedders.e5 import E5Embedder

    model = E5Embedder(threads=threads)._model
    model.query("warm up")
    times = []
    for i in range(25):
        t = time.perf_counter()
        model.query(f"Welke sociale criteria passen bij opdracht nummer {i} voor schoonmaak en catering?")
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"| {threads} | {statistics.median(times):.0f} ms | {times[round(0.95 * 24)]:.0f} ms | "
          f"{os.getloadavg()[0]:.1f} |", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        return _probe(args.probe)
    print("| threads | p50 | p95 | load average |\n|---|---|---|---|", flush=True)
    for _ in range(args.rounds):
        for threads in (int(t) for t in args.threads.split(",")):
            subprocess.run([sys.executable, "-m", "benchmarks.e5_threads", "--probe", str(threads)], check=True)


if __name__ == "__main__":
    main()
