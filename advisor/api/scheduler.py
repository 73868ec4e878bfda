"""Fair turns at the advisor's worker threads, per client.

The advisor's work is CPU-bound Python under one GIL, so a process answers about as fast with one or
two threads at work as with forty: more threads only make every answer slower. First come, first
served, a client that keeps eight worst-case requests queued is in front of everyone who comes after
it. Here a fixed number of worker threads (ADVISOR_WORK_SLOTS) take the next computation from the
client that has used the least work time lately: each client is charged the seconds its
computations held a thread, and what it was charged fades with a time constant of MEMORY_S seconds.
A client that sends a stream of costly requests waits behind its own requests, not in front of
others'; a client that asks now and then (a buyer at the chat page) is served next, whatever the
heavy ones queue. (Start-time fair queueing, tried first, gave a returning client no credit for its
idle time; but a client with one request in flight is "returning" at every request, so eight such
attackers and a buyer were served first come, first served.)

A client may have at most ADVISOR_MAX_QUEUED_PER_CLIENT computations waiting or at work; past it,
`submit` raises ClientBusy (a 429). The client key is the one the rate limit uses: the socket
address, or the forwarded one from a configured proxy (advisor.api.middleware.client_key).

Framework-free (threads and concurrent.futures): the API awaits the futures (advisor.api.blocking),
the chat page waits on them in its own threads (ui.app.within)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from concurrent.futures import Future
import math
from dataclasses import dataclass, field

from advisor.api import telemetry
from advisor.errors import ClientBusy


@dataclass
class _Job:
    seq: int
    client: str
    future: Future
    fn: object
    args: tuple
    kwargs: dict


MEMORY_S = 10.0  # the time constant with which a client's charged work fades
FORGET_BELOW_S = 0.001  # an idle client whose faded work is below this is forgotten


@dataclass
class _Client:
    used: float = 0.0   # seconds of work charged, as of `at`
    at: float = 0.0
    waiting: deque = field(default_factory=deque)
    running: dict = field(default_factory=dict)  # job seq -> when it started

    def pending(self) -> int:
        return len(self.waiting) + len(self.running)

    def recent(self, now: float) -> float:
        """Charged work, faded to `now`."""
        return self.used * math.exp(-max(0.0, now - self.at) / MEMORY_S)

    def charge(self, seconds: float, now: float) -> None:
        self.used, self.at = self.recent(now) + seconds, now

    def share_key(self, now: float) -> float:
        """Recent work, counting what its running jobs have used until now."""
        return self.recent(now) + sum(now - started for started in self.running.values())


class FairScheduler:
    """`slots` worker threads that serve waiting computations by least work used per client."""

    def __init__(self, slots: int, max_queued_per_client: int, clock=time.monotonic):
        if slots < 1 or max_queued_per_client < 1:
            raise ValueError(f"slots ({slots}) and max_queued_per_client ({max_queued_per_client}) must be at least 1")
        self.slots = slots
        self.max_queued_per_client = max_queued_per_client
        self._now = clock
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._clients: dict[str, _Client] = {}
        self._seq = itertools.count()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, client: str, fn, *args, **kwargs) -> Future:
        """Queue `fn(*args, **kwargs)` for `client`; its Future is cancelled (and the job dropped) by
        `future.cancel()` while it waits. Raises ClientBusy when the client is at its limit."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the scheduler is closed")
            self._start_threads()
            state = self._clients.get(client)
            if state is None:
                state = self._clients[client] = _Client()
            self._refuse_when_full(state)
            job = _Job(next(self._seq), client, future, fn, args, kwargs)
            state.waiting.append(job)
            telemetry.QUEUED.inc()
            self._ready.notify()
        future.add_done_callback(lambda f, job=job: self._forget_if_cancelled(job, f))
        return future

    def check(self, client: str) -> None:
        """Raise ClientBusy when `client` could not submit now (a stream checks before it starts)."""
        with self._lock:
            state = self._clients.get(client)
            if state is not None:
                self._refuse_when_full(state)

    def _refuse_when_full(self, state: _Client) -> None:
        if state.pending() >= self.max_queued_per_client:
            raise ClientBusy(f"this client already has {state.pending()} requests waiting or being answered, the most "
                             f"allowed (ADVISOR_MAX_QUEUED_PER_CLIENT={self.max_queued_per_client}); wait for an "
                             "answer before sending more", retry_after_s=1)

    def pending(self, client: str) -> int:
        with self._lock:
            state = self._clients.get(client)
            return state.pending() if state else 0

    def close(self) -> None:
        """Stop the worker threads once the jobs already queued are done (tests; the server never closes)."""
        with self._lock:
            self._closed = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join()

    def _start_threads(self) -> None:
        while len(self._threads) < self.slots:
            thread = threading.Thread(target=self._work, name=f"advisor-work-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _forget_if_cancelled(self, job: _Job, future: Future) -> None:
        if not future.cancelled():
            return
        with self._lock:
            state = self._clients.get(job.client)
            if state is not None and job in state.waiting:
                state.waiting.remove(job)
                telemetry.QUEUED.dec()
                self._drop_if_idle(job.client, state)

    def _next_job(self) -> _Job | None:
        """The oldest waiting job of the client with the least recent work; None once closed and empty."""
        with self._lock:
            while True:
                now = self._now()
                candidates = [(state.share_key(now), state.waiting[0].seq, name)
                              for name, state in self._clients.items() if state.waiting]
                if candidates:
                    _, _, name = min(candidates)
                    state = self._clients[name]
                    job = state.waiting.popleft()
                    telemetry.QUEUED.dec()
                    state.running[job.seq] = now
                    return job
                if self._closed:
                    return None
                self._ready.wait()

    def _work(self) -> None:
        while (job := self._next_job()) is not None:
            started = self._now()
            if job.future.set_running_or_notify_cancel():
                with telemetry.RUNNING.track_inprogress():
                    try:
                        result = job.fn(*job.args, **job.kwargs)
                    except BaseException as exc:  # handed to whoever waits for it
                        job.future.set_exception(exc)
                    else:
                        job.future.set_result(result)
            with self._lock:
                state = self._clients[job.client]
                del state.running[job.seq]
                state.charge(self._now() - started, self._now())
                self._drop_if_idle(job.client, state)

    def _drop_if_idle(self, name: str, state: _Client) -> None:
        """Forget a client with nothing pending whose charged work has faded, so the table holds only
        clients that matter."""
        if not state.pending() and state.recent(self._now()) < FORGET_BELOW_S:
            self._clients.pop(name, None)
        elif len(self._clients) > 10_000:  # debtors that never came back: forget the idle ones
            for key in [k for k, s in self._clients.items() if not s.pending()]:
                self._clients.pop(key, None)
