"""The HTTP app: wiring only. Errors become problem-details JSON; no stack trace leaves the server."""

from __future__ import annotations

import importlib.util
import logging
import sys
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from advisor import __version__
from advisor.api import errors
from advisor.api.docs import add_docs
from advisor.api.headers import SecurityHeadersMiddleware
from advisor.api.middleware import GuardMiddleware
from advisor.api.routes import answers, ask, criteria, documents, feedback, health, openai_compat
from advisor.api.state import AppState
from advisor.config import Settings, get_settings

log = logging.getLogger("advisor.api")


def create_app(settings: Settings | None = None, ui: bool = True) -> FastAPI:
    settings = settings or get_settings()
    state = AppState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from ingest.uploads import clean_uploads

        # the request loop gets the interpreter lock back from the answer thread every this often
        sys.setswitchinterval(settings.switch_interval_ms / 1000)

        clean_uploads(settings)  # files a crash mid-upload left behind
        state.advisors.load()
        if state.page is not None:
            await state.page.start()  # built in a thread: the API serves meanwhile
        yield
        if state.page is not None:
            await state.page.close()

    app = FastAPI(title="Social procurement advisor", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # served by add_docs, without a CDN
                  description="Grounded answers on social public procurement, with verbatim citations, a reservation "
                              "verdict and a criteria menu. Errors are RFC 9457 problem documents.")
    app.state.app_state = state
    app.state.settings = settings
    for router in (health.router, ask.router, answers.router, criteria.router, documents.router, feedback.router,
                   openai_compat.router):
        app.include_router(router)
    add_docs(app)
    app.add_middleware(GuardMiddleware, state=state)
    # No cross-origin access at all (the page and the API are same-origin). A CORSMiddleware on this
    # app also stops Gradio adding its own, which echoes any localhost origin with credentials.
    app.add_middleware(CORSMiddleware, allow_origins=[])
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every response gets the headers

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown_endpoint(rest: str):
        """Unknown API paths are API 404s, not pages of the chat UI mounted at /."""
        return errors.problem(404, "Not found", f"no endpoint /v1/{rest}; the endpoints are listed at /docs")

    errors.install(app)

    if ui:
        if importlib.util.find_spec("gradio") is None:  # the API works without the page
            log.warning("chat page not served: gradio is not installed; install it to get the page")
        else:
            from ui.deferred import DeferredPage
            from ui.pages import router as document_pages

            app.include_router(document_pages)
            state.page = DeferredPage(app, state)
            app.mount("/", state.page)  # after every API route
    return app
