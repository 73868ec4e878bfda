"""An answer to take away (Markdown, Word), kept by its id in the feedback store, exported by the API;
one rating per answer."""

from __future__ import annotations

import io
import shutil

import docx
import httpx
import pytest

from advisor.export import prose_beyond_structure, to_docx, to_markdown
from advisor.feedback import FeedbackStore
from tests.server import running_server

ADVICE = "Mag ik deze schoonmaakopdracht (€ 80.000, 2 jaar) voorbehouden aan de sociale economie?"


@pytest.fixture(scope="module")
def advice(advisor):
    return advisor.ask(ADVICE, [], None)


def test_markdown_has_the_verdict_criteria_clauses_and_every_citation(advice):
    text = to_markdown(advice, ADVICE)
    assert "## Oordeel: " in text and "### Waarom" in text and "### Na te gaan" in text
    for criterion in advice.criteria:
        assert criterion.title in text.replace("\\", "")
    assert text.count("> ") >= len(advice.criteria) + len(advice.citations)
    for c in advice.citations:
        assert f"**[{c.n}]**" in text
        assert c.quote.replace("\\", "")[:40] in text.replace("\\", "")


def test_word_document_reads_back_with_the_same_parts(advice):
    document = docx.Document(io.BytesIO(to_docx(advice, ADVICE)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert ADVICE in text and "Oordeel: " in text
    assert all(c.draft_clause in text for c in advice.criteria)
    assert all(c.quote in text for c in advice.citations)
    assert sum(1 for p in document.paragraphs if p.style.name == "Quote") == len(advice.criteria) + len(advice.citations)


def test_prose_beyond_structure_leaves_out_what_the_panels_show(advice, advisor):
    prose = prose_beyond_structure(advice)
    assert prose.startswith("Oordeel:")
    assert not any(r.text in prose for r in advice.verdict.reasons)
    assert not any(c.title in prose for c in advice.criteria)
    assert "Waarom:" not in prose and "Na te gaan:" not in prose
    definition = advisor.ask("Wat is social return?", [], None)
    assert prose_beyond_structure(definition) == definition.answer


def test_document_text_stays_inert_in_markdown(advice):
    hostile = advice.model_copy(deep=True)
    hostile.citations[0].quote = "zie ![x](http://evil.example/p.png) <img src=x>"
    text = to_markdown(hostile, "<b>vraag</b>")
    assert "!\\[x\\](http" in text and "\\<img" in text and "\\<b\\>vraag" in text  # escaped: shown as text


def test_one_rating_per_answer_and_answers_kept_bounded(tmp_path, advice):
    store = FeedbackStore(tmp_path / "feedback.sqlite3", keep_answers=3)
    store.add("a1", 1, "helder")
    store.add("a1", -1)
    rows = store.all()
    assert len(rows) == 1 and rows[0]["rating"] == -1 and rows[0]["comment"] == "helder"
    assert store.withdraw("a1") == 1 and store.all() == []
    for i in range(5):
        store.keep_answer(f"vraag {i}", advice.model_copy(update={"answer_id": f"id{i}"}))
    assert store.answer("id0") is None and store.answer("id1") is None
    question, kept = store.answer("id4")
    assert question == "vraag 4" and kept.model_dump()["citations"] == advice.model_dump()["citations"]


@pytest.fixture(scope="module")
def server(corpus_settings, tmp_path_factory):
    data = tmp_path_factory.mktemp("export") / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    with running_server(data, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        yield base


def test_the_api_exports_an_answer_it_gave(server):
    answer = httpx.post(f"{server}/v1/ask", json={"question": ADVICE}, timeout=30).json()
    md = httpx.get(f"{server}/v1/answers/{answer['answer_id']}/export", params={"format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"] and ".md" in md.headers["content-disposition"]
    assert all(f"**[{c['n']}]**" in md.text for c in answer["citations"])
    word = httpx.get(f"{server}/v1/answers/{answer['answer_id']}/export", params={"format": "docx"})
    assert word.status_code == 200
    assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == "Advies sociaal aankopen"
    r = httpx.post(f"{server}/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "up"})
    r = httpx.post(f"{server}/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "down"})
    assert r.status_code == 201


def test_unknown_answer_and_bad_format_are_problem_documents(server):
    missing = httpx.get(f"{server}/v1/answers/nope/export?format=md")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert "answer_id" in missing.json()["detail"]
    bad = httpx.get(f"{server}/v1/answers/nope/export?format=pdf")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.format"
