"""English answers gloss the Dutch procurement terms of their quotes from the project's glossary."""

from advisor.text import gloss


def test_two_word_terms_first_and_each_english_once():
    found = dict(gloss("De sociale economie krijgt een opdracht in onderaanneming van de opdrachtnemer."))
    assert found["sociale economie"] == "social economy"
    assert found["onderaanneming"] == "subcontracting"
    assert "sociale" not in found and "economie" not in found  # not glossed again word by word


def test_a_word_of_a_longer_dutch_phrase_is_not_glossed_as_the_whole_phrase():
    assert "distance from the labour market" not in dict(gloss("De arbeidsmarkt verandert.")).values()
