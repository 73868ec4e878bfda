"""advisor.inert against a real CommonMark renderer (markdown-it-py, with GFM tables and
strikethrough): document text renders as exactly its characters, the advisor's bullets and [n]
markers stay markup. The page's own guards: feedback checks and the answer time limit."""

from __future__ import annotations

import html
import re
import time

import pytest
from markdown_it import MarkdownIt
from pydantic import ValidationError

from advisor.errors import AnswerTimeout
from advisor.inert import escape_markdown, inert_markdown

HOSTILE = [
    "![](http://127.0.0.1:9/pixel.png)",
    '<img src="http://127.0.0.1:9/x.png" onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<http://evil.example>",
    "<script>alert(1)</script>",
    "**vet** _schuin_ `code` ~~weg~~ $$x$$ | a | b |",
    "# kop",
    "> citaat",
    "1. lijst",
    "+ plus",
    "[1]: http://evil.example",
    "[ref][1] &lt;b&gt; &#106;avascript:",
    "a\\*b",
]


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def text_of(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_document_text_renders_as_its_characters(text):
    rendered = render(escape_markdown(text))
    assert rendered.startswith("<p>") and not re.search(r"<(a|img|script|h1|blockquote|ol|ul|em|strong|code|s|table)\b",
                                                        rendered), rendered
    assert text_of(rendered) == text


def test_bullets_and_markers_stay_markup():
    answer = ("Dit zeggen de bronnen over je vraag:\n\n- Zie ![](http://x/p.png) [1]\n"
              "- Op [klik](javascript:alert(1)) en http://evil.example [2][3]\n- [1](javascript:x) [4]: http://evil")
    rendered = render(inert_markdown(answer, marker=lambda n: f"[[{n}]](#src-{n})"))
    assert rendered.count("<li>") == 3 and "<img" not in rendered
    assert re.findall(r'href="([^"]+)"', rendered) == ["#src-1", "#src-2", "#src-3", "#src-1", "#src-4"]
    plain = render(inert_markdown(answer))  # the OpenAI-compatible output: markers stay [n], no links at all
    assert "href" not in plain and "[2][3]" in plain and "<li>" in plain


def test_escaping_is_the_same_line_by_line():
    """Streamed lines escape exactly as the whole answer does."""
    answer = "Kop:\n\n- # niet [1]\n- 2. nee <b> [2]\n"
    assert "".join(inert_markdown(line) for line in answer.splitlines(keepends=True)) == inert_markdown(answer)


def test_feedback_from_any_edge_gets_the_apis_checks(tmp_path):
    from advisor.api.state import AppState
    from advisor.config import load_settings

    state = AppState(load_settings(data_dir=tmp_path))
    for comment in ("x" * 5001, "rood\x1b[31m", "\x00"):
        with pytest.raises(ValidationError):
            state.record_feedback("answer-1", -1, comment)
    with pytest.raises(ValueError):
        state.record_feedback("answer-1", 5, "")
    assert state.feedback.all() == []
    state.record_feedback("answer-1", 1, "goed\n")
    assert [r["comment"] for r in state.feedback.all()] == ["goed\n"]


@pytest.fixture
def scheduler():
    from advisor.api.scheduler import FairScheduler

    scheduler = FairScheduler(slots=1, max_queued_per_client=8)
    yield scheduler
    scheduler.close()


def test_page_answers_stop_at_the_time_limit(scheduler):
    from ui.app import within

    def slow():
        yield "delta", "a"
        time.sleep(2)
        yield "final", None

    started = time.monotonic()
    with pytest.raises(AnswerTimeout):
        list(within(scheduler, "page", 0.5, slow()))
    assert time.monotonic() - started < 1.5
    assert list(within(scheduler, "page", 5, iter([("delta", "a"), ("final", None)]))) == [("delta", "a"), ("final", None)]


def test_a_page_answer_that_times_out_stops_working(scheduler):
    """The page's answer thread runs under the deadline: the work ends, not only the wait."""
    from advisor import deadline
    from ui.app import within

    steps = []

    def busy():
        while True:
            deadline.check()  # what the core does between stages
            steps.append(1)
            time.sleep(0.01)
        yield  # pragma: no cover - never reached

    with pytest.raises(AnswerTimeout):
        list(within(scheduler, "page", 0.2, busy()))
    time.sleep(0.3)  # let the worker notice its deadline
    settled = len(steps)
    time.sleep(0.3)
    assert len(steps) == settled  # nothing runs on after the timeout
