"""Fact answers (issue "Answers that answer"): the question is recognised as asking for a value, the
value is recognised in the sources, and the sentence holding it leads with the value named. Unit
checks on text written here, then the real advisor on the bundled corpus with questions that are
not in the evaluation sets."""

from __future__ import annotations

import re

import pytest

from advisor.answer import values
from advisor.answer.analysis import Analysis, analyse, load_cues
from advisor.errors import ConfigError
from advisor.package_data import read_text


@pytest.mark.parametrize("question, kind", [
    ("Wat is het e-mailadres van de contactpersoon?", "contact"),
    ("Hoeveel gemeenten keurden het kader goed?", "number"),
    ("Welk percentage moet LED zijn?", "percentage"),
    ("Wanneer werd het kader goedgekeurd?", "date"),
    ("Op welke pagina van de gids staat het stappenplan?", "number"),
    ("In which appendix is the overview of roles?", "number"),
    ("Welk bedrijf voert de schilderwerken uit?", "organisation"),
    ("Hoeveel gemeenten onderscheidt de praktijkgids", "number"),  # 'onderscheidt' without 'van' compares nothing
    ("Which municipality coordinates the hydrant maintenance?", "place"),
    ("What is the number of cases in the guide?", "number"),
    ("Wat kost het onderhoud van de brandkranen?", "amount"),
])
def test_fact_questions_of_each_value_kind_are_recognised(question, kind):
    found = analyse(question)
    assert (found.type, found.value_kind) == ("fact", kind)


def test_the_number_of_names_what_is_counted():
    assert analyse("Wat is het aantal gemeenten in de aankoopcentrale?").head == "gemeenten"


def test_a_comparison_with_onderscheidt_still_names_two_sides():
    assert analyse("Wat onderscheidt de aanpak van Gent van die van Aalst?").type == "comparison"


@pytest.mark.parametrize("question, about", [
    ("Who wrote this article?", True),
    ("Door wie is de tekst geschreven?", True),
    ("When did the article appear?", True),
    ("Wanneer werd het kader goedgekeurd?", False),
    ("Wie is de contactpersoon?", False),
])
def test_a_question_about_the_document_itself_is_told_apart(question, about):
    assert analyse(question).about_document is about


def test_the_about_document_cues_are_validated():
    good = read_text("advisor.resources", "question_types.toml")
    with pytest.raises(ConfigError, match="about_document"):
        load_cues(good.replace("[about_document]\npatterns = [", "[about_document]\npatterns = ['(.*)(.*)', "))


@pytest.mark.parametrize("kind, text, expected", [
    ("number", "AMBITIE K.1: doelstelling S 2.1. telt 7 ambities.", ["7"]),            # code parts are no count
    ("number", "We willen 20% minder nieuwe materialen.", ["20%"]),                   # a count as a percentage, whole
    ("number", "Zie pagina 39 en bijlage II van de handreiking.", ["pagina 39", "bijlage II"]),
    ("person", "Een uitgave van het Departement Werk en Sociale Economie, door Anna De Smet.", ["Anna De Smet"]),
    ("organisation", "TIP – In bijlage IV staat het overzicht van de VDAB.", ["VDAB"]),
])
def test_values_that_are_not_what_they_seem_are_left_out(kind, text, expected):
    assert [v.text for v in values.find(kind, text)] == expected


def test_a_byline_is_a_short_line_with_a_name_and_a_date():
    assert values.byline("Marie Janssens (oktober 2021)")
    assert values.byline("  Jan Van der Berg (2019) ")
    assert not values.byline("Het kader werd goedgekeurd (december 2020) door de besturen van de regio.")


def test_the_new_value_options_are_validated():
    good = read_text("advisor.resources", "values.toml")
    assert values.load_values(good)
    with pytest.raises(ConfigError, match="fallback"):
        values.load_values(good.replace('fallback = ["organisation"]', 'fallback = ["person"]'))
    with pytest.raises(ConfigError, match="answers"):
        values.load_values(good.replace('answers = ["hoeveel"', 'answers = [3, "hoeveel"'))
    with pytest.raises(ConfigError, match="byline"):
        values.load_values(good.replace("[byline]\npatterns", "[byline]\ncolour = 'red'\npatterns"))


NEIGHBOURS = ("De aankoopcentrale voor brandkranen is een samenwerking van elf gemeenten. Dit dossier wordt "
              "opgevolgd door Jan Peeters. Elk jaar komt er een verslag.")


def _compose_one(text: str, question_words: tuple[str, ...], analysis: Analysis):
    from advisor.compose import compose
    from advisor.concepts import Concept
    from advisor.passage import Passage
    from advisor.retrieval import Hit
    from advisor.text import stem

    passage = Passage(id="p1", doc_id="d1", title="Gids", start=0, end=len(text), text=text, index_text=text)
    found = [Concept(w, frozenset({stem(w, "nl")}), 1.0) for w in question_words]
    return compose([Hit(passage, 1.0)], found, "nl", lambda doc_id: text, 3, analysis)


def test_a_value_in_the_sentence_next_to_the_one_that_meets_the_question_leads_with_both_quoted():
    answer = _compose_one(NEIGHBOURS, ("aankoopcentrale", "brandkranen", "wie"),
                          Analysis("fact", ("aankoopcentrale brandkranen",), "person"))
    lines = [line for line in answer.answer.splitlines() if re.search(r"\[\d+\]$", line)]
    assert lines[0] == "Persoon: Jan Peeters [1]"
    quote = answer.citations[0].quote
    assert quote.startswith("De aankoopcentrale voor brandkranen") and quote.endswith("Jan Peeters.")
    assert lines[1] == f"- {quote} [1]"  # the statement shows exactly what its quote holds


def test_a_sentence_next_to_the_value_that_does_not_lean_on_it_stays_out_of_the_quote():
    text = "In Hasselt gaat 15 procent naar de sociale economie. Klassiek is ook de samenwerking rond groenonderhoud."
    answer = _compose_one(text, ("groenonderhoud", "samenwerking"), Analysis("fact", ("groenonderhoud",), "percentage"))
    assert answer.answer.splitlines()[2] == "Percentage: 15 procent [1]"
    assert answer.citations[0].quote == "In Hasselt gaat 15 procent naar de sociale economie."


def test_the_words_a_value_answers_do_not_count_against_its_sentence():
    text = ("De conferentie over sociaal inkopen vond plaats op vrijdag 4 oktober in Gent. "
            "Elke dag en elke plaats is goed om sociaal in te kopen, vond de spreker.")
    answer = _compose_one(text, ("dag", "vond", "conferentie", "plaats"),
                          Analysis("fact", ("dag vond conferentie plaats",), "date"))
    assert answer.answer.splitlines()[2] == "Datum: vrijdag 4 oktober [1]"


def _statements(answer) -> list[str]:
    return [line for line in answer.answer.splitlines() if re.search(r"\[\d+\]\s*$", line)]


def test_who_wrote_an_article_is_answered_from_its_byline(advisor):
    first = _statements(advisor.ask(
        "Wie is de schrijver van het stuk over de praktijkgids aankopen met sociale impact?"))[0]
    assert first == "Persoon: Paul De Neve [1]"


def test_an_author_is_never_taken_from_another_document(advisor):
    answer = advisor.ask("Wie heeft het regionaal kader duurzaam aankopen geschreven?")
    assert "Paul De Neve" not in answer.answer


def test_a_how_much_question_answered_by_a_percentage_names_it(advisor):
    first = _statements(advisor.ask("By how much do the new small machines have to beat the ones they replace?"))[0]
    assert first.startswith("The percentage the sources give: 30%"), first
