"""Run the (CPU-bound, synchronous) advisor off the event loop, with a time limit.

Answers and searches take their turn at the fair scheduler's worker threads (advisor.api.scheduler),
as the client that asked (`Work`): a client with many costly requests waits behind its own. The
time limit counts from the call, so time spent waiting for a turn counts too. The client gets its
504 at the limit, and the work stops there too: a job still waiting is dropped, a job at work runs
under the same deadline (advisor.deadline), which the core checks as it goes. `advisor_work_running`
counts the threads at work, `advisor_work_queued` the jobs waiting, so a 504 whose work ran on would show.

Admin work (uploads, deletions) is not an answer: it is authenticated, may take minutes and must not
hold an answer's thread, so it runs in anyio's threads (`run`), under its own time limit."""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass

import anyio

from advisor import deadline
from advisor.api import telemetry
from advisor.api.scheduler import FairScheduler
from advisor.errors import AnswerTimeout


def _timeout(timeout_s: float) -> AnswerTimeout:
    return AnswerTimeout(f"no answer within {timeout_s:g} s; try again, or raise ADVISOR_REQUEST_TIMEOUT_S")


@dataclass(frozen=True)
class Work:
    """One client's way to the worker threads (the client key of advisor.api.middleware.client_key)."""

    scheduler: FairScheduler
    client: str

    def check(self) -> None:
        """Raise ClientBusy (429) when the client may queue nothing more: a stream asks before it starts."""
        self.scheduler.check(self.client)

    async def _turn(self, at: float, timeout_s: float, fn, *args):
        future = self.scheduler.submit(self.client, deadline.run, at, timeout_s, fn, *args)
        try:
            with anyio.fail_after(max(0.0, at - time.monotonic())):
                return await asyncio.wrap_future(future)  # cancelled on time-out: a waiting job is dropped
        except TimeoutError:
            future.cancel()
            raise _timeout(timeout_s) from None

    async def run(self, timeout_s: float, fn, *args, **kwargs):
        """`fn(*args, **kwargs)` in its turn, within `timeout_s` of now, waiting included."""
        return await self._turn(time.monotonic() + timeout_s, timeout_s, functools.partial(fn, *args, **kwargs))

    async def iterate(self, timeout_s: float, iterator):
        """Items of a synchronous iterator, each fetched in its turn, all of them within `timeout_s`."""
        at = time.monotonic() + timeout_s
        while True:
            item = await self._turn(at, timeout_s, next, iterator, _DONE)
            if item is _DONE:
                return
            yield item


_DONE = object()


def _bounded(at: float, timeout_s: float, fn):
    with telemetry.RUNNING.track_inprogress():
        return deadline.run(at, timeout_s, fn)


async def run(timeout_s: float, fn, *args, **kwargs):
    """Admin work in one of anyio's threads, outside the scheduler, under the time limit."""
    at = time.monotonic() + timeout_s
    try:
        with anyio.fail_after(max(0.0, at - time.monotonic())):
            return await anyio.to_thread.run_sync(_bounded, at, timeout_s, functools.partial(fn, *args, **kwargs),
                                                  abandon_on_cancel=True)
    except TimeoutError:
        raise _timeout(timeout_s) from None
