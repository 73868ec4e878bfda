"""Worst-case cost of a request within the limits, and what it does to ordinary clients.

    .venv/bin/python -m benchmarks.adversarial [--runs 5] [--load-seconds 60] [--attackers 8]

Part 1 (in process): CPU time per request for adversarial inputs at the limits (a question that is
one word of ADVISOR_MAX_QUESTION_CHARS letters; a question of as many distinct 48-letter words as
fit; a history of long words up to ADVISOR_MAX_HISTORY_CHARS), each with fresh random words so no
cache helps, median of --runs; and the process's memory after many distinct worst-case requests.
Part 2 (a real server on loopback, rate limit off): --attackers clients send those inputs for
--load-seconds while one ordinary client asks the golden questions; its latencies are printed.
Printed, never asserted. Loopback only, bounded in time, stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import string
import tempfile
import time
from pathlib import Path

import httpx

from advisor.config import load_settings
from advisor.core import Advisor
from benchmarks.measure import percentile, rss_mb, server_pid
from evals import golden
from ingest.pipeline import ingest
from tests.server import running_server

LETTERS = string.ascii_lowercase


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(n))


def inputs(rng: random.Random, max_question: int, max_history: int) -> dict[str, dict]:
    """One request body per adversarial kind, with words no earlier request used."""
    turns = max(1, max_history // 4000)
    return {
        "one long word": {"question": _word(rng, max_question)},
        "many 48-letter words": {"question": " ".join(_word(rng, 48) for _ in range(max_question // 49))},
        # about the length with the most split points left once impossible ones are skipped
        "many 35-letter words": {"question": " ".join(_word(rng, 35) for _ in range(max_question // 36))},
        "history of long words": {"question": "en als het 200.000 euro is?",
                                  "history": [{"role": "user", "content": " ".join(
                                      _word(rng, 48) for _ in range(max_history // turns // 49))}
                                      for _ in range(turns)]},
        "ordinary question": {"question": "Wat is social return?"},
    }


def cpu_table(advisor: Advisor, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    s = advisor.settings
    cost: dict[str, list[float]] = {}
    for _ in range(runs):
        for kind, body in inputs(rng, s.max_question_chars, s.max_history_chars).items():
            started = time.process_time()
            advisor.ask(body["question"], body.get("history"))
            cost.setdefault(kind, []).append((time.process_time() - started) * 1000)
    print(f"| input (limits: question {s.max_question_chars} chars, history {s.max_history_chars} chars) "
          "| CPU ms median | max |")
    print("|---|---|---|")
    for kind, values in cost.items():
        print(f"| {kind} | {statistics.median(values):.1f} | {max(values):.1f} |")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for _ in range(100):
        for body in inputs(rng, s.max_question_chars, s.max_history_chars).values():
            advisor.ask(body["question"], body.get("history"))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {before:.0f} MB before, {after:.0f} MB after 500 more distinct worst-case requests")


async def under_attack(base: str, attackers: int, seconds: float, questions: list[str], seed: int) -> None:
    rng = random.Random(seed)
    ordinary: list[float] = []
    attack: list[float] = []
    errors = {"ordinary": 0, "attack": 0}
    deadline = time.monotonic() + seconds
    settings = load_settings()

    async def attacker(http: httpx.AsyncClient):
        while time.monotonic() < deadline:
            kinds = inputs(rng, settings.max_question_chars, settings.max_history_chars)
            body = kinds[rng.choice(["one long word", "many 48-letter words", "many 35-letter words",
                                     "history of long words"])]
            started = time.perf_counter()
            try:
                r = await http.post("/v1/ask", json=body)
                errors["attack"] += r.status_code != 200
            except httpx.HTTPError:
                errors["attack"] += 1
            attack.append((time.perf_counter() - started) * 1000)

    async def client(http: httpx.AsyncClient):
        n = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                r = await http.post("/v1/ask", json={"question": questions[n % len(questions)]})
                errors["ordinary"] += r.status_code != 200
            except httpx.HTTPError:
                errors["ordinary"] += 1
            ordinary.append((time.perf_counter() - started) * 1000)
            n += 1
            await asyncio.sleep(0.05)

    limits = httpx.Limits(max_connections=attackers + 1, max_keepalive_connections=attackers + 1)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(client(http), *(attacker(http) for _ in range(attackers)))
    print(f"\n{attackers} attackers for {seconds:g} s against one server (1 worker):")
    print("| client | requests | p50 ms | p95 ms | max ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, values in (("ordinary", ordinary), ("attack", attack)):
        print(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | "
              f"{max(values):.1f} | {errors[name]} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=float, default=60, help="0 skips the server part")
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        ingest([settings.corpus_dir], settings)
        cpu_table(Advisor(settings), args.runs, args.seed)
        if args.load_seconds > 0:
            questions = [i.question for i in golden.load()]
            with running_server(settings.data_dir, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
                pid = server_pid(base)
                rss = rss_mb(pid)
                asyncio.run(under_attack(base, args.attackers, args.load_seconds, questions, args.seed))
                print(f"server RSS {rss:.0f} MB before, {rss_mb(pid):.0f} MB after")


if __name__ == "__main__":
    main()
