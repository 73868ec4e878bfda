"""Procedure, reason and comparison answers (issue 13): a how answer leads with what to do and gives
the enumeration of steps whole and in order; a comparison answers each side from where that side is
described, an objective code by its own line, and says so when the sources describe one side only.
Unit checks on text written here, then the real advisor on the bundled corpus with questions that are
in no evaluation set."""

from __future__ import annotations

import pytest

from advisor.answer import codes, steps
from advisor.answer.analysis import analyse
from advisor.errors import ConfigError


@pytest.mark.parametrize("sentence, kind", [
    ("Ga eerst na of de opdracht geschikt is.", "step"),
    ("Is dat niet mogelijk, overweeg dan een sociale clausule.", "step"),
    ("• Deel de opdracht op in percelen.", "step"),
    ("Bij een raamcontract kan je de sociale economie meenemen.", "step"),
    ("X 4.2. Opstellen van een plan.", "step"),
    ("Om meer mensen werk te geven, besteden we taken uit.", "reason"),
    ("De stad koos dit, waardoor er mankracht vrijkomt.", "reason"),
])
def test_step_and_reason_cues(sentence, kind):
    assert steps.carries(sentence, kind)
    other = "reason" if kind == "step" else "step"
    assert not steps.carries("De gemeente telt tien diensten.", kind)
    assert not steps.carries("Het kader werd in 2020 goedgekeurd.", other)


def test_procedure_cues_are_validated_at_load():
    with pytest.raises(ConfigError, match="procedures.toml.*sections"):
        steps.load("[step]\npatterns = ['x']\n")
    with pytest.raises(ConfigError, match="without bound"):
        steps.load("[step]\npatterns = ['door .* te']\n[reason]\npatterns = ['omdat']\n[cause]\npatterns = ['vergt']\n")
    assert steps.load("[step]\npatterns = ['ga']\n[reason]\npatterns = ['omdat']\n[cause]\npatterns = ['vergt']\n")


def test_objective_codes_however_written():
    q = "Wat is het verschil tussen de doelstellingen X 4.1 en X.4.2?"
    assert [codes.as_asked(side, q) for side in analyse(q).focus] == ["X 4.1", "X.4.2"]
    assert codes.opening("X 4.1. Meer groen.") == codes.opening("X.4.1 - Meer groen") == codes.of_label("X 4.1")
    assert codes.opening("X 4.12. Iets") != codes.of_label("X 4.1")
    assert codes.as_asked("ambitie x4", "Wat is het verschil tussen ambitie X4 en X5?") is None  # a card's notion
    assert codes.opening("1 Bestelwagens en vrachtwagens") is None


def _quotes(answer):
    return [" ".join(c.quote.split()) for c in answer.citations]


def test_two_objective_codes_are_answered_by_their_own_lines(advisor):
    answer = advisor.ask("Wat is het verschil tussen C.2.4 en C.2.5?")
    quotes = _quotes(answer)
    assert quotes[0].startswith("C.2.4. Inzetten op herstelbaarheid")
    assert quotes[1].startswith("C.2.5. Voor gebouwen wordt standaard de Vlaamse duurzaamheidsmeter")
    assert "Over C.2.4:" in answer.answer and "Over C.2.5:" in answer.answer
    assert len(quotes) == 2  # no third objective's line or a line that only names the ambition


def test_an_objective_broken_over_lines_is_quoted_whole(advisor):
    answer = advisor.ask("Hoe verschillen K 2.1 en K.2.2 van elkaar?")
    quotes = _quotes(answer)
    assert quotes[0].startswith("K 2.1.") and quotes[0].endswith("vloot tegen 2030.")
    # 'K.2.2.' opens two lines (a slip on K1's page): the one beside K 2.1 is K2's implementation plan
    assert quotes[1].startswith("K.2.2. Opstellen van een implementatieplan")


@pytest.mark.parametrize("question, missing", [
    ("Wat is het verschil tussen een voorbehouden opdracht en een concessieovereenkomst?",
     "Over concessieovereenkomst vind ik in de bronnen niets dat het apart beschrijft."),
    ("What is the difference between a reserved contract and a concession?",
     "On concession, I find nothing in the sources that describes it on its own."),
])
def test_a_side_the_sources_do_not_describe_is_said_to_be_missing(advisor, question, missing):
    answer = advisor.ask(question)
    assert not answer.refused and missing in answer.answer
    assert any("voor te behouden voor de sociale economie" in q or "We reserveren" in q for q in _quotes(answer))


def test_a_how_answer_leads_with_the_first_step_and_gives_the_alternatives_whole(advisor):
    answer = advisor.ask("Hoe pak ik het aan als ik een opdracht aan de sociale economie wil gunnen?")
    quotes = _quotes(answer)
    assert quotes[0].startswith("Ga eerst na of jouw opdracht geschikt is")
    text = answer.answer
    bullets = ["Deel grotere opdrachten op in percelen", "met een sociale-economieonderneming samen te werken",
               "een stage of werkervaring te laten doen", "Bij raamcontracten kan je"]
    positions = [text.find(b) for b in bullets]
    assert all(p > text.find("Ga eerst na") for p in positions) and positions == sorted(positions)
    assert "De bronnen noemen er 4:" in text


def test_a_how_answer_about_an_ambition_gives_its_objectives_in_order(advisor):
    text = advisor.ask("Hoe werk ik met minder nieuwe materialen volgens C1?").answer
    objectives = ["C 1.1.", "C 1.2.", "C.1.3.", "C.1.4.", "C.1.5."]
    positions = [text.find(o) for o in objectives]
    assert min(positions) >= 0 and positions == sorted(positions)


def test_a_why_answer_leads_with_the_cause(advisor):
    answer = advisor.ask("Waarom stimuleert het kader de lokale en korte keten?")
    assert _quotes(answer)[0].startswith("Om de lokale economie te stimuleren en zoveel mogelijk lokale jobs")


def test_a_side_is_named_in_the_questions_own_words():
    from advisor.core import as_asked

    q = "Hoe verschilt werk op maat van een stage bij een gewone aannemer in de regio?"
    assert as_asked("werk maat", q) == "werk op maat"  # the small word between is kept
    assert as_asked("werk regio", q) == "werk regio"  # too far apart: the words alone
