"""/docs (Swagger UI) and /redoc render with the network unplugged: a real server on loopback and
Debian's Chromium with every request to another host aborted."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.server import running_server

CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
# ReDoc always asks for its vendor's logo beside "API docs by Redocly" in the sidebar and hides the
# image when that fails (an onError fallback in redoc.standalone.js); nothing else may leave the machine.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture(scope="module")
def base(corpus_settings, tmp_path_factory):
    data = tmp_path_factory.mktemp("docs") / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    with running_server(data, timeout=90, GRADIO_ANALYTICS_ENABLED="False") as url:
        yield url


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_their_assets_from_this_server(base, path):
    page = httpx.get(base + path, timeout=10)
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert urls and all(not urlparse(u).netloc for u in urls), urls
    for url in urls:
        if "/docs-assets/" in url:
            assert httpx.get(base + url, timeout=10).status_code == 200, url


@pytest.fixture(scope="module")
def offline_page(base):
    """A Chromium page on which any request to a host other than loopback is aborted (and recorded)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_loopback(route):
        if urlparse(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.route("**/*", only_loopback)
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page, blocked
        browser.close()


def test_swagger_ui_renders_the_operations_offline(base, offline_page):
    page, blocked = offline_page
    page.goto(base + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 10
    assert page.locator(".opblock-summary-path[data-path='/v1/ask']").count() >= 1
    assert "Social procurement advisor" in page.locator(".info .title").inner_text()
    assert not blocked, f"the page asked other hosts: {blocked}"


def test_redoc_renders_offline(base, offline_page):
    page, blocked = offline_page
    page.goto(base + "/redoc")
    page.wait_for_selector(".api-content h1")
    assert "Social procurement advisor" in page.locator(".api-content h1").first.inner_text()
    assert page.get_by_text("/v1/ask").count() >= 1
    assert set(blocked) <= {REDOC_LOGO}, f"the page asked other hosts: {blocked}"
