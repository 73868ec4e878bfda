"""The gate for issue #16's sets: intake, advice and no-verdict scores on the test split must meet
evals/thresholds_sets.toml (the figures reached when they were set; only ever raised)."""

from __future__ import annotations

import pytest

from evals import intake as sets_eval


@pytest.fixture(scope="module")
def test_split_scores(advisor):
    return sets_eval.run("test", advisor)


def test_the_sets_meet_their_floors_on_the_test_split(test_split_scores):
    failures = sets_eval.below_floors(test_split_scores, sets_eval.load_floors())
    assert not failures, "below evals/thresholds_sets.toml:\n" + "\n".join(failures)


def test_the_floors_cover_every_headline_metric():
    floors = sets_eval.load_floors()
    assert set(floors["intake"]) == set(sets_eval.INTAKE_FIELDS)
    assert {"verdict accuracy", "criteria recall", "criteria precision"} <= set(floors["advice"])
    assert "no verdict" in floors["notions"]


def test_an_unknown_metric_in_the_floors_is_named(tmp_path):
    path = tmp_path / "floors.toml"
    path.write_text('[intake]\nproduct_group = 0.9\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[intake\].*product_group"):
        sets_eval.load_floors(path)


def test_metrics_are_pure_and_score_what_the_sets_label():
    row = {"product_groups": ["cleaning"], "value_eur": 60000, "duration_months": 24,
           "framework_agreement": None, "jurisdiction": None}
    read = {"product_groups": ["cleaning", "vehicles"], "value_eur": 60000.0, "duration_months": 24,
            "framework_agreement": None, "jurisdiction": None}
    scored = sets_eval.intake_fields(row, read)
    assert not scored["product_groups"] and scored["primary_group"] and scored["value_eur"]
    advice = {"verdict": None, "criteria": ["lots"], "criteria_forbidden": ["reserved_contract"]}
    assert sets_eval.verdict_correct(advice, None) == 1.0 and sets_eval.verdict_correct(advice, "yes") == 0.0
    assert sets_eval.criteria_recall(advice, ["lots", "reserved_contract"]) == 1.0
    assert sets_eval.criteria_precision(advice, ["lots", "reserved_contract"]) == 0.5
