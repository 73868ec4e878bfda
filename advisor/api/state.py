"""What the HTTP app holds between requests: the advisor (reloaded when the index changes), the
feedback store (which also keeps the recent answers, for feedback context and export), the
per-client rate limiter and the fair scheduler of the worker threads."""

from __future__ import annotations

import logging
import threading
import time

from advisor.api import telemetry
from advisor.api.scheduler import FairScheduler
from advisor.api.schemas import FeedbackIn
from advisor.config import Settings
from advisor.core import Advisor
from advisor.errors import AdvisorError, IndexNotFoundError, NotFoundError
from advisor.feedback import FeedbackStore
from advisor.index import Layout, index_stamp
from advisor.model import Answer

log = logging.getLogger("advisor.api")


class AdvisorHolder:
    """Loads the advisor and swaps in a new one when another index version is published (by an
    ingest, another worker or an admin upload). The check reads the tiny CURRENT file, at most
    once a second; requests in flight finish on the version they started with."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._advisor: Advisor | None = None
        self._stamp: int | None = None
        self._checked = 0.0
        self.error: str | None = None

    def load(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> None:
        try:
            stamp = index_stamp(self.settings.data_dir)
            advisor = Advisor(self.settings)  # raises with the fix in its message when there is no index
            self._advisor, self._stamp, self.error = advisor, stamp, None
        except (AdvisorError, OSError) as exc:
            self.error = str(exc)
            log.error("index not loaded: %s", exc)

    def get(self) -> Advisor:
        now = time.monotonic()
        if now - self._checked >= 1.0:
            self._checked = now
            stamp = index_stamp(self.settings.data_dir)
            if stamp is not None and stamp != self._stamp:
                with self._lock:
                    if stamp != self._stamp:
                        self._load()
        if self._advisor is None:
            raise IndexNotFoundError(self.error or "the index is not loaded yet; retry in a moment")
        return self._advisor

    @property
    def ready(self) -> bool:
        return self._advisor is not None


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute, `burst` at once."""

    def __init__(self, per_minute: int, burst: int):
        self.rate = per_minute / 60.0
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients
                for key in [k for k, (_, t) in self._buckets.items() if now - t > 600]:
                    self._buckets.pop(key, None)
            return (1.0 - tokens) / self.rate


class AppState:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.advisors = AdvisorHolder(settings)
        self.feedback = FeedbackStore(Layout(settings.data_dir).root / "feedback.sqlite3")
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.scheduler = FairScheduler(settings.work_threads, settings.max_queued_per_client)
        self.page = None  # the chat page (ui.deferred.DeferredPage) when it is served

    @property
    def page_status(self) -> str:
        """The chat page: "starting", "ready", "failed", or "off" when it is not served."""
        return self.page.status if self.page is not None else "off"

    def remember(self, question: str, answer: Answer) -> None:
        """Every edge that answers (API, chat endpoint, chat page) calls this: feedback on the answer
        can then be stored with its question and text, the answer can be exported by its id
        (GET /v1/answers/{id}/export), and it is counted in the metrics."""
        self.feedback.keep_answer(question, answer)
        telemetry.observe_answer(answer)

    def record_feedback(self, answer_id: str, rating: int, comment: str = "") -> int:
        """Store a rating (+1 or -1) with the question and answer it is about, when they are remembered.

        The one way feedback is stored, from the API and the chat page alike, so both get the same
        checks (FeedbackIn: lengths, no control characters); raises pydantic's ValidationError."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be 1 or -1, not {rating!r}")
        checked = FeedbackIn(answer_id=answer_id, rating="up" if rating == 1 else "down", comment=comment)
        kept = self.feedback.answer(checked.answer_id)
        question, text = (kept[0], kept[1].answer) if kept else (None, None)
        return self.feedback.add(checked.answer_id, rating, checked.comment, question, text)

    def withdraw_feedback(self, answer_id: str) -> int:
        """Forget the rating of an answer (the chat page's thumb clicked off again)."""
        checked = FeedbackIn(answer_id=answer_id, rating="up")  # the same check of the id
        return self.feedback.withdraw(checked.answer_id)

    def kept_answer(self, answer_id: str) -> tuple[str, Answer]:
        """The question and answer kept under `answer_id`; NotFoundError when unknown or forgotten."""
        kept = self.feedback.answer(answer_id)
        if kept is None:
            raise NotFoundError(f"no answer {answer_id!r}: answers are kept by the id POST /v1/ask returned "
                                f"(answer_id), the latest {self.feedback.keep_answers} of them")
        return kept
