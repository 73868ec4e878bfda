"""Sanity checks for the scope and conversation evaluation sets (evals/sets/*.jsonl).

Only json, pathlib and tomllib: these tests check the data, never the advisor.
"""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from tests.sets_support import ROOT, SETS, corpus_documents, load_jsonl

SCOPE = SETS / "scope.jsonl"
CONVERSATIONS = SETS / "conversations.jsonl"
FRAMEWORK = ROOT / "advisor" / "knowledge" / "framework.toml"

SPLITS = {"dev", "test"}
LANGUAGES = {"nl", "en"}
REFUSE_KINDS = {"general_knowledge", "other_legal_domain", "near_domain"}
ANSWER_KINDS = {"in_scope", "mixed"}
SCOPE_KINDS = REFUSE_KINDS | ANSWER_KINDS
SCOPE_FIELDS = {"id", "split", "language", "question", "refuse", "kind", "evidence"}
SCOPE_MINIMUM = {"general_knowledge": 12, "other_legal_domain": 12, "near_domain": 12, "in_scope": 45, "mixed": 5}

CONV_KINDS = {"continuation", "topic_change", "contract_change", "english_follow_up",
              "refusal_then_in_scope", "in_scope_then_out_of_scope"}
CONV_MINIMUM = {"continuation": 6, "topic_change": 6, "contract_change": 6, "english_follow_up": 3,
                "refusal_then_in_scope": 3, "in_scope_then_out_of_scope": 3}
CONV_FIELDS = {"id", "split", "language", "kind", "turns", "expect"}
EXPECT_REQUIRED = {"verdict_expected", "criteria_expected", "product_group", "value_eur", "duration_months",
                   "carried", "refuse", "forbidden"}
EXPECT_FIELDS = EXPECT_REQUIRED | {"evidence"}
INTAKE_FIELDS = {"product_group", "value_eur", "duration_months", "framework_agreement", "lots", "jurisdiction",
                 "non_eu_products"}


@pytest.fixture(scope="module")
def scope() -> list[dict]:
    return load_jsonl(SCOPE)


@pytest.fixture(scope="module")
def conversations() -> list[dict]:
    return load_jsonl(CONVERSATIONS)


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return corpus_documents()


@pytest.fixture(scope="module")
def product_groups() -> set[str]:
    framework = tomllib.loads(FRAMEWORK.read_text(encoding="utf-8"))
    return {g["id"] for g in framework["product_groups"]}


def _check_evidence(where: str, evidence, documents: dict[str, str]) -> list[str]:
    problems = []
    if not isinstance(evidence, list) or not evidence:
        return [f"{where}: evidence must be a non-empty list"]
    for e in evidence:
        if set(e) != {"doc_id", "anchor"}:
            problems.append(f"{where}: evidence entry needs exactly doc_id and anchor: {e}")
            continue
        text = documents.get(e["doc_id"])
        anchor = e["anchor"]
        if text is None:
            problems.append(f"{where}: unknown doc_id {e['doc_id']!r}")
        elif anchor not in text:
            problems.append(f"{where}: anchor not in {e['doc_id']}: {anchor!r}")
        if "\n" in anchor:
            problems.append(f"{where}: anchor spans lines: {anchor!r}")
        if not 5 <= len(anchor.split()) <= 15:
            problems.append(f"{where}: anchor has {len(anchor.split())} words (5-15): {anchor!r}")
    return problems


def test_files_exist():
    assert SCOPE.is_file() and CONVERSATIONS.is_file()


def test_ids_unique_across_files(scope, conversations):
    ids = [r["id"] for r in scope + conversations]
    duplicates = sorted(i for i, c in Counter(ids).items() if c > 1)
    assert not duplicates, duplicates


# --- scope.jsonl -----------------------------------------------------------------------------

def test_scope_fields_and_values(scope):
    problems = []
    for r in scope:
        where = r.get("id", "?")
        missing = {"id", "split", "language", "question", "refuse", "kind"} - set(r)
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
        if set(r) - SCOPE_FIELDS:
            problems.append(f"{where}: unknown fields {sorted(set(r) - SCOPE_FIELDS)}")
        if r.get("split") not in SPLITS:
            problems.append(f"{where}: split {r.get('split')!r}")
        if r.get("language") not in LANGUAGES:
            problems.append(f"{where}: language {r.get('language')!r}")
        if r.get("kind") not in SCOPE_KINDS:
            problems.append(f"{where}: kind {r.get('kind')!r}")
        if not isinstance(r.get("question"), str) or not r.get("question", "").strip():
            problems.append(f"{where}: empty question")
        if not isinstance(r.get("refuse"), bool):
            problems.append(f"{where}: refuse must be a bool")
        elif r["refuse"] != (r.get("kind") in REFUSE_KINDS):
            problems.append(f"{where}: refuse={r['refuse']} does not fit kind {r.get('kind')!r}")
        if r.get("refuse") and "evidence" in r:
            problems.append(f"{where}: a refusal carries no evidence")
    assert not problems, "\n".join(problems)


def test_scope_minimum_counts(scope):
    kinds = Counter(r["kind"] for r in scope)
    for kind, minimum in SCOPE_MINIMUM.items():
        assert kinds[kind] >= minimum, f"{kind}: {kinds[kind]} < {minimum}"
    assert sum(r["refuse"] for r in scope) >= 45
    assert sum(r["kind"] == "in_scope" for r in scope) >= 45


def test_scope_language_and_split_balance(scope):
    english = sum(r["language"] == "en" for r in scope) / len(scope)
    assert english >= 0.35, english
    dev = sum(r["split"] == "dev" for r in scope) / len(scope)
    assert 0.5 <= dev <= 0.7, dev


def test_scope_evidence_is_verbatim(scope, documents):
    problems = []
    for r in scope:
        if not r["refuse"]:
            problems += _check_evidence(r["id"], r.get("evidence"), documents)
    assert not problems, "\n".join(problems)


def test_scope_questions_unique(scope):
    questions = Counter(r["question"].strip().lower() for r in scope)
    assert not [q for q, c in questions.items() if c > 1]


# --- conversations.jsonl --------------------------------------------------------------------

def test_conversation_fields_and_values(conversations, product_groups):
    problems = []
    for r in conversations:
        where = r.get("id", "?")
        if set(r) != CONV_FIELDS:
            problems.append(f"{where}: fields {sorted(set(r))}, expected {sorted(CONV_FIELDS)}")
            continue
        if r["split"] not in SPLITS:
            problems.append(f"{where}: split {r['split']!r}")
        if r["language"] not in LANGUAGES:
            problems.append(f"{where}: language {r['language']!r}")
        if r["kind"] not in CONV_KINDS:
            problems.append(f"{where}: kind {r['kind']!r}")
        turns = r["turns"]
        if not isinstance(turns, list) or len(turns) < 2:
            problems.append(f"{where}: needs at least two turns")
        elif any(set(t) != {"role", "content"} or t["role"] != "user" or not t["content"].strip() for t in turns):
            problems.append(f"{where}: every turn is {{role: user, content: non-empty}}")
        e = r["expect"]
        if set(e) - EXPECT_FIELDS or EXPECT_REQUIRED - set(e):
            problems.append(f"{where}: expect fields {sorted(e)}")
            continue
        for key in ("verdict_expected", "criteria_expected", "refuse"):
            if not isinstance(e[key], bool):
                problems.append(f"{where}: {key} must be a bool")
        if e["product_group"] is not None and e["product_group"] not in product_groups:
            problems.append(f"{where}: unknown product_group {e['product_group']!r}")
        if e["value_eur"] is not None and not (isinstance(e["value_eur"], (int, float)) and e["value_eur"] > 0):
            problems.append(f"{where}: value_eur must be a positive number or null")
        if e["duration_months"] is not None and not (isinstance(e["duration_months"], int) and e["duration_months"] > 0):
            problems.append(f"{where}: duration_months must be a positive int or null")
        if not isinstance(e["carried"], list) or set(e["carried"]) - INTAKE_FIELDS:
            problems.append(f"{where}: carried must list intake fields {sorted(INTAKE_FIELDS)}")
        for key in ("product_group", "value_eur", "duration_months"):
            if key in e["carried"] and e[key] is None:
                problems.append(f"{where}: {key} is carried but expected null")
        if not isinstance(e["forbidden"], list) or not all(isinstance(s, str) and s for s in e["forbidden"]):
            problems.append(f"{where}: forbidden must be a list of non-empty strings")
        elif isinstance(turns, list) and turns:
            last = turns[-1]["content"]
            clash = [s for s in e["forbidden"] if s in last]
            if clash:
                problems.append(f"{where}: forbidden strings occur in the evaluated turn itself: {clash}")
        amounts = {"139.000", "139,000"}
        if isinstance(e["value_eur"], (int, float)):
            amounts |= {f"{e['value_eur']:,.0f}", f"{e['value_eur']:,.0f}".replace(",", ".")}
        leaking = [s for s in e["forbidden"] if isinstance(s, str) and any(s in a for a in amounts)]
        if leaking:
            problems.append(f"{where}: forbidden {leaking} would match the expected amount or 139.000")
        if e["refuse"]:
            if e["verdict_expected"] or e["criteria_expected"] or e["product_group"] is not None or e.get("evidence"):
                problems.append(f"{where}: a refusal expects no verdict, criteria, product group or evidence")
    assert not problems, "\n".join(problems)


def test_conversation_kind_rules(conversations):
    problems = []
    for r in conversations:
        e, kind = r["expect"], r["kind"]
        if kind == "in_scope_then_out_of_scope" and not e["refuse"]:
            problems.append(f"{r['id']}: the last turn is out of scope, refuse must be true")
        if kind != "in_scope_then_out_of_scope" and e["refuse"]:
            problems.append(f"{r['id']}: only in_scope_then_out_of_scope ends in a refusal")
        if kind == "contract_change" and {"value_eur", "duration_months", "product_group"} & set(e["carried"]):
            problems.append(f"{r['id']}: a new contract carries nothing of the old one")
        if kind == "contract_change" and not e["forbidden"]:
            problems.append(f"{r['id']}: contract_change names the old amount in forbidden")
        if kind == "continuation" and not e["carried"]:
            problems.append(f"{r['id']}: a continuation carries at least one field")
        if kind == "topic_change" and (e["verdict_expected"] or e["criteria_expected"] or e["carried"]):
            problems.append(f"{r['id']}: a topic change asks about a notion, not the contract")
        if kind == "english_follow_up" and r["language"] != "en":
            problems.append(f"{r['id']}: english_follow_up is evaluated in English")
    assert not problems, "\n".join(problems)


def test_conversation_minimum_counts(conversations):
    assert len(conversations) >= 34
    kinds = Counter(r["kind"] for r in conversations)
    for kind, minimum in CONV_MINIMUM.items():
        assert kinds[kind] >= minimum, f"{kind}: {kinds[kind]} < {minimum}"
    english = sum(r["language"] == "en" for r in conversations) / len(conversations)
    assert english >= 0.30, english
    dev = sum(r["split"] == "dev" for r in conversations) / len(conversations)
    assert 0.5 <= dev <= 0.7, dev


def test_conversation_evidence_is_verbatim(conversations, documents):
    problems = []
    for r in conversations:
        if "evidence" in r["expect"]:
            problems += _check_evidence(r["id"], r["expect"]["evidence"], documents)
    assert not problems, "\n".join(problems)


# --- scope_train.jsonl (training questions of the scope probe, never evaluated) -------------

def _words(text: str) -> set[str]:
    import re

    return set(re.findall(r"\w+", text.lower()))


def test_training_questions_are_labelled_and_copy_no_evaluated_question(scope, conversations):
    """The probe's extra training questions carry a kind that fits their label, and none is a near
    copy (half its words or more shared) of a question any test split evaluates: training on a
    paraphrase of a test item would make the test figures say nothing."""
    rows = load_jsonl(SETS / "scope_train.jsonl")
    assert len(rows) >= 60
    problems = [r["id"] for r in rows if set(r) != {"id", "language", "question", "refuse", "kind"}
                or r["kind"] not in REFUSE_KINDS | {"in_scope"} or r["refuse"] != (r["kind"] in REFUSE_KINDS)
                or r["language"] not in LANGUAGES]
    assert not problems, problems
    evaluated = [r["question"] for r in scope if r["split"] != "dev"]
    evaluated += [t["content"] for r in conversations if r["split"] != "dev" for t in r["turns"]]
    for name in ("answer_types.jsonl", "question_types.jsonl", "question_types_holdout.jsonl"):
        if (SETS / name).is_file():
            evaluated += [r["question"] for r in load_jsonl(SETS / name) if r.get("split") != "dev"]
    for path in sorted((ROOT / "evals" / "golden").glob("*.jsonl")):
        evaluated += [r["question"] for r in load_jsonl(path) if r.get("split") != "dev" and "question" in r]
    tested = [_words(q) for q in evaluated]
    close = [r["question"] for r in rows
             if any(len(_words(r["question"]) & t) / len(_words(r["question"]) | t) >= 0.5 for t in tested)]
    assert not close, close
