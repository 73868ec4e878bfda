"""The HTTP API against a real server on loopback, through a real HTTP client."""

from __future__ import annotations

import httpx
import pytest

from tests.server import running_server


@pytest.fixture(scope="module")
def server(corpus_settings):
    with running_server(corpus_settings.data_dir) as base:
        yield base


def test_healthz_reports_the_loaded_index(server):
    r = httpx.get(f"{server}/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["documents"] == 5


def test_ask_returns_the_answer_contract(server, corpus_index):
    r = httpx.post(f"{server}/v1/ask", json={"question": "Hoe kan ik bij een raamcontract de sociale economie betrekken?"},
                   timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert {"answer", "language", "refused", "citations", "criteria", "verdict", "intake", "timings_ms"} <= set(body)
    assert body["language"] == "nl" and not body["refused"] and body["citations"]
    for c in body["citations"]:
        assert c["quote"] in corpus_index.document_text(c["doc_id"])
        assert f"[{c['n']}]" in body["answer"]


def test_ask_with_history_and_refusal(server):
    r = httpx.post(f"{server}/v1/ask", json={"question": "Hoe laat vertrekt de laatste trein naar Gent?",
                                             "history": [{"role": "user", "content": "Hallo"}]})
    assert r.status_code == 200 and r.json()["refused"] and r.json()["citations"] == []


@pytest.mark.parametrize("body,fragment", [
    ({}, "question: Field required"),
    ({"question": ""}, "question: String should have at least 1 character"),
    ({"question": 42}, "question: Input should be a valid string"),
    ({"question": "Wat is social return?", "extra": 1}, "extra: Extra inputs are not permitted"),
    ({"question": "Wat?", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
    ({"question": "   "}, "empty"),
])
def test_invalid_input_gets_422_with_a_clear_message(server, body, fragment):
    r = httpx.post(f"{server}/v1/ask", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert fragment in r.json()["detail"]


def test_malformed_json_gets_422_not_500(server):
    r = httpx.post(f"{server}/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "Traceback" not in r.text


def test_too_long_question_gets_413(server):
    r = httpx.post(f"{server}/v1/ask", json={"question": "sociaal " * 1000})
    assert r.status_code == 413 and "ADVISOR_MAX_QUESTION_CHARS" in r.json()["detail"]


def test_openapi_documents_the_ask_endpoint(server):
    spec = httpx.get(f"{server}/openapi.json").json()
    assert "/v1/ask" in spec["paths"] and "/healthz" in spec["paths"]


def test_criteria_catalogue(server):
    body = httpx.get(f"{server}/v1/criteria").json()
    ids = {c["id"] for c in body["criteria"]}
    assert {"reserved_contract", "lots", "subcontracting_social_economy", "work_experience",
            "framework_agreement_social_economy", "social_return", "social_criteria_menu", "fair_trade",
            "ilo_supply_chain", "local_short_chain"} <= ids
    assert body["threshold"] == {"amount_eur": 139000, "as_of": "2020-12", "source": "framework S1 target table"}
    assert any(g["id"] == "cleaning" and g["reservation_priority"] for g in body["product_groups"])


def test_criteria_suggest_for_a_structured_intake(server, corpus_index):
    r = httpx.post(f"{server}/v1/criteria/suggest",
                   json={"product_group": "catering", "value_eur": 300000, "framework_agreement": True,
                         "reservation": True, "language": "en"})
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"]["reservable"] == "conditional" and body["language"] == "en"
    menu = [c["id"] for c in body["criteria"]]
    assert menu[0] == "reserved_contract" and "social_criteria_menu" in menu
    assert all(c["quote"] in corpus_index.document_text(c["doc_id"]) for c in body["citations"])


def test_suggest_rejects_an_unknown_group_naming_the_known_ones(server):
    r = httpx.post(f"{server}/v1/criteria/suggest", json={"product_group": "bananas"})
    assert r.status_code == 422 and "known: green_maintenance" in r.json()["detail"]


def test_explicit_intake_wins_over_the_question(server):
    r = httpx.post(f"{server}/v1/ask", json={"question": "Mag ik deze schoonmaakopdracht van 80.000 euro voorbehouden?",
                                             "intake": {"product_group": "office_furniture"}})
    body = r.json()
    assert body["intake"]["product_group"] == "office_furniture" and body["intake"]["value_eur"] == 80000
    assert body["verdict"]["reservable"] == "no"
