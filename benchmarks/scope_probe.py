"""What the scope probe (ADVISOR_SCOPE_PROBE=e5) costs: start-up and time per question.

    .venv/bin/python -m benchmarks.scope_probe [--rounds 2] [--embedder none|e5]

Each configuration runs in a fresh process over a fresh index of the bundled corpus (BM25 retrieval,
the default, or `--embedder e5`, where retrieval already embeds the question and the probe reuses
that vector): the Advisor's construction (with the probe: loading e5 and the probe's weights), then
`ask` on every dev question of evals/sets/scope.jsonl, each asked once (no e5 cache to help), the
configurations alternating. Prints p50 / p95 of `ask` and of its scope decision, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _measure(probe: str, embedder: str) -> dict:
    from advisor.config import BUNDLED_CORPUS, load_settings
    from advisor.core import Advisor
    from evals.scope import load
    from ingest.pipeline import ingest

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", scope_probe=probe, embedder=embedder)
        ingest([BUNDLED_CORPUS], settings)
        started = time.perf_counter()
        advisor = Advisor(settings)
        construct = (time.perf_counter() - started) * 1000
        original, decided = advisor.scope, []

        def timed(*args):
            t = time.perf_counter()
            result = original(*args)
            decided.append((time.perf_counter() - t) * 1000)
            return result

        advisor.scope = timed
        asks = []
        for item in load("dev"):
            t = time.perf_counter()
            advisor.ask(item["question"])
            asks.append((time.perf_counter() - t) * 1000)
    asks.sort()
    decided.sort()
    return {"probe": probe, "construct_ms": construct, "ask_p50": statistics.median(asks),
            "ask_p95": asks[round(0.95 * (len(asks) - 1))], "scope_p50": statistics.median(decided),
            "scope_p95": decided[round(0.95 * (len(decided) - 1))], "n": len(asks), "load": os.getloadavg()[0]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--embedder", choices=["none", "e5"], default="none", help="retrieval's embedder")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure, args.embedder)))
        return
    print(f"retrieval: ADVISOR_EMBEDDER={args.embedder}")
    print("| ADVISOR_SCOPE_PROBE | Advisor() | ask p50 / p95 | scope decision p50 / p95 | questions | load |")
    print("|---|---|---|---|---|---|")
    for _ in range(args.rounds):
        for probe in ("none", "e5"):
            out = subprocess.run([sys.executable, "-m", "benchmarks.scope_probe", "--measure", probe,
                                  "--embedder", args.embedder],
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            r = json.loads(out)
            print(f"| {probe} | {r['construct_ms']:.0f} ms | {r['ask_p50']:.1f} / {r['ask_p95']:.1f} ms | "
                  f"{r['scope_p50']:.2f} / {r['scope_p95']:.2f} ms | {r['n']} | {r['load']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
