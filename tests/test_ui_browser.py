"""The buyers' page in a real headless Chromium (Debian's, driven by Playwright), against a real
server: ask, read the verdict, sources and criteria, use the contract form, give feedback,
switch language. Screenshots of each state go to artifacts/ui/ (not committed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.feedback import FeedbackStore
from tests.server import running_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def site(corpus_settings, tmp_path_factory):
    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    with running_server(data, timeout=90, GRADIO_ANALYTICS_ENABLED="False", ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        yield base, data


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(site[0] + "/")
        page.wait_for_selector("#question textarea")
        yield page
        browser.close()


def ask(page, question: str) -> None:
    """Type and send a question, then wait for the page's live region to announce a new answer."""
    previous = page.evaluate("document.querySelector('#answer-status [data-answer-id]')?.dataset.answerId || ''")
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function("prev => { const s = document.querySelector('#answer-status [data-state]');"
                           " return s && (s.dataset.state === 'error' || s.dataset.answerId !== prev); }", arg=previous)
    assert page.locator("#answer-status [data-state='done']").count() == 1, "the page reported an error"


def test_page_loads_in_dutch_with_labels(page):
    assert page.locator("#question label, #question span").first.inner_text().strip().startswith("Je vraag")
    assert page.locator("#verdict-empty").is_visible()
    page.screenshot(path=str(ARTIFACTS / "01-start.png"), full_page=True)


def test_reservation_question_shows_verdict_sources_and_criteria(page):
    ask(page, "Mag ik deze schoonmaakopdracht (€ 80.000, 2 jaar) voorbehouden aan de sociale economie?")
    page.wait_for_selector("#verdict-badge")
    badge = page.locator("#verdict-badge")
    assert badge.get_attribute("data-verdict") in {"yes", "conditional"}
    assert badge.inner_text().startswith("Oordeel:")
    marks = page.locator("#sources mark")
    assert marks.count() >= 1
    first_source = page.locator("#sources .source").first
    assert marks.first.inner_text().strip() in first_source.locator("blockquote").inner_text()
    assert page.locator("#sources .source a").first.get_attribute("href").startswith("/ui/documents/")
    rows = page.locator("#criteria-table tr[data-criterion]")
    assert rows.count() >= 3
    page.locator("#criteria-table details summary").first.click()
    assert page.locator("#criteria-table pre.clause").first.is_visible()
    assert "[1]" in page.locator("#chat").inner_text()
    assert "schoonmaak" in page.locator("#intake-summary").inner_text().lower()
    page.screenshot(path=str(ARTIFACTS / "02-answer.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "02-answer-viewport.png"))


def test_whole_document_view_marks_the_passage(page, site):
    href = page.locator("#sources .source a").first.get_attribute("href")
    view = page.context.new_page()
    view.goto(site[0] + href)
    assert view.locator("mark#passage").count() == 1
    view.screenshot(path=str(ARTIFACTS / "03-document.png"))
    view.close()


def test_intake_form_changes_the_answer(page):
    page.click("#intake-group input")
    page.fill("#intake-group input", "kantoor")
    page.locator("ul[role='listbox'] li", has_text="kantoorinrichting").first.click()
    page.fill("#intake-value input", "120000")
    ask(page, "Mag ik deze opdracht voorbehouden aan de sociale economie?")
    page.wait_for_function("document.querySelector('#verdict-badge')?.dataset.verdict === 'no'")
    assert "kantoorinrichting" in page.locator("#intake-summary").inner_text().lower()
    assert page.locator("#criteria-table tr[data-criterion='repairability']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "04-intake-form.png"), full_page=True)


def test_thumbs_down_with_a_comment_is_stored(page, site):
    page.fill("#fb-comment textarea", "Kantoormeubilair via maatwerkbedrijven ontbreekt.")
    page.click("#fb-down")
    page.wait_for_function("document.querySelector('#fb-status').innerText.includes('Bedankt')")
    rows = FeedbackStore(site[1] / "feedback.sqlite3").all()
    assert rows[-1]["rating"] == -1 and rows[-1]["comment"] == "Kantoormeubilair via maatwerkbedrijven ontbreekt."
    assert rows[-1]["question"] == "Mag ik deze opdracht voorbehouden aan de sociale economie?"
    page.screenshot(path=str(ARTIFACTS / "05-feedback.png"), full_page=True)


def test_switching_to_english(page):
    page.locator("#lang label", has_text="English").click()
    page.wait_for_function("document.querySelector('#ask').innerText.trim() === 'Ask'")
    assert page.locator("#verdict-badge").inner_text().startswith("Verdict:")
    assert page.locator("#criteria-table th").first.inner_text() == "Instrument"
    assert page.locator("#criteria-table details summary").first.inner_text().startswith("Draft clause")
    ask(page, "Which social criteria can I include in the tender for this contract?")  # the form still says office furniture
    chat = page.locator("#chat").inner_text()
    assert "you can include these criteria:" in chat or "Criteria you can include:" in chat
    assert page.locator("#criteria-table tr[data-criterion='repairability']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "06-english.png"), full_page=True)


def test_new_conversation_clears_everything(page):
    page.click("#new-chat")
    page.wait_for_selector("#verdict-empty")
    assert page.locator("#sources .source").count() == 0
