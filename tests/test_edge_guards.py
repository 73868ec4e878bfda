"""One set of guards for every entry point, on a real `advisor serve` over loopback: security
headers on every response, no CORS, Gradio's upload route closed, the page's own endpoints under
the rate limit, X-Forwarded-For believed only from configured proxies, a header-read timeout, and
OpenAI-compatible output in which document text is inert Markdown."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import httpx
import pytest

from tests.server import running_server

BURST = 5
QUIET = {"GRADIO_ANALYTICS_ENABLED": "False", "ADVISOR_RATE_LIMIT_PER_MINUTE": "30",
         "ADVISOR_RATE_LIMIT_BURST": str(BURST)}


@pytest.fixture(scope="module")
def data(data_dir):
    return data_dir


@pytest.fixture(scope="module")
def base(data):
    with running_server(data, timeout=90, ADVISOR_HEADER_TIMEOUT_S="1", **QUIET) as url:
        yield url


@pytest.mark.parametrize("method,path", [("GET", "/"), ("GET", "/healthz"), ("GET", "/v1/criteria"),
                                         ("GET", "/docs"), ("GET", "/v1/nothing-here"),
                                         ("POST", "/v1/ask")])  # the last: a 422 problem document
def test_every_response_carries_the_security_headers(base, method, path):
    reply = httpx.request(method, base + path, json={} if method == "POST" else None, timeout=30)
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "no-referrer"
    policy = reply.headers["content-security-policy"]
    assert "img-src 'self' data:" in policy and "frame-ancestors 'none'" in policy


def test_the_document_view_allows_no_script(base):
    doc_id = httpx.get(base + "/v1/documents", timeout=10).json()[0]["id"]
    for path in (f"/ui/documents/{doc_id}", "/ui/documents/unknown"):
        reply = httpx.get(base + path, timeout=10)
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy
        assert reply.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("method,path", [("GET", "/config"), ("GET", "/gradio_api/info"), ("GET", "/v1/criteria"),
                                         ("OPTIONS", "/gradio_api/queue/join")])
def test_no_origin_gets_cross_origin_access(base, method, path):
    headers = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
    reply = httpx.request(method, base + path, headers=headers, timeout=10)
    assert "access-control-allow-origin" not in reply.headers
    assert "access-control-allow-credentials" not in reply.headers


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/upload"])
def test_gradio_upload_route_is_closed(base, path):
    reply = httpx.post(base + path, files={"files": ("x.txt", b"anonymous file", "text/plain")}, timeout=10)
    assert reply.status_code == 404
    assert reply.headers["content-type"].startswith("application/problem+json")


def _slow_headers(base: str, pause_s: float, rounds: int) -> tuple[float, bytes]:
    """Send a request's headers a few bytes at a time; the seconds until the server closed, and what it sent."""
    url = urlparse(base)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\n")
        try:
            for i in range(rounds):
                conn.sendall(f"X-Slow-{i}: 1\r\n".encode())
                time.sleep(pause_s)
            conn.sendall(b"Host: x\r\n\r\n")
            received = conn.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            received = b""
        return time.monotonic() - started, received


def test_a_client_sending_headers_slowly_is_cut_off(base):
    elapsed, received = _slow_headers(base, pause_s=0.25, rounds=40)  # would take 10 s
    assert received == b"" and elapsed < 5, (elapsed, received)


def test_a_client_sending_headers_in_time_is_answered(base):
    _, received = _slow_headers(base, pause_s=0.1, rounds=3)
    assert received.startswith(b"HTTP/1.1 200")
    with httpx.Client(base_url=base, timeout=10) as client:  # kept-alive connections go on working
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
            time.sleep(0.3)


def _search_statuses(base: str, forwarded: bool, n: int = 3 * BURST) -> list[int]:
    with httpx.Client(base_url=base, timeout=30) as client:
        return [client.post("/v1/search", json={"query": "sociale economie", "k": 1},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"} if forwarded else {}).status_code
                for i in range(n)]


def test_rotating_forwarded_for_from_an_untrusted_peer_is_limited(data):
    with running_server(data, timeout=90, **QUIET) as url:
        statuses = _search_statuses(url, forwarded=True)
    assert statuses[:BURST] == [200] * BURST and 429 in statuses, statuses


def test_forwarded_for_is_honoured_from_a_configured_proxy(data):
    with running_server(data, timeout=90, ADVISOR_FORWARDED_ALLOW_IPS="127.0.0.1", **QUIET) as url:
        assert set(_search_statuses(url, forwarded=True)) == {200}  # every address its own client
        assert 429 in _search_statuses(url, forwarded=False)  # the proxy itself is one client


def test_the_pages_own_endpoints_are_rate_limited(data):
    """Gradio's event queue (feedback, answers) counts against the same per-client rate as the API."""
    with running_server(data, timeout=90, **QUIET) as url, httpx.Client(base_url=url, timeout=30) as client:
        statuses = [client.post("/gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "x"}
                                ).status_code for _ in range(3 * BURST)]
        assert 429 in statuses, statuses
        limited = client.post("/gradio_api/queue/join", json={})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize("protocol", ["H11HeaderTimeout", "HttpToolsHeaderTimeout"])
def test_both_http_protocols_cut_off_slow_headers(protocol):
    """h11 is what a base install (without httptools) serves with: it gets the same timeout."""
    import functools
    import threading

    import uvicorn

    from advisor.api import protocol as protocols
    from tests.server import free_port

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    port = free_port()
    http = functools.partial(getattr(protocols, protocol), header_timeout_s=1.0)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=http, lifespan="off",
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        elapsed, received = _slow_headers(base, pause_s=0.25, rounds=40)
        assert received == b"" and elapsed < 5, (elapsed, received)
        with httpx.Client(base_url=base, timeout=10) as client:  # in time, and again on the kept-alive connection
            for _ in range(3):
                assert client.get("/").text == "ok"
                time.sleep(1.5)
    finally:
        server.should_exit = True
        thread.join(10)
