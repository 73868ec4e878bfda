"""uvicorn's HTTP protocol with a header-read timeout.

uvicorn (0.54) has a keep-alive timeout but none for reading a request's headers: a client that
opens a connection and sends its headers a byte at a time holds that connection, and its memory,
for as long as it likes (slowloris). This protocol arms a timer when a request starts (the
connection opens, or the first byte of the next request on a kept-alive connection arrives) and
closes the connection when the headers are not complete in time. Bodies are not covered: the
body-size limit and the answer timeout bound them."""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional (uvicorn[standard]); h11 always comes with uvicorn
    HttpToolsProtocol = None

log = logging.getLogger("advisor.api")


class HeaderTimeout:
    """Mixed into either of uvicorn's HTTP protocols. Both start a new request-response cycle
    (`self.cycle`) the moment a request's headers are complete, so "headers pending" is: bytes
    arrived while no cycle is running."""

    def __init__(self, *args, header_timeout_s: float = 10.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_timeout_s = header_timeout_s
        self._header_timer: asyncio.TimerHandle | None = None

    def _headers_pending(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            log.info("closed a connection whose request headers took longer than %g s", self.header_timeout_s)
            self.transport.close()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def data_received(self, data: bytes) -> None:
        if self._headers_pending() and self._header_timer is None:  # the next request on a kept-alive connection
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)
        super().data_received(data)
        if not self._headers_pending():
            self._disarm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)


class H11HeaderTimeout(HeaderTimeout, H11Protocol):
    pass


if HttpToolsProtocol is not None:
    class HttpToolsHeaderTimeout(HeaderTimeout, HttpToolsProtocol):
        pass

    HeaderTimeoutProtocol = HttpToolsHeaderTimeout
else:
    HeaderTimeoutProtocol = H11HeaderTimeout  # the protocol uvicorn's "auto" would pick
