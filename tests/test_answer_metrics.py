"""The per-type answer metrics (evals/answer_types.py) on answers built by hand: each one can fail."""

from __future__ import annotations

from advisor.model import Answer, Citation
from evals import answer_types as m


def _answer(text: str, quotes: list[str], language: str = "nl", refused: bool = False) -> Answer:
    citations = [Citation(n=n, doc_id="d", title="T", quote=q, text=q, passage_id=f"p{n}", start=0, end=len(q))
                 for n, q in enumerate(quotes, start=1)]
    return Answer(answer=text, language=language, refused=refused, citations=citations)


FACT = {"type": "fact", "language": "nl", "gold": "Tina Segers", "value": "tina.segers@brugge.be"}
LIST = {"type": "list", "language": "en", "items": ["Beernem", "Damme", "Torhout"]}


def test_fact_first_and_gold_in_quote():
    good = _answer("Contact: tina.segers@brugge.be [1]\n- Meer over het kader [2]",
                   ["Vragen? Mail Tina Segers: tina.segers@brugge.be", "Het kader"])
    late = _answer("- Download hier het kader [1]\n- Mail tina.segers@brugge.be [2]",
                   ["Download hier het kader", "Mail tina.segers@brugge.be"])
    assert m.fact_first(FACT, good) == 1.0 and m.gold_in_quote(FACT, good) == 1.0
    assert m.fact_first(FACT, late) == 0.0 and m.gold_in_quote(FACT, late) == 0.0


def test_list_completeness_counts_items_shown_in_text_or_quotes():
    answer = _answer("The sources name: Beernem [1]", ["Beernem, Damme en Brugge"], language="en")
    assert m.list_completeness(LIST, answer) == 2 / 3
    assert m.list_completeness(LIST, _answer("x", [], refused=True)) == 0.0


def test_filler_rate():
    answer = _answer("- Donwload hier het volledige regionaal kader. [1]\n- Het kader telt zeven ambities. [2]",
                     ["a", "b"])
    assert m.filler_rate(FACT, answer) == 0.5


def test_english_prose_needs_english_of_its_own():
    frame_only = _answer("This is what the sources say on your question (they are in Dutch; quotes stay in their "
                         "language):\n\n- „Het kader telt zeven ambities.” [1]", ["Het kader telt zeven ambities."],
                         language="en")
    prose = _answer("The framework (in Dutch) sets seven ambitions: „Het kader telt zeven ambities.” [1]",
                    ["Het kader telt zeven ambities."], language="en")
    assert m.english_prose(LIST, frame_only) == 0.0
    assert m.english_prose(LIST, prose) == 1.0
    assert m.english_prose(FACT, prose) is None


def test_the_test_split_meets_the_per_type_floors(advisor):
    """The CI gate of what users see: the "all" row of the test split against
    evals/thresholds.toml [suites.answer_types.test]."""
    items = m.load("test")
    answers = [advisor.ask(i["question"]) for i in items]
    row = m.table(items, answers)["all"]
    assert not m.out_of_bounds(row, m.floors("test")), row


def test_english_prose_ignores_a_dutch_quote_that_holds_apostrophes_or_quotes():
    """A quote such as „Betrek je collega’s bij de “kick-off” …” is removed whole: only the
    answer's own words are judged."""
    item = {"type": "list", "language": "en"}
    quote = "Betrek je collega’s van de afdeling inkoop bij de “kick-off” en organiseer een bijeenkomst"
    dutch_only = _answer(f"- „{quote}” [1]\n- „{quote}” [1]", [quote], language="en")
    with_lead = _answer(f"The sources name 2 steps to take with your colleagues: [1]\n- „{quote}” [1]", [quote],
                        language="en")
    assert m.english_prose(item, dutch_only) == 0.0
    assert m.english_prose(item, with_lead) == 1.0


PROCEDURE = {"type": "procedure", "language": "nl", "gold": "Ga eerst na",
             "steps": ["Ga eerst na of jouw opdracht geschikt is", "overweeg dan zeker één van deze sociale criteria"]}
COMPARISON = {"type": "comparison", "language": "nl",
              "sides": [{"notion": "K1", "anchor": "We bouwen een klimaatneutrale"},
                        {"notion": "K2", "anchor": "We maken de transitie"}]}


def test_steps_shown_and_gold_first():
    ordered = _answer("- Ga eerst na … [1]", ["Ga eerst na of jouw opdracht geschikt is om voor te behouden. "
                                             "Is dat niet zo, overweeg dan zeker één van deze sociale criteria"])
    generic = _answer("- Er zijn heel wat mogelijkheden. [1]\n- Ga eerst na … [2]",
                      ["Er zijn heel wat mogelijkheden.", "Ga eerst na of jouw opdracht geschikt is"])
    assert m.steps_shown(PROCEDURE, ordered) == 1.0 and m.gold_first(PROCEDURE, ordered) == 1.0
    assert m.steps_shown(PROCEDURE, generic) == 0.5 and m.gold_first(PROCEDURE, generic) == 0.0
    assert m.steps_shown(FACT, ordered) is None and m.gold_first(PROCEDURE, _answer("x", [], refused=True)) == 0.0


def test_sides_shown_counts_each_side_once():
    one_side = _answer("- a [1]\n- b [2]", ["AMBITIE K.1: We bouwen een klimaatneutrale regio uit", "Ook K1"])
    both = _answer("- a [1]\n- b [2]", ["We bouwen een klimaatneutrale regio", "We maken de transitie naar"])
    assert m.sides_shown(COMPARISON, one_side) == 0.5
    assert m.sides_shown(COMPARISON, both) == 1.0
    assert m.sides_shown(PROCEDURE, both) is None
