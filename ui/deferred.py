"""The chat page, started after the API: importing Gradio and building the page take 4-5 s on two
cores, more than everything else the server does before it answers. So the API serves as soon as
its index is loaded, and the page is built in a thread meanwhile (`DeferredPage.start`).

A request for the page before it is ready waits for it (up to ADVISOR_PAGE_WAIT_S), then gets a 503 that says
the page is starting and reloads itself; if the page could not be built, a 503 that says so (the
reason is in the server log). `/healthz` and `/readyz` report the page's state as `page`.

This module imports no Gradio: `ui.app` does, in the thread."""

from __future__ import annotations

import asyncio
import html
import logging
import threading

from advisor.api.errors import MEDIA_TYPE, problem_bytes
from advisor.api.schemas import PageStatus
from ui.texts import LANGUAGES, t

log = logging.getLogger("advisor.ui")

RETRY_S = 2  # a "starting" reply asks the browser to reload after this many seconds


class DeferredPage:
    """An ASGI app mounted at / in the API app: the Gradio page once built, a clear 503 until then."""

    def __init__(self, parent, state):
        self.parent, self.state = parent, state
        self.status: PageStatus = "starting"
        self._page = None
        self._settled = asyncio.Event()  # ready or failed
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """Begin building the page (call from the app's lifespan, after the index is loaded); returns at once."""
        self._task = asyncio.create_task(self._run(), name="chat-page")

    async def close(self) -> None:
        """Stop the page's queue (the app is shutting down): a built page leaves its lifespan as
        Gradio's own would; a build still under way is abandoned (its thread is a daemon)."""
        self._stop.set()
        if self._task is None:
            return
        if self.status != "ready":
            self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        try:
            page, lifespan = await self._in_thread()
            async with lifespan:  # Gradio's queue and its startup events, as mount_gradio_app would run them
                self._page, self.status = page, "ready"
                self._settled.set()
                log.info("chat page ready")
                await self._stop.wait()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 (the API goes on; the page says it failed, the log says why)
            log.exception("the chat page could not be started; the API is served without it")
            self.status = "failed"
            self._settled.set()

    def _in_thread(self) -> asyncio.Future:
        """Import ui.app (and so Gradio) and build the page in a daemon thread: a server stopped
        while it runs need not wait for it."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def deliver(outcome, failed: bool) -> None:
            if not future.done():
                future.set_exception(outcome) if failed else future.set_result(outcome)

        def build() -> None:
            try:
                from ui.app import page_app

                outcome, failed = page_app(self.parent, self.state), False
            except BaseException as exc:  # noqa: BLE001 (handed to the loop, which logs it)
                outcome, failed = exc, True
            try:
                loop.call_soon_threadsafe(deliver, outcome, failed)
            except RuntimeError:  # the loop closed: the server stopped meanwhile
                pass

        threading.Thread(target=build, name="chat-page-build", daemon=True).start()
        return future

    async def __call__(self, scope, receive, send):
        if self.status == "starting":
            try:
                await asyncio.wait_for(self._settled.wait(), self.state.settings.page_wait_s)
            except TimeoutError:
                pass
        if self._page is not None:
            return await self._page(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1013})  # try again later
        if scope["type"] == "http":
            await self._reply_unavailable(scope, send)

    async def _reply_unavailable(self, scope, send) -> None:
        starting = self.status == "starting"
        key = "page_starting" if starting else "page_failed"
        headers = dict(scope.get("headers") or [])
        wants_html = scope["method"] in ("GET", "HEAD") and b"text/html" in headers.get(b"accept", b"")
        extra = [(b"retry-after", str(RETRY_S).encode())] if starting else []
        if wants_html:
            refresh = f"<meta http-equiv='refresh' content='{RETRY_S}'>" if starting else ""
            paragraphs = "".join(f"<p lang='{lang}'>{html.escape(t(lang, key))}</p>" for lang in LANGUAGES)
            body = (f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>{refresh}"
                    f"<title>{html.escape(t('nl', 'title'))}</title></head><body>{paragraphs}</body></html>").encode()
            content_type = b"text/html; charset=utf-8"
        else:
            detail = (f"the chat page is starting; retry in {RETRY_S} s" if starting
                      else "the chat page could not start (see the server log); the API at /v1/ works")
            body = problem_bytes(503, "Chat page not available", detail)
            content_type = MEDIA_TYPE.encode()
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                *extra]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
