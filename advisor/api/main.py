"""The HTTP app: wiring only. Errors become problem-details JSON; no stack trace leaves the server."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from advisor import __version__
from advisor.api.routes import ask, criteria, health
from advisor.config import Settings, get_settings
from advisor.errors import (AdvisorError, IndexNotFoundError, InvalidQuestionError, QuestionTooLongError,
                            RetrievalError)

log = logging.getLogger("advisor.api")


def problem(status: int, title: str, detail: str, errors: list | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from advisor.core import Advisor

        app.state.advisor = Advisor(settings)
        yield

    app = FastAPI(title="Social procurement advisor", version=__version__, lifespan=lifespan,
                  description="Grounded answers on social public procurement, with verbatim citations.")
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(criteria.router)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, errors)

    @app.exception_handler(AdvisorError)
    async def advisor_error(request: Request, exc: AdvisorError):
        if isinstance(exc, QuestionTooLongError):
            return problem(413, "Question too long", str(exc))
        if isinstance(exc, InvalidQuestionError):
            return problem(422, "Invalid question", str(exc))
        if isinstance(exc, IndexNotFoundError):
            return problem(503, "Not ready", str(exc))
        if isinstance(exc, RetrievalError):
            return problem(503, "Search unavailable", str(exc))
        return problem(500, "Advisor error", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "Internal error", "the server failed to answer; the error is logged")

    return app
