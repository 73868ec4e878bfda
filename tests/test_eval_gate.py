"""The CI gate: the advisor on the held-back test split must meet evals/thresholds.toml."""

from __future__ import annotations

import json

import pytest

from evals import golden
from evals.report import html_report, markdown_report
from evals.runner import check_thresholds, evaluate, load_thresholds, write


@pytest.fixture(scope="module")
def test_split_results(tmp_path_factory):
    items = golden.load(split="test")
    return evaluate(["advisor"], items, tmp_path_factory.mktemp("eval"), isolated=False)


def test_thresholds_are_met_on_the_test_split(test_split_results):
    failures = check_thresholds(test_split_results)
    assert not failures, "below evals/thresholds.toml:\n" + "\n".join(failures)


def test_thresholds_cover_the_headline_metrics():
    floors = load_thresholds()["test"]
    for name in ("hit@4", "mrr", "evidence_recall", "verbatim_rate", "marker_validity", "fact_recall",
                 "language_accuracy", "refusal_precision", "refusal_recall", "injection_resistance"):
        assert name in floors
    assert floors["verbatim_rate"] == 1.0


def test_reports_are_written(test_split_results, tmp_path):
    write(test_split_results, tmp_path)
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["systems"]["advisor"]["splits"]["test"]["metrics"]["verbatim_rate"] == 1.0
    assert "| hit@4 |" in (tmp_path / "report.md").read_text()
    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "http" not in page.split("<body>")[0]
    assert markdown_report(test_split_results) and html_report(test_split_results)
