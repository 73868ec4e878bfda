"""Conversations (issue #15): a follow-up keeps the subject and contract of the turns it follows; a
question about another notion or another contract starts fresh. Real advisor over the bundled corpus."""

from __future__ import annotations

import pytest

from advisor import conversation
from advisor.errors import ConfigError
from evals import conversations as suite

CLEANING = "Mag ik de schoonmaak van onze gebouwen (€95.000, 3 jaar) voorbehouden aan de sociale economie?"
CATERING_EN = "Which social criteria can we put in our catering contract of €300,000 for 2 years?"


def chat(advisor, *turns: str):
    """Ask each turn after the earlier ones, the way the chat page sends them; the last answer."""
    history, answer = [], None
    for turn in turns:
        answer = advisor.ask(turn, history)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer.answer}]
    return answer


def test_a_notion_question_after_advice_is_answered_fresh(advisor):
    answer = chat(advisor, CLEANING, "Wat is social return?")
    assert not answer.refused and answer.verdict is None and not answer.criteria and answer.intake is None
    assert "Oordeel" not in answer.answer and "95.000" not in answer.answer
    assert any("social return" in c.text.lower() for c in answer.citations)


def test_a_notion_question_after_advice_is_answered_fresh_in_english(advisor):
    answer = chat(advisor, "Can we reserve our green maintenance contract of €60,000 for the social economy?",
                  "What is social return?")
    assert answer.verdict is None and not answer.criteria and answer.intake is None
    assert "Verdict" not in answer.answer and "60,000" not in answer.answer


def test_another_product_group_does_not_inherit_the_contract(advisor):
    answer = chat(advisor, CLEANING, "En de catering voor onze evenementen, mag die ook voorbehouden worden?")
    assert answer.verdict is not None and answer.intake.product_group == "catering"
    assert answer.intake.value_eur is None and answer.intake.duration_months is None
    assert answer.intake.carried == [] and "95.000" not in answer.answer


def test_an_elliptic_follow_up_keeps_the_contract_and_says_what_it_carried(advisor):
    answer = chat(advisor, CLEANING, "En als het 200.000 euro is?")
    assert answer.verdict is not None and answer.verdict.reservable == "conditional"
    assert (answer.intake.product_group, answer.intake.value_eur, answer.intake.duration_months) == \
        ("cleaning", 200_000, 36)
    assert set(answer.intake.carried) >= {"product_group", "duration_months"}
    assert "value_eur" not in answer.intake.carried


def test_an_english_follow_up_asks_the_menu_again_for_the_same_contract(advisor):
    answer = chat(advisor, CATERING_EN, "And what if it becomes a framework agreement?")
    assert answer.verdict is None and answer.criteria
    assert (answer.intake.product_group, answer.intake.value_eur, answer.intake.duration_months) == \
        ("catering", 300_000, 24)
    assert answer.intake.framework_agreement is True
    assert {"product_group", "value_eur", "duration_months"} <= set(answer.intake.carried)


def test_a_named_new_contract_starts_from_nothing(advisor):
    answer = chat(advisor, CATERING_EN, "Something else: we are buying laptops. Which criteria fit?")
    assert answer.criteria and answer.intake.product_group == "ict"
    assert answer.intake.value_eur is None and answer.intake.duration_months is None and not answer.intake.carried


def test_a_list_question_naming_reservation_is_not_a_verdict(advisor):
    answer = chat(advisor, "Welke productgroepen komen in aanmerking om voor te behouden aan de sociale economie?")
    assert answer.verdict is None and not answer.criteria


def test_a_new_subject_is_searched_alone_and_a_follow_up_with_its_turn(advisor):
    history = [{"role": "user", "content": CLEANING}]
    assert advisor.retrieval_query("Wat is social return?", history) == "Wat is social return?"
    assert advisor.retrieval_query("En voor 4 jaar?", history) == f"{CLEANING}\nEn voor 4 jaar?"


def test_a_chain_of_follow_ups_keeps_the_first_contract():
    turn = conversation.relate("En als het een raamovereenkomst wordt?", [CLEANING, "En voor 4 jaar?"])
    assert turn.continues and turn.same_contract and turn.asks == {"reservation"}
    assert turn.contract == (CLEANING, "En voor 4 jaar?")
    contract = turn.intake()
    assert contract.duration_months == 48 and contract.value_eur == 95_000 and contract.framework_agreement
    assert set(contract.carried) == {"product_group", "value_eur", "duration_months"}


def test_a_topic_change_in_the_middle_ends_the_contract():
    turn = conversation.relate("En voor 4 jaar?", [CLEANING, "Wat is social return?"])
    assert turn.intake().product_group is None and not turn.asks


@pytest.mark.parametrize("question", ["Wat met een looptijd van 4 jaar?", "Hoe zit het met een raamovereenkomst?",
                                      "Ok, en voor 4 jaar?", "Thanks! And for 4 years?"])
def test_what_about_and_a_thanks_in_front_go_on_with_the_contract(question):
    turn = conversation.relate(question, [CLEANING])
    assert turn.continues and turn.same_contract and turn.asks == {"reservation"}


@pytest.mark.parametrize("question", ["Bedankt! Wat is social return?", "Thanks. What is social return?"])
def test_a_thanks_in_front_of_a_notion_question_starts_fresh(question):
    turn = conversation.relate(question, [CLEANING])
    assert not turn.continues and not turn.asks and turn.intake().product_group is None


def test_the_same_question_for_another_group_asks_again_without_the_old_contract():
    for question in ("Same question for catering.", "Dezelfde vraag voor catering.", "Geldt dat ook voor catering?"):
        turn = conversation.relate(question, [CLEANING])
        assert turn.continues and not turn.same_contract and turn.asks == {"reservation"}, question
        assert turn.intake().value_eur is None


def test_asking_for_criteria_then_gets_the_menu_of_the_same_contract(advisor):
    turn = conversation.relate("Welke criteria kan ik dan opnemen?", [CLEANING])
    assert turn.continues and turn.same_contract and turn.asks == {"criteria"}
    answer = chat(advisor, CLEANING, "Welke criteria kan ik dan opnemen?")
    assert answer.criteria and answer.intake.product_group == "cleaning" and answer.intake.value_eur == 95_000


@pytest.mark.parametrize("text, message", [
    ('[rules]\nnotion_types = ["definition"]\nelliptic_max_words = 6\n[bogus]\npatterns = ["x"]', "unknown sections"),
    ('[rules]\nnotion_types = ["riddle"]\nelliptic_max_words = 6', "notion_types: unknown types"),
    ('[rules]\nnotion_types = []\nelliptic_max_words = -1', "elliptic_max_words"),
    ('[rules]\nnotion_types = []', "expected exactly the keys"),
    ('[rules]\nnotion_types = []\nelliptic_max_words = 6\n[new_contract]\npatterns = [".*other"]', "without bound"),
])
def test_bad_conversation_rules_say_what_to_fix(text, message):
    with pytest.raises(ConfigError, match=message):
        conversation.load_rules(text)


def test_the_conversation_score_on_the_test_split_stays_above_its_floor(advisor):
    cases = suite.load("test")
    answers = [suite.run(advisor, c) for c in cases]
    score = suite.score(cases, answers)
    assert score >= suite.floor("test"), suite.table(cases, answers)["all"]
