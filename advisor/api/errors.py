"""The one place problem documents (RFC 9457, application/problem+json) are made.

Every error the HTTP layer reports goes through here: the exception handlers, the guard
middleware (413, 429), and errors in the middle of a stream (sent in-band). The advisor's
errors (advisor.errors) are mapped to status codes by type (a ClientBusy from the scheduler is a
429 with Retry-After); anything else is a 500 whose detail says nothing of the server's internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.errors import (AccessDenied, AdvisorError, AnswerTimeout, ClientBusy, ConfigError, DocumentExists,
                            IndexNotFoundError, IngestError, InvalidQuestionError, NotFoundError, QuestionTooLongError,
                            RetrievalError)

log = logging.getLogger("advisor.api")
MEDIA_TYPE = "application/problem+json"

# first match wins, so a subclass comes before its base
STATUS: list[tuple[type[AdvisorError], int, str]] = [
    (QuestionTooLongError, 413, "Question too long"), (InvalidQuestionError, 422, "Invalid question"),
    (IngestError, 422, "Document not ingested"), (NotFoundError, 404, "Not found"), (AccessDenied, 403, "Forbidden"),
    (DocumentExists, 409, "Document exists"),
    (IndexNotFoundError, 503, "Not ready"), (RetrievalError, 503, "Search unavailable"),
    (AnswerTimeout, 504, "Timeout"), (ClientBusy, 429, "Too many requests"),
    (ConfigError, 500, "Configuration error")]


class FieldError(BaseModel):
    field: str = Field(description="Where in the request, dotted (e.g. history.0.role); empty for the whole body.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""
    model_config = {"json_schema_extra": {"examples": [
        {"type": "about:blank", "title": "Invalid request", "status": 422,
         "detail": "question: String should have at least 1 character",
         "errors": [{"field": "question", "message": "String should have at least 1 character"}]}]}}

    type: str = "about:blank"
    title: str = Field(description="The kind of problem, the same for every occurrence.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong this time, and how to fix it.")
    errors: list[FieldError] | None = Field(None, description="For invalid requests: one entry per bad field.")

    def body(self) -> dict:
        return self.model_dump(exclude_none=True)


def problem_for(exc: Exception) -> Problem:
    """The problem document for an exception: the advisor's errors by type, anything else a bare 500."""
    for kind, status, title in STATUS:
        if isinstance(exc, kind):
            return Problem(title=title, status=status, detail=str(exc))
    if isinstance(exc, AdvisorError):
        return Problem(title="Advisor error", status=500, detail=str(exc))
    return Problem(title="Internal error", status=500, detail="the server failed to answer; the error is logged")


def problem(status: int, title: str, detail: str, errors: list[dict] | None = None,
            headers: dict | None = None) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, errors=errors).body()
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def problem_bytes(status: int, title: str, detail: str) -> bytes:
    """The encoded document, for the ASGI middleware that answers before any route runs."""
    return Problem(title=title, status=status, detail=detail).model_dump_json(exclude_none=True).encode()


def _field_errors(exc: RequestValidationError) -> list[dict]:
    return [{"field": "body", "message": f"not valid JSON ({e.get('ctx', {}).get('error', e['msg'])}); "
                                        "send a JSON object encoded as UTF-8"}
            if e["type"] == "json_invalid" else
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
            for e in exc.errors()]


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = _field_errors(exc)
    detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
    return problem(422, "Invalid request", detail, errors)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = str(exc.detail)
    if exc.status_code == 400 and detail == "There was an error parsing the body":  # FastAPI's words
        detail = "the body could not be read: send a JSON object encoded as UTF-8"
    title = {400: "Bad request", 404: "Not found"}.get(exc.status_code, "HTTP error")
    return problem(exc.status_code, title, detail, headers=getattr(exc, "headers", None))


async def _any_error(request: Request, exc: Exception) -> JSONResponse:
    found = problem_for(exc)
    if found.status >= 500:
        log.error("error on %s: %s", request.url.path, type(exc).__name__, exc_info=not isinstance(exc, AdvisorError))
    retry = getattr(exc, "retry_after_s", None)
    return problem(found.status, found.title, found.detail, headers={"Retry-After": str(retry)} if retry else None)


def install(app: FastAPI) -> None:
    """Answer every error of the app with a problem document."""
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(AdvisorError, _any_error)   # expected errors: handled, not re-raised
    app.add_exception_handler(Exception, _any_error)      # anything else: a 500 without internals
