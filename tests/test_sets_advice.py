"""Checks the hand-written evaluation sets evals/sets/advice.jsonl and evals/sets/intake.jsonl.

Data checks only: the sets were written from the corpus and DOMAIN.md before any advisor run, and
this test must not depend on what the advisor answers, so it imports nothing from the advisor
(json, pathlib and tomllib only). Ids are checked against the knowledge TOML files.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.sets_support import load_jsonl

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "evals" / "sets"
ADVICE = SETS / "advice.jsonl"
INTAKE = SETS / "intake.jsonl"
KNOWLEDGE = ROOT / "advisor" / "knowledge"

THRESHOLD_EUR = 139000
VERDICTS = {"yes", "conditional", "no", "unknown"}
SPLITS = {"dev", "test"}
LANGUAGES = {"nl", "en"}
JURISDICTIONS = {"be", "nl", None}
INTAKE_KEYS = {"product_group", "value_eur", "duration_months", "framework_agreement", "jurisdiction"}


@pytest.fixture(scope="module")
def framework() -> dict:
    return tomllib.loads((KNOWLEDGE / "framework.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def group_ids(framework) -> set[str]:
    return {group["id"] for group in framework["product_groups"]}


@pytest.fixture(scope="module")
def s1_groups(framework) -> set[str]:
    return {group["id"] for group in framework["product_groups"] if "S1" in group.get("ambitions", [])}


@pytest.fixture(scope="module")
def criteria_ids() -> set[str]:
    data = tomllib.loads((KNOWLEDGE / "criteria.toml").read_text(encoding="utf-8"))
    return {criterion["id"] for criterion in data["criteria"]}


@pytest.fixture(scope="module")
def advice() -> list[dict]:
    assert ADVICE.exists(), ADVICE
    return load_jsonl(ADVICE)


@pytest.fixture(scope="module")
def intake() -> list[dict]:
    assert INTAKE.exists(), INTAKE
    return load_jsonl(INTAKE)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_contract_fields(fields: dict, row_id: str) -> None:
    """Value and duration positive numbers or null, framework agreement a bool or null, a known jurisdiction."""
    for key in ("value_eur", "duration_months"):
        assert fields[key] is None or (_is_number(fields[key]) and fields[key] > 0), (row_id, key)
    assert fields["framework_agreement"] in (True, False, None), row_id
    assert fields["jurisdiction"] in JURISDICTIONS, row_id


def _share(rows: list[dict], key: str, value) -> float:
    return sum(1 for row in rows if row[key] == value) / len(rows)


# --- advice.jsonl ---------------------------------------------------------------------------------


def test_advice_ids_unique_and_fields(advice):
    ids = [row.get("id") for row in advice]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids)), "duplicate ids in advice.jsonl"
    required = {"id", "split", "language", "question", "intake", "verdict", "criteria", "criteria_forbidden", "notes"}
    optional = {"history"}
    for row in advice:
        missing = required - row.keys()
        assert not missing, f"{row['id']}: missing {sorted(missing)}"
        extra = row.keys() - required - optional
        assert not extra, f"{row['id']}: unexpected fields {sorted(extra)}"
        assert row["split"] in SPLITS, row["id"]
        assert row["language"] in LANGUAGES, row["id"]
        assert isinstance(row["question"], str) and row["question"].strip(), row["id"]
        assert isinstance(row["notes"], str) and row["notes"].strip(), row["id"]
        if "history" in row:
            assert isinstance(row["history"], list) and row["history"], row["id"]
            assert all(isinstance(turn, str) and turn.strip() for turn in row["history"]), row["id"]


def test_advice_intake_values(advice, group_ids):
    for row in advice:
        intake = row["intake"]
        assert isinstance(intake, dict) and set(intake) == INTAKE_KEYS, row["id"]
        assert intake["product_group"] is None or intake["product_group"] in group_ids, row["id"]
        _check_contract_fields(intake, row["id"])


def test_advice_verdicts_and_criteria(advice, criteria_ids):
    for row in advice:
        verdict = row["verdict"]
        if verdict is not None:
            assert isinstance(verdict, list) and verdict, row["id"]
            assert set(verdict) <= VERDICTS, f"{row['id']}: {verdict}"
            assert len(verdict) == len(set(verdict)), row["id"]
        for key in ("criteria", "criteria_forbidden"):
            assert isinstance(row[key], list), row["id"]
            unknown = set(row[key]) - criteria_ids
            assert not unknown, f"{row['id']}: unknown {key} ids {sorted(unknown)}"
            assert len(row[key]) == len(set(row[key])), row["id"]
        overlap = set(row["criteria"]) & set(row["criteria_forbidden"])
        assert not overlap, f"{row['id']}: required and forbidden {sorted(overlap)}"


def test_advice_dutch_cases_never_require_the_bruges_menu(advice):
    # The social purchasing menu is a rule of the Bruges framework; it does not apply in the Netherlands.
    for row in advice:
        if row["intake"]["jurisdiction"] == "nl":
            assert "social_criteria_menu" not in row["criteria"], row["id"]


def test_advice_counts(advice, s1_groups):
    assert len(advice) >= 44
    assert _share(advice, "language", "en") >= 0.35
    dev = _share(advice, "split", "dev")
    assert 0.5 <= dev <= 0.7, f"dev share {dev:.2f}"
    for group in sorted(s1_groups):
        count = sum(1 for row in advice if row["intake"]["product_group"] == group)
        assert count >= 2, f"S1 group {group}: {count} advice cases"
    values = [row["intake"]["value_eur"] for row in advice if row["intake"]["value_eur"] is not None]
    assert sum(1 for v in values if v < THRESHOLD_EUR) >= 5
    assert sum(1 for v in values if v > THRESHOLD_EUR) >= 5
    assert sum(1 for row in advice if row["intake"]["jurisdiction"] == "nl") >= 3
    assert sum(1 for row in advice if row["intake"]["framework_agreement"] is True) >= 3
    ruled_out = [
        row
        for row in advice
        if row["verdict"] is None
        and "reserved_contract" in row["criteria_forbidden"]
        and row["intake"]["product_group"] in s1_groups
    ]
    assert len(ruled_out) >= 3, f"{len(ruled_out)} reservation-ruled-out cases"
    outside = [
        row
        for row in advice
        if row["intake"]["product_group"] is not None and row["intake"]["product_group"] not in s1_groups
    ]
    assert len(outside) >= 4
    assert sum(1 for row in advice if row["verdict"] is None) >= 3  # criteria-only questions
    assert sum(1 for row in advice if row["split"] == "test" and row["verdict"] is not None) >= 10


# --- intake.jsonl ---------------------------------------------------------------------------------


def test_intake_ids_unique_and_fields(intake, group_ids):
    ids = [row.get("id") for row in intake]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids)), "duplicate ids in intake.jsonl"
    required = {"id", "split", "language", "text", "product_groups", "value_eur", "duration_months",
                "framework_agreement", "jurisdiction"}
    for row in intake:
        assert set(row) == required, f"{row['id']}: fields {sorted(row)}"
        assert row["split"] in SPLITS, row["id"]
        assert row["language"] in LANGUAGES, row["id"]
        assert isinstance(row["text"], str) and row["text"].strip(), row["id"]
        groups = row["product_groups"]
        assert isinstance(groups, list) and len(groups) == len(set(groups)), row["id"]
        unknown = set(groups) - group_ids
        assert not unknown, f"{row['id']}: unknown product groups {sorted(unknown)}"
        _check_contract_fields(row, row["id"])


def test_intake_texts_unique(intake):
    texts = [row["text"].strip().lower() for row in intake]
    assert len(texts) == len(set(texts))


def test_intake_counts(intake, s1_groups):
    assert len(intake) >= 110
    assert _share(intake, "language", "en") >= 0.35
    dev = _share(intake, "split", "dev")
    assert 0.5 <= dev <= 0.7, f"dev share {dev:.2f}"
    for group in sorted(s1_groups):
        assert sum(1 for row in intake if group in row["product_groups"]) >= 3, group
    assert sum(1 for row in intake if len(row["product_groups"]) > 1) >= 3
    assert sum(1 for row in intake if not row["product_groups"]) >= 3
    for jurisdiction in ("be", "nl", None):
        assert sum(1 for row in intake if row["jurisdiction"] == jurisdiction) >= 10, jurisdiction
    for flag in (True, False, None):
        assert sum(1 for row in intake if row["framework_agreement"] is flag) >= 5, flag
    values = [row["value_eur"] for row in intake if row["value_eur"] is not None]
    assert sum(1 for v in values if v < THRESHOLD_EUR) >= 10
    assert sum(1 for v in values if v > THRESHOLD_EUR) >= 10
    assert sum(1 for row in intake if row["value_eur"] is None) >= 3
    assert sum(1 for row in intake if row["duration_months"] is None) >= 10


def test_readme_describes_the_sets():
    readme = SETS / "README.md"
    assert readme.exists()
    text = readme.read_text(encoding="utf-8")
    assert "advice.jsonl" in text and "intake.jsonl" in text


NOTIONS = SETS / "notions.jsonl"
NOTION_TYPES = {"definition", "comparison", "list", "fact", "procedure", "reason", "out_of_scope"}


def test_notions_fields_types_and_split_rule():
    rows = load_jsonl(NOTIONS)
    assert len(rows) >= 20 and len({r["id"] for r in rows}) == len(rows)
    for n, row in enumerate(rows, start=1):
        assert set(row) == {"id", "split", "language", "question", "type", "focus"}, row["id"]
        assert row["id"] == f"notion-{n:03d}" and row["language"] in LANGUAGES, row["id"]
        assert row["type"] in NOTION_TYPES, f"{row['id']}: a notion set asks no advice ({row['type']})"
        # items 1-20: the 60/40 rule; the third pass (21 and up) alternates dev, test (half and half)
        split = ("dev" if n % 5 in (1, 2, 3) else "test") if n <= 20 else ("dev" if n % 2 else "test")
        assert row["split"] == split, row["id"]
    assert sum(r["language"] == "en" for r in rows) >= 0.4 * len(rows)
