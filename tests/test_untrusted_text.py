"""Text from documents is inert wherever it is shown. A document planted with a remote image,
raw HTML, a javascript: link, a bare URL and an e-mail address is indexed; a question quotes it.
In Debian's Chromium (real server on loopback) the chat bubble, the sources panel and the document
view show that text as text: no request to the planted image, no <img>, no link but our own, no
dialog. The OpenAI-compatible output carries it as escaped Markdown. The chat page's feedback is
held to the API's checks."""

from __future__ import annotations

import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from advisor.config import load_settings
from advisor.feedback import FeedbackStore
from ingest.pipeline import ingest
from tests.server import running_server

QUESTION = "Wat zegt de zebrafietsregeling voor maatwerkbedrijven?"


class Pixel(BaseHTTPRequestHandler):
    """Where the planted image and link point: records every request it gets."""
    hits: list[str] = []

    def do_GET(self):
        Pixel.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pixel():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def hostile_text(pixel: str) -> str:
    return ("Zebrafietsregeling voor maatwerkbedrijven\n\n"
            f"De zebrafietsregeling geldt voor maatwerkbedrijven ![]({pixel}/pixel.png) die fietsen herstellen "
            f"<img src=\"{pixel}/img.png\" onerror=\"alert(1)\"> voor de gemeente.\n"
            "De zebrafietsregeling voor maatwerkbedrijven staat op [klik](javascript:alert(1)) en op "
            f"http://evil.example of via info@evil.example of [hier]({pixel}/link).\n")


@pytest.fixture(scope="module")
def site(corpus_settings, tmp_path_factory, pixel):
    folder = tmp_path_factory.mktemp("untrusted")
    data = folder / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    planted = folder / "zebrafiets.txt"
    planted.write_text(hostile_text(pixel), encoding="utf-8")
    report = ingest([planted], load_settings(data_dir=data))
    assert report.added == ["zebrafiets"], report
    with running_server(data, timeout=90, GRADIO_ANALYTICS_ENABLED="False", ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        yield base, data


def test_openai_compatible_output_escapes_document_markup(site, pixel):
    reply = httpx.post(site[0] + "/v1/chat/completions", timeout=60,
                       json={"model": "social-procurement-advisor", "messages": [{"role": "user", "content": QUESTION}]})
    content = reply.json()["choices"][0]["message"]["content"]
    assert "zebrafietsregeling" in content and "[1]" in content
    for raw in (f"![]({pixel}", "[klik](javascript:", "http://evil.example", "info@evil.example"):
        assert raw not in content, raw
    assert not re.search(r"(?<!\\)<img", content)
    assert "\\!\\[\\](http\\://" in content and "\\<img" in content and "\\[klik\\](javascript:" in content
    assert "\n- De zebrafietsregeling" in content  # the advisor's own bullet stays a bullet
    assert reply.json()["advisor"]["citations"][0]["quote"].count("<img") == 1  # the data stays verbatim

    streamed = httpx.post(site[0] + "/v1/chat/completions", timeout=60, json={
        "model": "social-procurement-advisor", "stream": True, "messages": [{"role": "user", "content": QUESTION}]})
    text = streamed.text.split('"advisor"')[0]
    assert "\\\\<img" in text and not re.search(r"(?<!\\\\)<img", text)  # JSON doubles the backslash


@pytest.fixture(scope="module")
def asked(browser, site):
    """The page after the question was answered, with every request and dialog it made."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requests, dialogs, violations = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(site[0] + "/")
    page.wait_for_selector("#question textarea")
    page.fill("#question textarea", QUESTION)
    page.click("#ask")
    page.wait_for_selector("#answer-status [data-state='done']", state="attached")
    page.wait_for_selector("#sources .source")
    yield page, response, requests, dialogs, violations
    context.close()


def _links(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"{selector} a", "els => els.map(a => a.getAttribute('href'))")


def test_the_page_works_under_its_content_security_policy(asked):
    page, response, _, dialogs, violations = asked
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "[1]" in page.locator("#chat").inner_text()  # the answer arrived: Gradio runs under the policy
    assert not dialogs


def test_the_chat_bubble_shows_document_markup_as_text(asked, pixel):
    page, _, requests, dialogs, _ = asked
    bubble = page.locator("#chat .message").last
    text = bubble.inner_text()
    for raw in (f"![]({pixel}/pixel.png)", f"<img src=\"{pixel}/img.png\"", "[klik](javascript:alert(1))",
                "http://evil.example", "info@evil.example"):
        assert raw in text, raw
    assert page.locator("#chat img").count() == 0
    assert all(href and href.startswith("#src-") for href in _links(page, "#chat")), _links(page, "#chat")
    assert page.locator("#chat a[href^='#src-1']").count() >= 1  # the markers still link to the sources
    assert not [url for url in requests if url.startswith(pixel)] and not Pixel.hits
    assert not dialogs


def test_the_sources_panel_and_document_view_show_it_as_text(asked, site, pixel):
    page, _, requests, dialogs, _ = asked
    assert "[klik](javascript:alert(1))" in page.locator("#sources").inner_text()
    assert page.locator("#sources img").count() == 0
    hrefs = _links(page, "#sources")
    assert hrefs and all(h.startswith("/ui/documents/") for h in hrefs), hrefs
    view = page.context.new_page()
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    response = view.goto(site[0] + [h for h in hrefs if "zebrafiets" in h][0])
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert f"<img src=\"{pixel}/img.png\"" in view.locator("body").inner_text()
    assert view.locator("img").count() == 0 and view.locator("a").count() == 0
    assert view.locator("mark#passage").count() == 1
    view.close()
    assert not [url for url in requests if url.startswith(pixel)] and not Pixel.hits
    assert not dialogs


def test_page_feedback_gets_the_apis_checks(asked, site):
    page = asked[0]
    store = FeedbackStore(site[1] / "feedback.sqlite3")
    before = len(store.all())
    for comment, reason, thumb in (("x" * 200_000, "5000", "Dislike"), ("kleur \x1b[31mrood\x1b[0m", "U+001B", "Like")):
        page.fill("#fb-comment textarea", comment)
        page.locator(f"#chat button[aria-label='{thumb}']").last.click()
        page.wait_for_function("reason => { const s = document.querySelector('#fb-status').innerText;"
                               " return s.includes('niet bewaard') && s.includes(reason); }", arg=reason)
    assert len(store.all()) == before
    page.fill("#fb-comment textarea", "Duidelijk antwoord.")
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_function("document.querySelector('#fb-status').innerText.includes('Bedankt')")
    assert store.all()[-1]["comment"] == "Duidelijk antwoord." and len(store.all()) == before + 1
