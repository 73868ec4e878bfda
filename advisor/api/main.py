"""The HTTP app: wiring only. Errors become problem-details JSON; no stack trace leaves the server."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor import __version__
from advisor.api.blocking import StageTimeout
from advisor.api.deps import AdminRefused
from advisor.api.docs import add_docs
from advisor.api.middleware import GuardMiddleware
from advisor.api.routes import ask, criteria, documents, feedback, health, openai_compat
from advisor.api.state import AppState
from advisor.config import Settings, get_settings
from advisor.errors import (AdvisorError, ConfigError, IndexNotFoundError, IngestError, InvalidQuestionError,
                            QuestionTooLongError, RetrievalError)

log = logging.getLogger("advisor.api")

STATUS = [(QuestionTooLongError, 413, "Question too long"), (InvalidQuestionError, 422, "Invalid question"),
          (IngestError, 422, "Document not ingested"), (documents.NotFound, 404, "Not found"),
          (IndexNotFoundError, 503, "Not ready"), (RetrievalError, 503, "Search unavailable"),
          (StageTimeout, 504, "Timeout"), (ConfigError, 500, "Configuration error")]


def problem_body(exc: Exception) -> dict:
    if isinstance(exc, AdminRefused):
        return {"type": "about:blank", "title": "Forbidden", "status": exc.status, "detail": str(exc)}
    for kind, status, title in STATUS:
        if isinstance(exc, kind):
            return {"type": "about:blank", "title": title, "status": status, "detail": str(exc)}
    if isinstance(exc, AdvisorError):
        return {"type": "about:blank", "title": "Advisor error", "status": 500, "detail": str(exc)}
    return {"type": "about:blank", "title": "Internal error", "status": 500,
            "detail": "the server failed to answer; the error is logged"}


def problem(status: int, title: str, detail: str, errors: list | None = None, headers: dict | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def create_app(settings: Settings | None = None, ui: bool = True) -> FastAPI:
    settings = settings or get_settings()
    state = AppState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state.advisors.load()
        yield

    app = FastAPI(title="Social procurement advisor", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # served by add_docs, without a CDN
                  description="Grounded answers on social public procurement, with verbatim citations, a reservation "
                              "verdict and a criteria menu. Errors are RFC 9457 problem documents.")
    app.state.app_state = state
    app.state.settings = settings
    for router in (health.router, ask.router, criteria.router, documents.router, feedback.router,
                   openai_compat.router):
        app.include_router(router)
    add_docs(app)
    app.add_middleware(GuardMiddleware, state=state)

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown_endpoint(rest: str):
        """Unknown API paths are API 404s, not pages of the chat UI mounted at /."""
        return problem(404, "Not found", f"no endpoint /v1/{rest}; the endpoints are listed at /docs")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"field": "body", "message": f"not valid JSON ({e.get('ctx', {}).get('error', e['msg'])}); "
                                               "send a JSON object encoded as UTF-8"}
                  if e["type"] == "json_invalid" else
                  {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = str(exc.detail)
        if exc.status_code == 400 and detail == "There was an error parsing the body":  # FastAPI's words
            detail = "the body could not be read: send a JSON object encoded as UTF-8"
        title = {400: "Bad request", 404: "Not found"}.get(exc.status_code, "HTTP error")
        return problem(exc.status_code, title, detail, headers=getattr(exc, "headers", None))

    async def any_error(request: Request, exc: Exception):
        body = problem_body(exc)
        if body["status"] >= 500:
            log.error("error on %s: %s", request.url.path, type(exc).__name__, exc_info=not isinstance(exc, AdvisorError))
        return problem(body["status"], body["title"], body["detail"])

    app.add_exception_handler(AdvisorError, any_error)   # expected errors: handled, not re-raised
    app.add_exception_handler(Exception, any_error)      # anything else: a 500 without internals

    if ui:
        try:
            from ui.app import mount
        except ImportError as exc:  # the API works without the page
            log.warning("chat page not served (%s); install gradio to get it", exc)
        else:
            app = mount(app, state)
    return app
