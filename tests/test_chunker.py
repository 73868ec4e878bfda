"""Chunking along structure, on the real corpus and on made-up text."""

from __future__ import annotations

import re

import pytest

from advisor.config import BUNDLED_CORPUS
from ingest.chunker import chunk_text
from advisor.structure import sentence_spans, units

CORPUS = {p.name: p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt"))}
FRAMEWORK = CORPUS["002_361c7d8553f89014.txt"]
BRUGES_PAGE = CORPUS["000_4f3ee6558001b93c.txt"]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_chunks_are_verbatim_slices_that_end_at_paragraph_ends(name):
    text = CORPUS[name]
    unit_ends = {u.end for u in units(text)}
    sentence_ends = {e for u in units(text) for _, e in sentence_spans(text, u.start, u.end)}
    chunks = chunk_text(text)
    assert chunks
    for chunk in chunks:
        assert text[chunk.start:chunk.end].strip() == text[chunk.start:chunk.end]
        assert chunk.end in unit_ends | sentence_ends, f"chunk cut inside a sentence: {text[chunk.end-40:chunk.end+20]!r}"
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))


def test_heading_stays_with_its_text():
    chunk = next(c for c in chunk_text(BRUGES_PAGE) if "Ga eerst na" in c.index_text)
    assert chunk.index_text.startswith("Aan de slag!")
    assert chunk.section == "Aan de slag!"


def test_objective_code_stays_with_its_sentence_and_section():
    chunks = chunk_text(FRAMEWORK)
    for code in ("S.1.1.", "S 2.3.", "C.2.6.", "K 2.1."):
        holder = [c for c in chunks if code in c.index_text]
        assert len(holder) == 1, code
        line = next(l for l in holder[0].index_text.splitlines() if l.startswith(code))
        assert len(line.split()) > 5 and line.rstrip().endswith((".", ")")) or code == "K 2.1.", line
    s11 = next(c for c in chunks if "S.1.1." in c.index_text)
    assert s11.section == "SOCIAAL AANKOPEN > WAT WILLEN WE BEREIKEN?"


def test_product_group_rows_stay_with_their_targets():
    table = next(c for c in chunk_text(FRAMEWORK) if "1 Groenonderhoud" in c.index_text)
    for needed in ("< € 139.000", "Stijging van spent volume", "> € 139.000", "integratie van een menu sociaal",
                   "5 Schoonmaak en onderhoud van gebouwen", "6 Drukwerk"):
        assert needed in table.index_text


def test_pdf_line_breaks_are_repaired_for_indexing_only():
    chunk = next(c for c in chunk_text(FRAMEWORK) if "S.1.1." in c.index_text)
    assert "binnen de prioritaire productgroepen voor ondernemingen" in chunk.index_text
    assert "binnen de prioritaire \nproductgroepen" in FRAMEWORK[chunk.start:chunk.end]


def test_list_stays_with_its_lead_in():
    chunk = next(c for c in chunk_text(BRUGES_PAGE) if "overweeg dan zeker" in c.index_text)
    assert chunk.index_text.count("•") == 4


def test_long_paragraph_is_split_between_sentences():
    sentence = "De aankoper bekijkt de aard van de opdracht en de nabijheid van ondernemingen. "
    text = "Titel\n\n" + sentence * 40
    chunks = chunk_text(text, max_chars=400)
    assert len(chunks) > 3
    for c in chunks:
        assert text[c.start:c.end].endswith("ondernemingen.")


@pytest.mark.parametrize("text,expected", [
    ("S.1.1. We reserveren opdrachten. K 2.1. Bij aankoop telt CO2.", 2),
    ("Geïnitieerd i.s.m. The Global Picture. Tweede zin hier.", 2),
    ("Jaarlijks ca. € 2 miljard. Dat is veel geld voor de stad.", 2),
    ("1. We bouwen een regio uit", 1),
])
def test_sentence_spans_respect_codes_and_abbreviations(text, expected):
    spans = sentence_spans(text, 0, len(text))
    assert len(spans) == expected, [text[s:e] for s, e in spans]
    assert re.sub(r"\s", "", "".join(text[s:e] for s, e in spans)) == re.sub(r"\s", "", text)


AMBITION_PAGES = """WAT WILLEN WE BEREIKEN?

S 1.1. We reserveren opdrachten voor de sociale economie in de prioritaire productgroepen.

FOCUS

We streven naar een inclusieve economie waar iedereen kan werken, ook wie ver van de arbeidsmarkt staat.

1 STAKEHOLDERS
Werkgroep DAK regio Brugge (aankopers en beleidsexperten sociale economie)
De sociale economie (als leverancier en als partner)
College en burgemeester (moeten beleidskeuzes maken)

AMBITIE S.1: We streven naar meer samenwerking met sociale leveranciers

AMBITIE S.1: We streven naar meer samenwerking met sociale leveranciers

Naam productgroep Indicatieve streefwaarden

1 Schoonmaak en groenonderhoud door maatwerkbedrijven, minstens een opdracht per jaar.
"""


def test_a_passage_naming_no_code_is_indexed_with_the_running_line_naming_its_page():
    chunks = chunk_text(AMBITION_PAGES, max_chars=200, min_chars=40)
    stakeholders = next(c for c in chunks if "Werkgroep DAK" in c.index_text)
    assert stakeholders.index_text.splitlines()[-1] == "AMBITIE S.1"
    assert "AMBITIE" not in AMBITION_PAGES[stakeholders.start:stakeholders.end]  # the quote is untouched
    # a passage with a code of its own, and one before a code named in between, keep their own text
    objectives = next(c for c in chunks if "S 1.1." in c.index_text)
    assert objectives.index_text.splitlines()[-1] != "AMBITIE S.1"
    once = AMBITION_PAGES.replace("AMBITIE S.1: We streven naar meer samenwerking met sociale leveranciers\n\n", "", 1)
    assert not any(c.index_text.splitlines()[-1] == "AMBITIE S.1" and "S.1" not in once[c.start:c.end]
                   for c in chunk_text(once, max_chars=200, min_chars=40))  # a line that stands once is no running line
