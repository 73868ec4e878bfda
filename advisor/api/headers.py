"""Security headers on every response: the API, the chat page, the document view and the docs.

The page shows text from uploaded documents; it is escaped where it is rendered (ui/render.py,
advisor/inert.py), and the Content-Security-Policy is the second line: even text that slipped
through cannot load a remote image, post to another site or frame the page. Gradio needs inline
scripts and styles (its configuration is an inline script) and evaluates gr.HTML's templates with
`new Function` (gradio 6), so script-src allows 'unsafe-inline' and 'unsafe-eval', but no other
origin: what the policy buys here is img-src, connect-src, form-action and frame-ancestors."""

from __future__ import annotations

PAGE_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; media-src 'self'; "
               "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
               "frame-ancestors 'none'")
# The document view is static text: no script at all.
DOCUMENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
                   "form-action 'none'; frame-ancestors 'none'")

ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
          (b"x-frame-options", b"DENY")]


class SecurityHeadersMiddleware:
    """Adds nosniff, no-referrer and a Content-Security-Policy to every HTTP response (a response
    that sets its own CSP keeps it)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in ALWAYS if name not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
