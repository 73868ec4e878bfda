"""Static checks for the hand-written evaluation sets evals/sets/answer_types.jsonl and
evals/sets/question_types.jsonl.

These tests only read the JSONL files and the corpus (through corpus/manifest.toml); they never run
or import the advisor, so they measure the data, not the product.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.sets_support import SETS, corpus_documents, load_jsonl

ANSWER_TYPES = SETS / "answer_types.jsonl"
QUESTION_TYPES = SETS / "question_types.jsonl"

ANSWER_TYPE_NAMES = ("definition", "list", "comparison", "fact", "procedure", "reason")
MAIN_TYPES = ANSWER_TYPE_NAMES[:5]  # the types with at least 20 items each; reason (why) has fewer
QUESTION_TYPE_NAMES = ANSWER_TYPE_NAMES + ("advisory", "out_of_scope")
ID_PREFIX = {"definition": "type-def-", "list": "type-list-", "comparison": "type-cmp-",
             "fact": "type-fact-", "procedure": "type-proc-", "reason": "type-why-"}
VALUE_KINDS = {"person", "organisation", "number", "percentage", "amount", "date", "contact", "place"}
SPLITS = {"dev", "test"}
LANGUAGES = {"nl", "en"}


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return corpus_documents()


@pytest.fixture(scope="module")
def answer_items() -> list[dict]:
    return load_jsonl(ANSWER_TYPES)


@pytest.fixture(scope="module")
def question_items() -> list[dict]:
    return load_jsonl(QUESTION_TYPES)


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _nonempty_str_list(value) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(_nonempty_str(v) for v in value)


# ---------------------------------------------------------------------------- answer_types.jsonl


@pytest.mark.parametrize("path, minimum", [(ANSWER_TYPES, 100), (QUESTION_TYPES, 160)], ids=["answer", "question"])
def test_every_line_is_an_item_with_a_unique_id(path, minimum):
    raw = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = load_jsonl(path)
    assert len(raw) == len(items) >= minimum
    dupes = [i for i, n in Counter(it.get("id") for it in items).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_answer_types_required_fields(answer_items):
    problems = []
    for it in answer_items:
        iid = it.get("id")
        t = it.get("type")
        if t not in ANSWER_TYPE_NAMES:
            problems.append(f"{iid}: bad type {t!r}")
            continue
        if not (isinstance(iid, str) and iid.startswith(ID_PREFIX[t]) and iid[len(ID_PREFIX[t]):].isdigit()):
            problems.append(f"{iid}: id does not match type {t}")
        if it.get("split") not in SPLITS:
            problems.append(f"{iid}: bad split {it.get('split')!r}")
        if it.get("language") not in LANGUAGES:
            problems.append(f"{iid}: bad language {it.get('language')!r}")
        for key in ("question", "gold"):
            if not _nonempty_str(it.get(key)):
                problems.append(f"{iid}: missing {key}")
        if not _nonempty_str_list(it.get("focus")):
            problems.append(f"{iid}: missing focus")
        evidence = it.get("evidence")
        if not (isinstance(evidence, list) and evidence):
            problems.append(f"{iid}: missing evidence")
        else:
            for e in evidence:
                if not (isinstance(e, dict) and _nonempty_str(e.get("doc_id")) and _nonempty_str(e.get("anchor"))):
                    problems.append(f"{iid}: malformed evidence {e!r}")
        if t == "fact":
            if not _nonempty_str(it.get("value")):
                problems.append(f"{iid}: fact without value")
            if it.get("value_kind") not in VALUE_KINDS:
                problems.append(f"{iid}: bad value_kind {it.get('value_kind')!r}")
        if t == "list" and not _nonempty_str_list(it.get("items")):
            problems.append(f"{iid}: list without items")
        if t == "list" and len(it.get("items") or []) < 2:
            problems.append(f"{iid}: list with fewer than 2 items")
        if t in ("procedure", "reason") and not _nonempty_str_list(it.get("steps")):
            problems.append(f"{iid}: {t} without steps (the sentences that carry the way or the cause)")
        if t == "comparison":
            sides = it.get("sides")
            if not (isinstance(sides, list) and len(sides) == 2 and all(
                    isinstance(s, dict) and _nonempty_str(s.get("notion")) and _nonempty_str(s.get("anchor"))
                    for s in sides)):
                problems.append(f"{iid}: comparison needs two sides with notion and anchor")
    assert not problems, "\n".join(problems)


def test_answer_types_texts_are_exact_substrings(answer_items, corpus):
    problems = []
    for it in answer_items:
        iid = it["id"]
        ev_docs = []
        for e in it["evidence"]:
            doc = corpus.get(e["doc_id"])
            if doc is None:
                problems.append(f"{iid}: unknown doc_id {e['doc_id']!r}")
                continue
            ev_docs.append(doc)
            if e["anchor"] not in doc:
                problems.append(f"{iid}: anchor not in {e['doc_id']}: {e['anchor']!r}")
        # gold / items / steps / value / side anchors: exact substrings of a document the item names
        # in its evidence (a doc_id is always given through evidence).
        pool = ev_docs or list(corpus.values())
        texts = [("gold", it["gold"])]
        texts += [("item", s) for s in it.get("items", [])]
        texts += [("step", s) for s in it.get("steps", [])]
        texts += [("side", s["anchor"]) for s in it.get("sides", [])]
        if "value" in it:
            texts.append(("value", it["value"]))
        for what, text in texts:
            if not any(text in d for d in pool):
                problems.append(f"{iid}: {what} not in its evidence document(s): {text!r}")
        if "value" in it and it["value"] not in it["gold"] and not any(
                it["value"] in e["anchor"] for e in it["evidence"]):
            problems.append(f"{iid}: value neither in gold nor in an evidence anchor")
    assert not problems, "\n".join(problems)


def test_answer_types_minimum_counts(answer_items):
    per_type = Counter(it["type"] for it in answer_items)
    per_type_lang = Counter((it["type"], it["language"]) for it in answer_items)
    problems = [] if per_type["reason"] >= 8 else [f"reason: {per_type['reason']} items (< 8)"]
    for t in MAIN_TYPES:
        if per_type[t] < 20:
            problems.append(f"{t}: {per_type[t]} items (< 20)")
        if per_type_lang[(t, "en")] < 8:
            problems.append(f"{t}: {per_type_lang[(t, 'en')]} English items (< 8)")
        if per_type_lang[(t, "nl")] < 10:
            problems.append(f"{t}: {per_type_lang[(t, 'nl')]} Dutch items (< 10)")
    assert not problems, "\n".join(problems)


def test_answer_types_split_balance(answer_items):
    for t in ANSWER_TYPE_NAMES:
        for lang in LANGUAGES:
            group = [it for it in answer_items if it["type"] == t and it["language"] == lang]
            dev = sum(1 for it in group if it["split"] == "dev")
            test = len(group) - dev
            assert dev > 0 and test > 0, f"{t}/{lang}: both splits needed"
            assert 0.45 <= dev / len(group) <= 0.75, f"{t}/{lang}: dev share {dev}/{len(group)}"


def test_answer_types_questions_unique(answer_items):
    qs = Counter(it["question"].strip().lower() for it in answer_items)
    dupes = [q for q, n in qs.items() if n > 1]
    assert not dupes, f"duplicate questions: {dupes}"


# ---------------------------------------------------------------------------- question_types.jsonl


def test_question_types_required_fields(question_items):
    problems = []
    for it in question_items:
        iid = it.get("id")
        if not _nonempty_str(iid):
            problems.append(f"missing id: {it!r}")
        if it.get("type") not in QUESTION_TYPE_NAMES:
            problems.append(f"{iid}: bad type {it.get('type')!r}")
        if it.get("split") not in SPLITS:
            problems.append(f"{iid}: bad split {it.get('split')!r}")
        if it.get("language") not in LANGUAGES:
            problems.append(f"{iid}: bad language {it.get('language')!r}")
        if not _nonempty_str(it.get("question")):
            problems.append(f"{iid}: missing question")
        if not _nonempty_str_list(it.get("focus")):
            problems.append(f"{iid}: missing focus")
    assert not problems, "\n".join(problems)


def test_question_types_minimum_counts(question_items):
    per_type = Counter(it["type"] for it in question_items)
    short = {t: per_type[t] for t in QUESTION_TYPE_NAMES if per_type[t] < 15}
    assert not short, f"types with fewer than 15 questions: {short}"
    english = sum(1 for it in question_items if it["language"] == "en")
    assert english / len(question_items) >= 0.40, f"only {english}/{len(question_items)} English"
    dev = sum(1 for it in question_items if it["split"] == "dev")
    assert 0.5 <= dev / len(question_items) <= 0.7, f"dev share {dev}/{len(question_items)}"
    for t in QUESTION_TYPE_NAMES:
        splits = {it["split"] for it in question_items if it["type"] == t}
        assert splits == SPLITS, f"{t}: needs both dev and test"


def test_question_types_questions_unique_and_not_reused(question_items, answer_items):
    qs = Counter(it["question"].strip().lower() for it in question_items)
    dupes = [q for q, n in qs.items() if n > 1]
    assert not dupes, f"duplicate questions: {dupes}"
    reused = set(qs) & {it["question"].strip().lower() for it in answer_items}
    assert not reused, f"questions reused verbatim from answer_types.jsonl: {sorted(reused)}"


def test_question_types_hard_cases_present(question_items):
    questions = [(it["type"], it["question"]) for it in question_items]
    # "why" questions labelled reason
    assert sum(1 for t, q in questions if t == "reason" and q.lower().startswith(("waarom", "why"))) >= 10
    # fact questions phrased as hoeveel / how many / how much
    assert sum(1 for t, q in questions
               if t == "fact" and q.lower().startswith(("hoeveel", "how many", "how much"))) >= 5
    # list questions phrased without "welke" / "which"
    assert sum(1 for t, q in questions
               if t == "list" and "welke" not in q.lower() and "which" not in q.lower()) >= 5
    # questions without a question mark
    assert sum(1 for _, q in questions if not q.rstrip().endswith("?")) >= 10
