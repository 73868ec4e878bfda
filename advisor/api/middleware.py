"""ASGI middleware: body-size limit, per-client rate limit, request metrics."""

from __future__ import annotations

import math
import time

from advisor.api import telemetry
from advisor.api.errors import MEDIA_TYPE, problem_bytes

LIMITED_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The chat page's own endpoints (Gradio's event queue) count against the same rate as the API.
LIMITED_PREFIXES = ("/v1/", "/gradio_api/")
# The page has no upload component: Gradio's upload route would only take anonymous files into its temp folder.
CLOSED_PATHS = {"/gradio_api/upload", "/upload", "/gradio_api/upload_progress"}


def client_key(scope) -> str:
    """Who a request is from, for the rate limit and the fair scheduler: its socket address, which
    `advisor serve` replaces with X-Forwarded-For only for ADVISOR_FORWARDED_ALLOW_IPS proxies."""
    return (scope.get("client") or ("unknown", 0))[0]


def _problem(status: int, title: str, detail: str, headers: list | None = None):
    body = problem_bytes(status, title, detail)
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode()),
                         *(headers or [])]}
    return start, {"type": "http.response.body", "body": body}


class GuardMiddleware:
    """Refuses oversized bodies (413) and clients over their rate (429 with Retry-After), and
    counts every request with its route, status and latency."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        status_holder = {"status": 500}
        settings = self.state.settings

        async def send_and_record(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        async def reply(status, title, detail, headers=None):
            start, body = _problem(status, title, detail, headers)
            await send_and_record(start)
            await send_and_record(body)

        try:
            limit = settings.max_upload_bytes if path == "/v1/documents" and method == "POST" else settings.max_body_bytes
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and length.isdigit() and int(length) > limit:
                return await reply(413, "Request too large", f"the body has {int(length)} bytes, more than the "
                                   f"{limit} allowed; send less (limit: ADVISOR_MAX_BODY_BYTES / ADVISOR_MAX_UPLOAD_BYTES)")
            if path.rstrip("/") in CLOSED_PATHS:
                return await reply(404, "Not found", "this server takes no file uploads here; documents are added "
                                   "with POST /v1/documents (admin)")
            if method in LIMITED_METHODS and path.startswith(LIMITED_PREFIXES):
                wait = self.state.limiter.check(client_key(scope))
                if wait > 0:
                    retry = str(max(1, math.ceil(wait)))
                    return await reply(429, "Too many requests", f"rate limit of {settings.rate_limit_per_minute} "
                                       f"requests a minute reached; retry in {retry} s",
                                       [(b"retry-after", retry.encode())])
            received, refused = 0, False

            async def counted_receive():
                """Counts the body as it streams (a chunked body has no Content-Length): over the limit,
                the 413 goes out at once and the app sees a disconnect, so it stops reading."""
                nonlocal received, refused
                if refused:
                    return {"type": "http.disconnect"}
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        refused = True
                        await reply(413, "Request too large", f"the body is larger than the {limit} bytes allowed; "
                                    "send less (limit: ADVISOR_MAX_BODY_BYTES / ADVISOR_MAX_UPLOAD_BYTES)")
                        return {"type": "http.disconnect"}
                return message

            async def send_unless_refused(message):
                if not refused:  # after a 413, what the app makes of the disconnect is not sent
                    await send_and_record(message)

            try:
                await self.app(scope, counted_receive, send_unless_refused)
            except Exception:
                if not refused:
                    raise
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or ("/v1/other" if path.startswith("/v1/") else "other")
            telemetry.REQUESTS.labels(method, name, str(status_holder["status"])).inc()
            telemetry.LATENCY.labels(name).observe(time.perf_counter() - started)
            if status_holder["status"] >= 400:
                telemetry.ERRORS.labels(str(status_holder["status"])).inc()
