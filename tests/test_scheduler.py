"""Fair turns at the worker threads (advisor.api.scheduler): in process, the order jobs run in under a
clock the jobs advance themselves, so each job's cost is exact; on a real server over loopback, a
client with a queue of costly requests does not keep another client's request waiting behind them,
and a client over its queue limit gets a readable 429. Orders are asserted, never milliseconds."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from advisor.api.scheduler import FairScheduler
from advisor.config import load_settings
from advisor.errors import ClientBusy, ConfigError
from tests.server import running_server
from tests.test_request_deadline import heavy_question


class Clock:
    """Time that moves only when a job says what it cost."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make(clock):
    made = []

    def make(slots=1, per_client=100):
        scheduler = FairScheduler(slots, per_client, clock=clock)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.close()


def blocked(scheduler: FairScheduler, client: str, clock: Clock, cost: float = 0.0):
    """Hold the one slot until the returned event is set, so what is queued meanwhile waits."""
    started, release = threading.Event(), threading.Event()

    def hold():
        started.set()
        release.wait(10)
        clock.now += cost

    future = scheduler.submit(client, hold)
    assert started.wait(10)
    return release, future


def run_in_order(scheduler, clock, blocker_client, queue: list[tuple[str, float]], blocker_cost=0.0) -> list[str]:
    """Queue (client, cost) jobs behind a blocker, release it, and return the clients in the order they ran."""
    order: list[str] = []

    def job(client, cost):
        order.append(client)
        clock.now += cost

    release, first = blocked(scheduler, blocker_client, clock, blocker_cost)
    futures = [scheduler.submit(client, job, client, cost) for client, cost in queue]
    release.set()
    for future in [first, *futures]:
        future.result(10)
    return order


def test_a_client_with_a_queue_of_costly_jobs_waits_behind_its_own(make, clock):
    """First come first served would run all of a's jobs before b's one."""
    order = run_in_order(make(), clock, "a", [("a", 1.0)] * 4 + [("b", 1.0)], blocker_cost=1.0)
    assert order == ["b", "a", "a", "a", "a"]


def test_cheap_jobs_get_more_turns_than_costly_ones(make, clock):
    """Each client is charged what its jobs cost: three cheap jobs fit in the time of one costly one."""
    order = run_in_order(make(), clock, "c", [("a", 1.0)] * 3 + [("b", 0.1)] * 3)
    assert order == ["a", "b", "b", "b", "a", "a"]


def test_a_light_client_is_served_before_a_busy_one_whatever_it_queues(make, clock):
    """a has just worked ten seconds; b, a buyer asking now and then, is served first each time
    (with the start-time rule, both "returning" at every request, they were served in arrival order)."""
    scheduler = make()
    for _ in range(10):
        scheduler.submit("a", lambda: setattr(clock, "now", clock.now + 1.0)).result(10)
    order = run_in_order(scheduler, clock, "c", [("a", 1.0), ("b", 0.1)] * 3)
    assert order == ["b", "b", "b", "a", "a", "a"], order


def test_past_work_fades_so_a_once_busy_client_is_not_held_back_for_ever(make, clock):
    """Ten seconds of work, then a long pause (many times MEMORY_S): a and b are level again."""
    from advisor.api.scheduler import MEMORY_S

    scheduler = make()
    for _ in range(10):
        scheduler.submit("a", lambda: setattr(clock, "now", clock.now + 1.0)).result(10)
    clock.now += 20 * MEMORY_S
    order = run_in_order(scheduler, clock, "c", [("a", 1.0), ("b", 1.0)] * 3)
    assert order[:4] in (["a", "b", "a", "b"], ["b", "a", "b", "a"]), order


def test_a_client_over_its_queue_limit_is_refused_with_the_setting_named(make, clock):
    scheduler = make(per_client=2)
    release, first = blocked(scheduler, "a", clock)
    second = scheduler.submit("a", lambda: "a2")
    with pytest.raises(ClientBusy, match="ADVISOR_MAX_QUEUED_PER_CLIENT=2") as refused:
        scheduler.submit("a", lambda: "a3")
    assert refused.value.retry_after_s >= 1
    with pytest.raises(ClientBusy):
        scheduler.check("a")
    other = scheduler.submit("b", lambda: "b1")  # the limit is per client
    release.set()
    assert (second.result(10), other.result(10)) == ("a2", "b1")
    first.result(10)
    assert scheduler.submit("a", lambda: "again").result(10) == "again"  # answered: room again


def test_a_cancelled_waiting_job_never_runs_and_frees_its_place(make, clock):
    scheduler = make(per_client=2)
    ran = []
    release, first = blocked(scheduler, "a", clock)
    waiting = scheduler.submit("a", ran.append, "cancelled job")
    assert waiting.cancel()
    assert scheduler.pending("a") == 1
    kept = scheduler.submit("a", ran.append, "kept job")
    release.set()
    kept.result(10)
    assert ran == ["kept job"]


def test_an_error_in_a_job_reaches_its_caller_and_the_thread_goes_on(make):
    scheduler = make()
    with pytest.raises(ZeroDivisionError):
        scheduler.submit("a", lambda: 1 / 0).result(10)
    assert scheduler.submit("a", lambda: "still working").result(10) == "still working"


def test_several_slots_work_at_once(make, clock):
    scheduler = make(slots=2)
    both = threading.Barrier(2, timeout=10)
    futures = [scheduler.submit(client, both.wait) for client in ("a", "b")]
    assert sorted(f.result(10) for f in futures) == [0, 1]


def test_one_thread_for_extractive_work_more_for_an_llm_and_a_bad_value_named(tmp_path):
    assert load_settings(data_dir=tmp_path).work_threads == 1
    llm = {"generator": "openai", "llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m"}
    assert load_settings(data_dir=tmp_path, **llm).work_threads == 4
    assert load_settings(data_dir=tmp_path, work_slots=2).work_threads == 2
    with pytest.raises(ConfigError, match="ADVISOR_WORK_SLOTS"):
        load_settings(data_dir=tmp_path, work_slots=0)


# --- on a real server: clients told apart by their loopback address (any 127.0.0.x on Linux) ---

QUESTION_CHARS = 100_000
PER_CLIENT = 4


@pytest.fixture(scope="module")
def server(corpus_settings):
    with running_server(corpus_settings.data_dir, ADVISOR_RATE_LIMIT_PER_MINUTE="0",
                        ADVISOR_MAX_QUESTION_CHARS=str(QUESTION_CHARS),
                        ADVISOR_MAX_QUEUED_PER_CLIENT=str(PER_CLIENT), GRADIO_ANALYTICS_ENABLED="False") as base:
        yield base


def client_from(base: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=120, transport=httpx.HTTPTransport(local_address=address))


def work_in_hand(base: str) -> float:
    """Answers waiting for a thread plus answers at work, from /metrics."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    return sum(float(m) for m in re.findall(r"^advisor_work_(?:queued|running)(?:\{[^}]*\})? (\S+)$", text, re.M))


def flood(base: str, pool: ThreadPoolExecutor, address: str, n: int, done: list[str]):
    """`n` costly questions from `address`, sent at once; returns once the server holds all of them."""

    def ask(i):
        with client_from(base, address) as http:
            reply = http.post("/v1/ask", json={"question": heavy_question(QUESTION_CHARS)})
        done.append(f"costly {i}")
        return reply

    futures = [pool.submit(ask, i) for i in range(n)]
    deadline = time.monotonic() + 60
    while work_in_hand(base) < n:
        assert time.monotonic() < deadline, "the costly requests never all reached the server"
        time.sleep(0.01)
    return futures


def test_another_clients_question_is_answered_before_a_queue_of_costly_ones_drains(server):
    """Served first come first served, the ordinary question would wait for all four costly ones."""
    done: list[str] = []
    with ThreadPoolExecutor(PER_CLIENT) as pool:
        costly = flood(server, pool, "127.0.0.2", PER_CLIENT, done)
        with client_from(server, "127.0.0.1") as http:
            reply = http.post("/v1/ask", json={"question": "Wat is social return?"})
        done.append("ordinary")
        assert reply.status_code == 200 and reply.json()["citations"]
        assert all(f.result().status_code == 200 for f in costly)
    assert done.index("ordinary") <= 1, done  # after at most the one at work when it came


def test_a_client_over_its_queue_limit_gets_a_readable_429(server):
    done: list[str] = []
    with ThreadPoolExecutor(PER_CLIENT) as pool:
        costly = flood(server, pool, "127.0.0.3", PER_CLIENT, done)
        with client_from(server, "127.0.0.3") as http:
            refused = http.post("/v1/ask", json={"question": "Wat is social return?"})
            streamed = http.post("/v1/ask", json={"question": "Wat is social return?", "stream": True})
        with client_from(server, "127.0.0.4") as http:  # another client is not refused
            other = http.post("/v1/search", json={"query": "sociale economie", "k": 1})
        assert all(f.result().status_code == 200 for f in costly)
    for reply in (refused, streamed):
        assert reply.status_code == 429, reply.text[:300]
        assert reply.headers["content-type"].startswith("application/problem+json")
        assert int(reply.headers["retry-after"]) >= 1
        assert "ADVISOR_MAX_QUEUED_PER_CLIENT" in reply.json()["detail"]
    assert other.status_code == 200
