"""The API serves as soon as its index is loaded; the chat page is built after, in a thread
(ui/deferred.py). A real `advisor serve` on loopback: the API answers while the page is still
starting, a page request meanwhile waits for the page, and a page that cannot start says so."""

from __future__ import annotations

import os
import shutil
import time

import httpx
import pytest

from tests.server import running_server
from ui.texts import t

QUESTION = {"question": "Wat is een voorbehouden opdracht?"}


@pytest.fixture
def data(corpus_settings, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(corpus_settings.data_dir, target)
    return target


def health_until(base: str, page: str, timeout: float = 90.0) -> dict:
    deadline = time.monotonic() + timeout
    while (health := httpx.get(f"{base}/healthz").json())["page"] != page:
        assert time.monotonic() < deadline, f"the page never became {page!r}: {health}"
        time.sleep(0.1)
    return health


def test_api_answers_while_the_page_starts_and_a_page_request_waits_for_it(data, browser):
    with running_server(data, wait_for_page=False, GRADIO_ANALYTICS_ENABLED="False") as base:
        health = httpx.get(f"{base}/healthz").json()
        assert health["index_loaded"] is True and health["page"] == "starting", health
        answer = httpx.post(f"{base}/v1/ask", json=QUESTION, timeout=30)
        assert answer.status_code == 200 and answer.json()["citations"], answer.text
        context = browser.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(base + "/")  # sent while the page may still be starting: it is answered when ready
            page.wait_for_selector("#question textarea")
        finally:
            context.close()
        assert httpx.get(f"{base}/readyz").json() == {"status": "ready", "passages": health["passages"],
                                                      "page": "ready"}


def test_a_page_that_cannot_start_says_so_and_the_api_goes_on(data, tmp_path):
    """A Gradio whose import takes a while and then fails (a broken install): until it fails, page
    requests get "starting" (after ADVISOR_PAGE_WAIT_S), then "could not start"; the API answers throughout."""
    broken = tmp_path / "site" / "gradio"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("import time\ntime.sleep(3)\nraise ImportError('a broken gradio install')\n")
    path = os.pathsep.join(p for p in (str(broken.parent), os.environ.get("PYTHONPATH")) if p)
    with running_server(data, wait_for_page=False, PYTHONPATH=path, ADVISOR_PAGE_WAIT_S="0.2") as base:
        starting = httpx.get(f"{base}/", headers={"accept": "text/html"})
        assert starting.status_code == 503 and starting.headers["retry-after"] == "2"
        assert t("nl", "page_starting") in starting.text and t("en", "page_starting") in starting.text
        assert "http-equiv='refresh'" in starting.text
        assert httpx.post(f"{base}/v1/ask", json=QUESTION, timeout=30).status_code == 200

        health_until(base, "failed")
        failed = httpx.get(f"{base}/", headers={"accept": "text/html"})
        assert failed.status_code == 503 and "retry-after" not in failed.headers
        assert t("nl", "page_failed") in failed.text and "refresh" not in failed.text
        assert "broken gradio" not in failed.text, "the reason is for the log, not the page"
        client = httpx.get(f"{base}/gradio_api/info")
        assert client.status_code == 503 and client.headers["content-type"] == "application/problem+json"
        assert httpx.post(f"{base}/v1/ask", json=QUESTION, timeout=30).status_code == 200
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200 and ready.json()["page"] == "failed"
