"""The time limit of one request's work, checked where the work can stop.

A thread cannot be killed, so an answer that outlives its time limit must stop itself: the edge
that runs it sets a deadline (`limit`), and the core calls `check()` between its stages and inside
its loops (per query word, per passage, per sentence). Past the deadline, `check()` raises the
typed AnswerTimeout, and the thread ends a few milliseconds after the client got its 504 instead
of running on. Code run without a deadline (the CLI, tests) checks nothing.
"""

from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager

from advisor.errors import AnswerTimeout

_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("deadline", default=None)


@contextmanager
def limit(at: float, seconds: float):
    """Work in this block stops at time.monotonic() == `at` (`seconds` is the limit, for the message)."""
    token = _deadline.set((at, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise AnswerTimeout when the current work is past its deadline."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise AnswerTimeout(f"no answer within {current[1]:g} s; the work was stopped. Try again, "
                            "or raise ADVISOR_REQUEST_TIMEOUT_S")


def run(at: float, seconds: float, fn, *args, **kwargs):
    """`fn(*args, **kwargs)` under the deadline `at`: what a worker thread runs for an edge with a
    time limit (the API's advisor.api.blocking; the chat page's answer threads can do the same)."""
    with limit(at, seconds):
        check()  # it may have waited for its thread past its time
        return fn(*args, **kwargs)
