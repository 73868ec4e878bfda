"""Run the (CPU-bound, synchronous) advisor off the event loop, with a time limit."""

from __future__ import annotations

import functools

import anyio

from advisor.errors import AnswerTimeout

async def run(timeout_s: float, fn, *args, **kwargs):
    try:
        with anyio.fail_after(timeout_s):
            return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)
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
