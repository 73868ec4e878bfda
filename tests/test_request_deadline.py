"""A request past ADVISOR_REQUEST_TIMEOUT_S is stopped, not just answered with a 504: the work in
its thread ends soon after, observed through the `advisor_work_running` gauge of a real server."""

from __future__ import annotations

import random
import re
import string
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from advisor import deadline
from advisor.errors import AnswerTimeout
from tests.server import running_server

RNG = random.Random(19)
CLIENTS = 4
QUESTION_CHARS = 100_000  # this server's ADVISOR_MAX_QUESTION_CHARS: a legal question of ~2 s of CPU


def heavy_question(chars: int = QUESTION_CHARS) -> str:
    """Within the limits, with fresh words each time so no cache helps."""
    words = " ".join("".join(RNG.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(chars // 10))
    return ("Mag ik een schoonmaakopdracht voorbehouden aan de sociale economie? " + words)[:chars]


def running(base: str) -> float:
    found = re.search(r"^advisor_work_running(?:\{[^}]*\})? (\S+)$", httpx.get(f"{base}/metrics").text, re.M)
    assert found, "advisor_work_running is not in /metrics"
    return float(found.group(1))


@pytest.fixture(scope="module")
def server(corpus_settings):
    with running_server(corpus_settings.data_dir, ADVISOR_REQUEST_TIMEOUT_S="0.05", ADVISOR_RATE_LIMIT_PER_MINUTE="0",
                        ADVISOR_MAX_QUESTION_CHARS=str(QUESTION_CHARS)) as base:
        yield base


def test_work_past_its_time_limit_stops_soon_after_the_504(server):
    """Run to their end, four such questions kept the server's threads at work for ~7 s after
    their 504s; stopped at their deadlines, the threads are idle within a fraction of a second."""
    questions = [heavy_question() for _ in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        replies = list(pool.map(lambda q: httpx.post(f"{server}/v1/ask", json={"question": q}, timeout=60),
                                questions))
    answered = time.monotonic()
    assert {r.status_code for r in replies} == {504}, [r.text[:200] for r in replies if r.status_code != 504][:3]
    assert all("ADVISOR_REQUEST_TIMEOUT_S" in r.json()["detail"] for r in replies)
    while running(server) > 0:
        assert time.monotonic() - answered < 1.0, "answer threads still at work a second after their 504s"
        time.sleep(0.02)
    assert httpx.get(f"{server}/healthz").status_code == 200


def test_the_deadline_is_checked_inside_the_core(advisor):
    """In process: past its deadline, the core stops at its next check with the typed error."""
    with deadline.limit(time.monotonic() - 1, 0.05), pytest.raises(AnswerTimeout, match="the work was stopped"):
        advisor.ask(heavy_question(4000))
    assert advisor.ask("Wat is social return?").citations  # no deadline outside the block
