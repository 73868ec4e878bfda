"""English answers gloss the Dutch procurement terms of their quotes from the project's glossary."""

from advisor.text import gloss


def test_two_word_terms_first_and_each_english_once():
    found = dict(gloss("De sociale economie krijgt een opdracht in onderaanneming van de opdrachtnemer."))
    assert found["sociale economie"] == "social economy"
    assert found["onderaanneming"] == "subcontracting"
    assert "sociale" not in found and "economie" not in found  # not glossed again word by word


def test_a_word_of_a_longer_dutch_phrase_is_not_glossed_as_the_whole_phrase():
    assert "distance from the labour market" not in dict(gloss("De arbeidsmarkt verandert.")).values()


def test_a_term_is_glossed_in_the_sense_the_sources_use_and_shown_as_they_spell_it():
    terms = dict(gloss("Ze besluiten taken uit te besteden en draagvlak te creëren.", most=8))
    assert terms["besteden"] == "outsource" and terms["draagvlak"] == "support base"
    assert "creëren" in terms and "creeren" not in terms
