"""A fact answer's lead line names a value only where the text shows it is one (issue 13, second blind
review, pattern 4): real corpus sentences and the real bundled index, with questions that are not in
the evaluation sets."""

from __future__ import annotations

import re

import pytest

from advisor.answer import values
from advisor.errors import ConfigError
from advisor.package_data import read_text


def _statements(answer) -> list[str]:
    return [line for line in answer.answer.splitlines() if re.search(r"\[\d+\]\s*$", line)]


@pytest.mark.parametrize("kind, text, expected", [
    # a name next to a role, not the capitalised words of a conference title in the same sentence
    ("person", "Dat stelde wethouder Rutger Groot Wassink (Sociale Zaken en Inkoop gemeente Amsterdam) tijdens de "
               "opening van de conferentie ‘Buying for Social Impact: van idee naar uitvoering’ op donderdag 13 juni.",
     ["Rutger Groot Wassink"]),
    ("person", "Dit gebeurt via samenwerking met de lokale diensteneconomie (Tot Uw Dienstzw).", []),
    ("person", "Voor alle vragen: Tina Segers tina.segers@brugge.be 050 47 54 35", ["Tina Segers"]),
    ("person", "Paul De Neve (mei 2018)", ["Paul De Neve"]),
    ("person", "Samen met de gemeente Amsterdam, de Sociaal Werkkoepel en Buy Social.", []),
    # an abbreviation in the plural is a kind of thing; a heading word in capitals is no organisation
    ("organisation", "Tot welke SDG’s wordt bijgedragen?", []),
    ("organisation", "AMBITIE K.1: We bouwen een klimaatneutrale en –bestendige regio uit", []),
    ("organisation", "De conferentie werd georganiseerd door VVSG en de stad.", ["VVSG"]),
])
def test_a_value_is_named_only_with_evidence_in_the_text(kind, text, expected):
    assert [v.text for v in values.find(kind, text)] == expected


def test_cued_patterns_need_cue_words():
    good = read_text("advisor.resources", "values.toml")
    with pytest.raises(ConfigError, match="cued"):
        values.load_values(good.replace("[place]\ncase = true\n", "[place]\ncase = true\ncued = ['x']\n"))
    with pytest.raises(ConfigError, match="list of words"):
        values.load_values(good.replace('next_to = ["van"]', 'next_to = "van"'))


def test_a_role_asked_for_is_answered_by_a_person_or_without_a_lead(advisor):
    right = advisor.ask("Welke wethouder sprak bij de opening van de conferentie in Amsterdam?")
    assert _statements(right)[0].startswith("Persoon: Rutger Groot Wassink [1]")
    # no burgemeester is named in the sources: no lead line rather than an organisation or a title
    nobody = advisor.ask("Wie is de burgemeester van Roeselare?")
    assert not any(s.startswith(("Persoon:", "Organisatie:")) for s in _statements(nobody))


def test_who_organised_asks_for_an_organisation(advisor):
    answer = advisor.ask("Wie organiseerde de Amsterdamse conferentie over sociaal inkopen?")
    assert _statements(answer)[0].startswith("Organisatie: Stichting De Omslag [1]")


def test_an_english_lead_gives_a_dutch_numeral_as_digits_with_the_source_word(advisor):
    answer = advisor.ask("How many Flemish provinces do the practice guide's examples cover?")
    assert _statements(answer)[0].startswith("The number the sources give: 5 (vijf) [1]")
    assert values.in_language("Eind december 2020", "en") == "end of December 2020 (Eind december 2020)"
    assert values.in_language("elf", "nl") == "elf"


@pytest.mark.parametrize("sentence, expected, wrong", [
    # the glosses the second blind review found wrong in context, on the corpus's own sentences
    ("In plaats van vooral de prijs leidend te laten zijn.", ("in plaats van", "instead of"), "plaats"),
    ("Sociaal inkopen is een belangrijk middel om voor deze doelgroep meer werk te creëren.",
     ("doelgroep", "target group"), None),
    ("Kijk op https://socialezaken.info voor een overzicht van alle Amsterdamse sociale firma’s.",
     ("overzicht", "overview"), None),
    ("Meer groen en minder verharding via integratie van deze criteria in elk bestek.", None, "criteria"),
    ("1 Openbare infrastructuur (gebouwen, faciliteiten, etc. ) nog te bepalen lokaal/regionaal",
     ("nog te bepalen", "to be determined"), None),
])
def test_glosses_give_the_sense_the_sources_use(sentence, expected, wrong):
    from advisor.text import gloss

    terms = gloss(sentence, most=20)
    if expected:
        assert expected in terms
    if wrong:
        assert all(nl != wrong for nl, _ in terms)


def test_a_glossary_line_with_an_unknown_flag_is_refused(monkeypatch):
    from advisor import text

    text._glossary_rows.cache_clear()
    monkeypatch.setattr(text, "read_text", lambda *_: "instead\tplaats\tsometimes\n")
    try:
        with pytest.raises(ValueError, match="third column"):
            text.glossary_entries()
    finally:
        text._glossary_rows.cache_clear()


@pytest.mark.parametrize("question", [
    "Waarin verschilt de voorkeur voor lokaal kopen van de fairtrade-eis uit het kader?",
    "Wat onderscheidt de voorkeur voor lokaal aankopen van de fairtrade-eis?",
])
def test_a_comparison_side_heads_only_a_quote_that_bears_its_label(advisor, question):
    """Review 29b, pattern 6: 'Over fairtrade-eis' stood over an energy-label objective that shares only
    'eisen' with it, 'Over voorkeur voor lokaal kopen' over the fairtrade line that shares 'kopen'."""
    lines = advisor.ask(question).answer.splitlines()
    headed = [(m.group(1), lines[i + 1]) for i, line in enumerate(lines[:-1])
              if (m := re.fullmatch(r"Over (.+):", line)) and lines[i + 1].startswith("- ")]
    assert headed, lines
    for label, statement in headed:
        assert label.split()[0].split("-")[0][:5].lower() in statement.lower(), (label, statement)


def test_a_gloss_only_line_glosses_but_does_not_widen_searches():
    from advisor.text import glossary_entries, gloss

    assert ("bestuur", "board") in gloss("Zorg voor commitment vanuit het bestuur", most=10)
    assert ("board", "bestuur") not in glossary_entries()  # 'board' in a question still searches as before
    assert ("partnerships", "partnership") not in gloss("de handreiking Partnerships voor meer banen", most=10)
