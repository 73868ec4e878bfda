"""The answer_types set against the index the eval answers from: every string an item expects to see
quoted (gold, anchors, list items, steps, comparison sides) lies inside one passage of the bundled
corpus as ingested. A string that crosses a passage boundary can never be inside a shown quote, so the
item would measure the chunker, not the answer. (tests/test_sets_answer_types.py checks the same
strings against the raw documents without building an index.)"""

from __future__ import annotations

from collections import defaultdict

from advisor.index import Layout, read_passages
from tests.sets_support import SETS, load_jsonl


def _quoted_strings(item: dict) -> list[str]:
    return ([item["gold"]] + [e["anchor"] for e in item["evidence"]] + item.get("items", [])
            + item.get("steps", []) + [s["anchor"] for s in item.get("sides", [])])


def test_every_expected_quote_fits_in_one_passage(corpus_settings):
    passages = defaultdict(list)
    for p in read_passages(Layout(corpus_settings.data_dir)):
        passages[p.doc_id].append(p.text)
    problems = []
    for item in load_jsonl(SETS / "answer_types.jsonl"):
        docs = [e["doc_id"] for e in item["evidence"]]
        for text in _quoted_strings(item):
            if not any(text in p for doc in docs for p in passages[doc]):
                problems.append(f"{item['id']}: not inside one passage of {docs}: {text!r}")
    assert not problems, "\n".join(problems)
