"""Run the (CPU-bound, synchronous) advisor off the event loop, with a time limit.

The client gets its 504 at the limit, and the work stops there too: the thread runs under the
same deadline (advisor.deadline), which the core checks as it goes. `advisor_work_running` counts
the threads at work, so a 504 whose work ran on would show."""

from __future__ import annotations

import functools
import time

import anyio

from advisor import deadline
from advisor.api import telemetry
from advisor.errors import AnswerTimeout


def _bounded(at: float, timeout_s: float, fn):
    with telemetry.RUNNING.track_inprogress():
        return deadline.run(at, timeout_s, fn)


async def run(timeout_s: float, fn, *args, **kwargs):
    at = time.monotonic() + timeout_s
    try:
        with anyio.fail_after(max(0.0, at - time.monotonic())):
            return await anyio.to_thread.run_sync(_bounded, at, timeout_s, functools.partial(fn, *args, **kwargs),
                                                  abandon_on_cancel=True)
    except TimeoutError:
        raise AnswerTimeout(f"no answer within {timeout_s:g} s; try again, or raise ADVISOR_REQUEST_TIMEOUT_S") from None


_DONE = object()


async def iterate(timeout_s: float, iterator):
    """Items of a synchronous iterator, each fetched in a worker thread under the time limit."""
    while True:
        item = await run(timeout_s, next, iterator, _DONE)
        if item is _DONE:
            return
        yield item
