"""The page's rendering functions: escaping, quote highlighting, marker links, both languages."""

from __future__ import annotations

from advisor.model import Answer
from ui import render
from ui.texts import texts

RESULT = Answer.model_validate({
    "answer_id": "abc", "answer": "Oordeel: ja.\n- Reden [1]\n- Nog een <script>x</script> [2]",
    "language": "nl", "refused": False,
    "citations": [
        {"n": 1, "doc_id": "d", "title": "Gids <b>", "page": 3, "section": "Aan de slag!", "quote": "percelen",
         "text": "Deel opdrachten op in percelen & kavels.", "url": None, "passage_id": "p1", "start": 22,
         "end": 30},
        {"n": 2, "doc_id": "d", "title": "Gids", "page": None, "section": "", "quote": "niet in de tekst",
         "text": "Andere passage.", "url": None, "passage_id": "p2", "start": 0, "end": 16}],
    "verdict": {"reservable": "conditional", "reasons": [{"text": "Schoonmaak is prioritair.", "cites": [1]}],
                "checks": ["de duur"]},
    "criteria": [{"id": "lots", "title": "Percelen", "why": "Omdat <het> kan.", "legal_basis": [],
                  "draft_clause": "De opdracht bestaat uit [n] percelen.", "cites": [1]}],
    "intake": {"product_group": "cleaning", "product_group_name": "schoonmaak", "value_eur": 80000.0,
               "duration_months": None, "framework_agreement": None, "jurisdiction": "be",
               "jurisdiction_assumed": True, "threshold_eur": 139000, "missing": ["duration_months"]},
})
EMPTY = Answer(answer="", language="nl", refused=True)


def test_markers_link_to_their_sources():
    assert render.linked_markers("a [1] b [12]") == "a [[1]](#src-1) b [[12]](#src-12)"


def test_sources_escape_and_mark_the_quote():
    out = render.sources_html(RESULT, "nl")
    assert "Deel opdrachten op in <mark>percelen</mark> &amp; kavels." in out
    assert "Gids &lt;b&gt;" in out and "Gids <b>" not in out
    assert "id='src-1'" in out and "p. 3 · Aan de slag!" in out
    assert "/ui/documents/d?passage=p1" in out
    assert "<mark>" not in out.split("id='src-2'")[1], "a quote not in the passage is not invented"


def test_verdict_badge_in_both_languages():
    assert "Oordeel: onder voorwaarden" in render.verdict_html(RESULT, "nl")
    english = render.verdict_html(RESULT, "en")
    assert "Verdict: conditional" in english and "data-verdict='conditional'" in english
    assert "href='#src-1'" in english
    assert "verdict-empty" in render.verdict_html(EMPTY, "nl")


def test_criteria_table_keeps_clauses_out_of_quotes_and_escapes():
    out = render.criteria_html(RESULT, "nl")
    assert "data-criterion='lots'" in out and "Omdat &lt;het&gt; kan." in out
    assert "<details><summary>Conceptclausule" in out and "De opdracht bestaat uit [n] percelen." in out


def test_intake_summary_lists_what_is_missing():
    out = render.intake_markdown(RESULT, "nl")
    assert "productgroep: schoonmaak" in out and "€ 80.000" in out and "(aangenomen)" in out
    assert "Nog onbekend:** looptijd" in out
    assert render.intake_markdown(EMPTY, "en") == ""


def test_texts_have_the_same_keys_in_both_languages():
    data = texts()
    assert set(data["nl"]) == set(data["en"]) and len(data["nl"]) > 40
