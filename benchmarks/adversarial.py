"""Worst-case cost of a request within the limits, and what it does to ordinary clients.

    .venv/bin/python -m benchmarks.adversarial [--runs 5] [--load-seconds 60] [--attackers 8]
        [--one-address] [--set ADVISOR_WORK_SLOTS=2 ...]

Part 1 (in process): CPU time per request for adversarial inputs at the limits (a question that is
one word of ADVISOR_MAX_QUESTION_CHARS letters; a question of as many distinct 48-letter words as
fit; a history of long words up to ADVISOR_MAX_HISTORY_CHARS), each with fresh random words so no
cache helps, median of --runs; and the process's memory after many distinct worst-case requests.
Part 2 (a real server on loopback, rate limit off): --attackers clients send those inputs back to
back for --load-seconds while one ordinary client (a process of its own) asks the golden questions,
pausing --pause s after each answer, --runs times; the
ordinary client's latencies and the attackers' throughput are printed per run and as the median of
the runs. Each client has its own address, as on a network (the ordinary client 127.0.0.1, the
attackers 127.0.0.2 and up: on Linux all of 127/8 is loopback), so the server can tell them apart;
--one-address sends everything from 127.0.0.1, one client to the server. --set passes settings to
the server. Printed, never asserted. Loopback only, bounded in time, stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import statistics
import string
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
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
    return "".join(rng.choices(LETTERS, k=n))


def _words(rng: random.Random, chars: int, length: int) -> str:
    return " ".join(_word(rng, length) for _ in range(chars // (length + 1)))


def _history(rng: random.Random, max_history: int) -> list[dict]:
    turns = max(1, max_history // 4000)
    return [{"role": "user", "content": _words(rng, max_history // turns, 48)} for _ in range(turns)]


# Each kind: a request body at the limits (question, history), with words no earlier request used.
KINDS = {
    "one long word": lambda rng, q, h: {"question": _word(rng, q)},
    "many 48-letter words": lambda rng, q, h: {"question": _words(rng, q, 48)},
    # about the length with the most split points left once impossible ones are skipped
    "many 35-letter words": lambda rng, q, h: {"question": _words(rng, q, 35)},
    "history of long words": lambda rng, q, h: {"question": "en als het 200.000 euro is?", "history": _history(rng, h)},
    "ordinary question": lambda rng, q, h: {"question": "Wat is social return?"},
}
ATTACKS = [kind for kind in KINDS if kind != "ordinary question"]


def inputs(rng: random.Random, max_question: int, max_history: int) -> dict[str, dict]:
    """One request body per adversarial kind."""
    return {kind: make(rng, max_question, max_history) for kind, make in KINDS.items()}


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


def _client(base: str, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, timeout=60, transport=httpx.AsyncHTTPTransport(local_address=address))


async def _ask(client: httpx.AsyncClient, body: dict) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        ok = (await client.post("/v1/ask", json=body)).status_code == 200
    except httpx.HTTPError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


async def _attackers(base: str, addresses: list[str], until: float, rng: random.Random) -> list[tuple[float, bool]]:
    settings = load_settings()
    replies: list[tuple[float, bool]] = []

    async def attacker(address: str):
        async with _client(base, address) as client:
            while time.monotonic() < until:
                replies.append(await _ask(client, KINDS[rng.choice(ATTACKS)](
                    rng, settings.max_question_chars, settings.max_history_chars)))

    await asyncio.gather(*(attacker(address) for address in addresses))
    return replies


async def _ordinary(base: str, address: str, until: float, questions: list[str], pause_s: float):
    replies: list[tuple[float, bool]] = []
    async with _client(base, address) as client:
        while time.monotonic() < until:
            replies.append(await _ask(client, {"question": questions[len(replies) % len(questions)]}))
            await asyncio.sleep(pause_s)
    return replies


def ordinary_client(base: str, address: str, start: float, until: float, questions: list[str], pause_s: float):
    """The ordinary client, in a process of its own as on another machine: sharing the attackers'
    event loop, its latencies would include their client-side work."""
    time.sleep(max(0.0, start - time.monotonic()))  # CLOCK_MONOTONIC: the same clock in every process
    return asyncio.run(_ordinary(base, address, until, questions, pause_s))


def under_attack(pool: ProcessPoolExecutor, base: str, args, questions: list[str], rng: random.Random) -> dict:
    """One run: the ordinary client's and the attackers' replies (ms, ok)."""
    addresses = ["127.0.0.1" if args.one_address else f"127.0.0.{2 + i}" for i in range(args.attackers)]
    start = time.monotonic() + 0.5
    until = start + args.load_seconds
    ordinary = pool.submit(ordinary_client, base, "127.0.0.1", start, until, questions, args.pause)
    time.sleep(max(0.0, start - time.monotonic()))
    attack = asyncio.run(_attackers(base, addresses, until, rng))
    return {"ordinary": ordinary.result(), "attack": attack, "seconds": args.load_seconds}


def print_runs(runs: list[dict], args, server_settings: dict) -> None:
    attackers = args.attackers
    rows = []
    for r in runs:
        ordinary, attack = [ms for ms, _ in r["ordinary"]], [ms for ms, _ in r["attack"]]
        answered = sum(ok for _, ok in r["attack"])
        rows.append({"ordinary requests": len(ordinary), "p50": statistics.median(ordinary),
                     "p95": percentile(ordinary, 0.95), "max": max(ordinary),
                     "ordinary errors": sum(not ok for _, ok in r["ordinary"]), "attack requests": len(attack),
                     "attack req/s": answered / r["seconds"], "attack p50": statistics.median(attack),
                     "attack errors": len(attack) - answered})
    where = "all from 127.0.0.1 (one client to the server)" if args.one_address else \
        f"ordinary client 127.0.0.1, attackers 127.0.0.2-{1 + attackers}"
    settings = "".join(f", {k}={v}" for k, v in server_settings.items())
    print(f"\n{attackers} attackers for {runs[0]['seconds']:g} s against one server ({args.workers} worker"
          f"{'s' if args.workers > 1 else ''}{settings}), {where}; the ordinary client pauses {args.pause:g} s "
          "between questions:")
    print("| run | ordinary requests | ordinary p50 ms | ordinary p95 ms | ordinary max ms | ordinary errors "
          "| attack requests | attack answered/s | attack p50 ms | attack errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for i, row in enumerate(rows, start=1):
        print(f"| {i} | {row['ordinary requests']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} | "
              f"{row['ordinary errors']} | {row['attack requests']} | {row['attack req/s']:.1f} | "
              f"{row['attack p50']:.1f} | {row['attack errors']} |")
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    print(f"| median | {median['ordinary requests']:.0f} | {median['p50']:.1f} | {median['p95']:.1f} | "
          f"{median['max']:.1f} | {median['ordinary errors']:.0f} | {median['attack requests']:.0f} | "
          f"{median['attack req/s']:.1f} | {median['attack p50']:.1f} | {median['attack errors']:.0f} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=float, default=60, help="0 skips the server part")
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pause", type=float, default=0.05,
                        help="seconds the ordinary client waits after an answer before its next question")
    parser.add_argument("--workers", type=int, default=1, help="server processes (advisor serve --workers)")
    parser.add_argument("--one-address", action="store_true", help="every client from 127.0.0.1")
    parser.add_argument("--set", action="append", default=[], metavar="ADVISOR_NAME=VALUE",
                        help="a setting for the server (repeatable)")
    args = parser.parse_args(argv)
    server_settings = dict(item.split("=", 1) for item in args.set)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        ingest([settings.corpus_dir], settings)
        cpu_table(Advisor(settings), args.runs, args.seed)
        if args.load_seconds > 0:
            questions = [i.question for i in golden.load()]
            rng = random.Random(args.seed)
            with running_server(settings.data_dir, workers=args.workers, **{"ADVISOR_RATE_LIMIT_PER_MINUTE": "0", **server_settings}) as base:
                pid = server_pid(base)
                rss = rss_mb(pid)
                for question in questions:  # warm: the runs measure the steady state, not the first answers
                    httpx.post(f"{base}/v1/ask", json={"question": question}, timeout=60)
                with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                    pool.submit(time.sleep, 0).result()  # the process is up before the clock starts
                    runs = [under_attack(pool, base, args, questions, rng) for _ in range(args.runs)]
                print_runs(runs, args, server_settings)
                print(f"server RSS {rss:.0f} MB before, {rss_mb(pid):.0f} MB after; load average at the end "
                      f"{os.getloadavg()[0]:.1f} (the client and the server share this machine's cores)")


if __name__ == "__main__":
    main()
