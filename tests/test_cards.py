"""Concept cards (advisor/knowledge/concept_cards.toml): every anchor is verbatim corpus text found
in the real bundled index, a broken card fails the load naming file, card and anchor, each summary
says what its anchors say, and definition questions find their card."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from advisor.answer import cards as C
from advisor.answer.analysis import analyse
from advisor.knowledge import HERE, KnowledgeError
from advisor.package_data import read_text
from advisor.phrases import render
from advisor.text import content_words, stem, words

ISSUE_NOTIONS = {  # the notions issue 13 names, and the card of each (PSO: not in the corpus, no card)
    "voorbehouden opdracht": "reserved_contract", "sociale economie": "social_economy",
    "maatwerkbedrijf": "sheltered_workshop", "social return": "social_return", "SROI": "social_return",
    "sociale clausule": "social_criteria", "bijzondere uitvoeringsvoorwaarde": "special_execution_condition",
    "percelen": "lots", "onderaanneming": "subcontracting", "werkervaring": "work_experience",
    "menu sociaal aankopen": "social_purchasing_menu", "raamovereenkomst": "framework_agreement",
    "ambitie S1": "ambition_s1", "ambitie K2": "ambition_k2", "ambitie C1": "ambition_c1",
}


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --- anchors ------------------------------------------------------------------------------------

def test_every_card_is_located_in_the_bundled_index_and_cites_its_anchors_verbatim(corpus_index):
    bound = C.for_index(corpus_index)
    assert bound.problems == []
    assert set(bound.located) == {card.id for card in C.cards()}
    for card in C.cards():
        citations = bound.citations(card)
        assert [c.n for c in citations] == list(range(1, len(citations) + 1))
        for c in citations:
            text = corpus_index.document_text(c.doc_id)
            assert c.quote == text[c.start:c.end], card.id
            passage = corpus_index.passages[c.passage_id]
            assert passage.start <= c.start and c.end <= passage.end, card.id
        shown = [squeeze(c.quote) for c in citations]
        for anchor in card.anchors:
            assert any(squeeze(anchor.text) in quote for quote in shown), (card.id, anchor.text)


def test_an_anchor_is_found_across_line_breaks_at_its_exact_offsets():
    doc = C.DocumentText("Eerste zin.\nS.1.1. We reserveren een deel \n  van de opdrachten.")
    start, end = doc.find("We reserveren een deel van de opdrachten.")
    assert doc.text[start:end] == "We reserveren een deel \n  van de opdrachten."
    assert doc.find("We reserveren geen deel") is None


@pytest.fixture
def cards_copy(tmp_path) -> Path:
    shutil.copy(Path(str(HERE / C.FILE)), tmp_path / C.FILE)
    C.load(tmp_path)  # the copy is sound before it is broken
    return tmp_path


BROKEN = [
    ("opdracht kan intekenen.", "opdracht kan inschrijven.",
     r"concept_cards.toml card social_criteria: anchor 'Deel grotere opdrachten op in percelen zodat de sociale economie voor een "
     r"bepaald onderdeel van de opdracht kan inschrijven.' is not in document 'brugge-aankopen-sociale-impact'"),
    ('{ doc_id = "normaalste-zaak-sociale-inkoop", text = "Zo kan',
     '{ doc_id = "normaalste-zaak", text = "Zo kan',
     r"concept_cards.toml card social_return: anchor 'Zo kan een opdracht .{0,60} names document 'normaalste-zaak', "
     r"which is not in the corpus"),
    ('id = "lots"\ndefined = true', 'id = "lots"\ndefined = "yes"',
     "concept_cards.toml card lots: defined must be true or false"),
    ('id = "lots"\ndefined = true', 'id = "lots"\ndefined = true\nsynonyms = []',
     r"concept_cards.toml card lots: unknown keys \['synonyms'\]"),
    ('id = "subcontracting"', 'id = "lots"', "concept_cards.toml card lots: the id is used twice"),
    ('names_nl = ["percelen", "perceel", "opdelen in percelen", "verdeling in percelen"]', 'names_nl = []',
     "concept_cards.toml card lots: names_nl must be a non-empty list"),
    ("context = [", "contexts = [", r"concept_cards.toml \[match\]: expected only context = \[words\]"),
]


@pytest.mark.parametrize("old,new,message", BROKEN, ids=[b[2][:50] for b in BROKEN])
def test_a_broken_card_fails_the_load_naming_file_card_and_anchor(cards_copy, old, new, message):
    path = cards_copy / C.FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{C.FILE} no longer holds {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        C.load(cards_copy)


def test_an_index_without_a_cards_document_leaves_that_card_out_instead_of_failing(corpus_index):
    """A served index of another corpus still starts; only the cards it cannot cite are off."""
    gone = "normaalste-zaak-sociale-inkoop"
    partial = SimpleNamespace(
        documents={d: v for d, v in corpus_index.documents.items() if d != gone},
        passages={pid: p for pid, p in corpus_index.passages.items() if p.doc_id != gone},
        document_text=corpus_index.document_text)
    bound = C.BoundCards(partial)
    assert "social_return" not in bound.located and "lots" in bound.located
    assert any("card social_return: the index does not hold document 'normaalste-zaak-sociale-inkoop'" in p
               for p in bound.problems)


# --- summaries say what the anchors say ---------------------------------------------------------

def _supported(word: str, support: set[str], support_words: set[str]) -> bool:
    """A summary word is supported when an anchor word shares its stem's first five letters
    ('stimuleert'/'stimuleren') or holds it as part of a compound ('economieondernemingen')."""
    s = stem(word, "nl")
    return any(t[:5] == s[:5] for t in support if len(s) >= 5 and len(t) >= 5) or s in support or \
        any(s in w for w in support_words if len(s) >= 5)


def test_a_dutch_summary_uses_the_words_of_its_anchors():
    """At least 80% of a Dutch summary's content words come from its anchors (or the cited
    documents' titles, which a citation shows); the rest are the project's paraphrase."""
    titles = {d["id"]: d["title"] for d in tomllib.loads(read_text("advisor.corpus", "manifest.toml"))["documents"]}
    report = {}
    for card in C.cards():
        text = " ".join([*(a.text for a in card.anchors), *(titles[a.doc_id] for a in card.anchors)])
        support_words = set(content_words(text, "nl"))
        support = {stem(w, "nl") for w in support_words}
        summary = content_words(card.summary_nl, "nl")
        missing = [w for w in summary if not _supported(w, support, support_words)]
        report[card.id] = (1 - len(missing) / len(summary), missing)
    weak = {cid: r for cid, r in report.items() if r[0] < 0.8}
    assert not weak, f"summaries that say more than their anchors: {weak}"


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[.,]", "", n) for n in re.findall(r"\d+(?:[.,]\d+)*", text)}


def test_every_number_of_a_summary_is_in_its_anchors_and_in_both_languages():
    for card in C.cards():
        anchored = _numbers(" ".join(a.text for a in card.anchors))
        assert _numbers(card.summary_nl) == _numbers(card.summary_en), card.id
        assert _numbers(card.summary_nl) <= anchored, (card.id, _numbers(card.summary_nl) - anchored)


def test_the_notions_of_the_issue_have_cards():
    for notion, card_id in ISSUE_NOTIONS.items():
        found = C.match(notion)
        assert found is not None and found.id == card_id, (notion, found and found.id)


# --- matching and the lead ----------------------------------------------------------------------

@pytest.mark.parametrize("question,card_id", [
    ("What is social return?", "social_return"),
    ("Wat is een voorbehouden opdracht?", "reserved_contract"),
    ("Wat betekent maatwerkbedrijf?", "sheltered_workshop"),
    ("What is a framework agreement?", "framework_agreement"),
    ("Wat houdt ambitie S.2 in?", "ambition_s2"),
])
def test_a_definition_question_finds_the_card_of_its_focus(question, card_id):
    analysis = analyse(question)
    assert analysis.type == "definition"
    found = C.match(analysis.focus[0])
    assert found is not None and found.id == card_id


@pytest.mark.parametrize("question", ["Wat is een gemeenteraad?", "What is PSO?", "What is a hydrogen truck?"])
def test_a_notion_without_a_card_finds_none(question, corpus_index):
    analysis = analyse(question)
    assert analysis.type == "definition"
    assert C.match(analysis.focus[0]) is None
    assert C.lead(analysis, "en", corpus_index) is None


def test_a_name_inside_a_longer_focus_is_not_its_notion():
    assert C.match("sociale economie").id == "social_economy"
    assert C.match("rol sociale economie groenonderhoud gemeenten bouw") is None
    # words that place a notion in the sources do not count, either way
    assert C.match("kader design for disassembly").id == "design_for_disassembly"
    assert C.match("regionaal kader").id == "regional_framework"
    assert C.match("regionaal kader aankopers") is None


def test_only_definition_questions_get_a_lead(corpus_index):
    analysis = analyse("Welke gemeenten keurden het regionaal kader goed?")
    assert analysis.type != "definition"
    assert C.lead(analysis, "nl", corpus_index) is None


def test_the_lead_is_the_summary_in_the_askers_language_marked_as_the_advisors_with_its_anchors_cited(corpus_index):
    card = C.match("social return")
    english = C.lead(analyse("What is social return?"), "en", corpus_index)
    assert english.lines == [f"{render('answer', 'en', 'card_summary')} {card.summary_en} [1]"]
    assert "Dit heet social return." in english.citations[0].quote
    dutch = C.lead(analyse("Wat betekent maatwerkbedrijf?"), "nl", corpus_index, first=3)
    assert dutch.lines[0].startswith(render("answer", "nl", "card_summary_undefined"))
    assert dutch.lines[0].endswith("[3][4]") and [c.n for c in dutch.citations] == [3, 4]


def test_the_advisor_locates_the_cards_when_it_is_made_and_a_lead_costs_well_under_a_millisecond(advisor):
    import time

    assert advisor.cards is C.for_index(advisor.index) and not advisor.cards.problems
    analysis = analyse("What is a reserved contract?")
    C.lead(analysis, "en", advisor.index)
    t = time.perf_counter()
    for _ in range(100):
        C.lead(analysis, "en", advisor.index)
    assert (time.perf_counter() - t) / 100 < 0.002


def test_demonstration_a_definition_answer_led_by_its_card(advisor):
    """How the composer uses it: the lead first, then the quotes the composer picked, numbered after it."""
    question = "What is social return?"
    answer = advisor.ask(question)
    lead = C.lead(analyse(question), answer.language, advisor.index)
    shift = len(lead.citations)
    body = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + shift}]", answer.answer)
    text = "\n".join(lead.lines) + "\n\n" + body
    citations = [*lead.citations, *(c.renumbered(c.n + shift) for c in answer.citations)]
    assert text.startswith("In short (the advisor's own summary, not a quote): With social return")
    assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} == {c.n for c in citations}
    assert all(c.quote == advisor.index.document_text(c.doc_id)[c.start:c.end] for c in citations)
    assert set(words(lead.lines[0])) & {"contractor", "labour", "market"}


def test_a_card_names_the_notion_asked_not_one_word_of_it():
    """'zebrafietsregeling voor maatwerkbedrijven' asks about a regulation, not about maatwerkbedrijven."""
    from advisor.answer.cards import match

    assert match("zebrafietsregeling maatwerkbedrijven") is None
    assert match("maatwerkbedrijf") is not None
