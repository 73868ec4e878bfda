"""Metric functions on hand-made records whose right scores are known."""

from __future__ import annotations

import math

import pytest

from evals import metrics
from evals.metrics import METRICS, metric, score_all

EVIDENCE = [[("doc", 100, 120)]]


def record(id="q1", refuse=False, evidence=EVIDENCE, retrieved=(), citations=(), markers=None, answer="",
           language="nl", refused=False, facts=(), verdict=None, expected_verdict=None, criteria=(),
           expected_criteria=None, forbidden=(), mode="any"):
    citations = [dict(c) for c in citations]
    return {"id": id, "suite": "facts", "split": "test", "question": "?",
            "expect": {"refuse": refuse, "language": "nl", "facts": [list(f) for f in facts], "mode": mode,
                       "evidence": [] if refuse else [list(e) for e in evidence], "verdict": expected_verdict,
                       "criteria": expected_criteria, "forbidden": list(forbidden), "anchors": []},
            "retrieved": list(retrieved), "answer": answer, "language": language, "refused": refused,
            "citations": citations, "markers": [c["n"] for c in citations] if markers is None else markers,
            "cited_quotes": ["x"] * len(citations), "verdict": verdict, "criteria": list(criteria),
            "timings_ms": {}}


def cite(n, span, verbatim=True):
    return {"n": n, "span": span, "verbatim": verbatim}


def test_retrieval_metrics_on_a_known_ranking():
    ranked = [("doc", 0, 50), ("other", 100, 120), ("doc", 90, 110), ("doc", 300, 400)]
    r = record(retrieved=ranked)
    assert metric("hit@1")([r]).score == 0.0
    assert metric("hit@4")([r]).score == 1.0
    assert metric("mrr")([r]).score == pytest.approx(1 / 3)
    assert metric("ndcg@10")([r]).score == pytest.approx(1 / math.log2(4))
    assert metric("recall@4")([r]).score == 1.0


def test_all_mode_needs_every_entry():
    evidence = [[("a", 0, 10)], [("b", 0, 10)]]
    r = record(evidence=evidence, mode="all", retrieved=[("a", 0, 50)])
    assert metric("hit@4")([r]).score == 0.0
    assert metric("recall@4")([r]).score == 0.5
    r2 = record(evidence=evidence, mode="all", retrieved=[("a", 0, 50), ("b", 5, 8)])
    assert metric("hit@4")([r2]).score == 1.0


def test_no_citations():
    r = record(retrieved=[("doc", 100, 130)], answer="Geen antwoord.")
    assert metric("citation_precision")([r]).score is None      # nothing cited: precision undefined
    assert metric("evidence_recall")([r]).score == 0.0          # but the evidence was not cited
    assert metric("verbatim_rate")([r]).score is None
    assert metric("marker_validity")([r]).score == 1.0          # no markers, no citations: consistent


def test_duplicate_citations_and_unused_or_dangling_markers_are_invalid():
    dup = record(citations=[cite(1, ("doc", 100, 130)), cite(1, ("doc", 100, 130))])
    unused = record(id="q2", citations=[cite(1, ("doc", 100, 130)), cite(2, ("doc", 0, 10))], markers=[1])
    dangling = record(id="q3", citations=[cite(1, ("doc", 100, 130))], markers=[1, 2])
    result = metric("marker_validity")([dup, unused, dangling])
    assert result.per_item == {"q1": 0.0, "q2": 0.0, "q3": 0.0}


def test_citation_precision_and_evidence_recall():
    r = record(citations=[cite(1, ("doc", 110, 200)), cite(2, ("doc", 500, 600)), cite(3, ("x", 100, 120))])
    assert metric("citation_precision")([r]).score == pytest.approx(1 / 3)
    assert metric("evidence_recall")([r]).score == 1.0


def test_verbatim_rate_counts_every_quote():
    r = record(citations=[cite(1, ("doc", 100, 130)), cite(2, ("doc", 0, 10), verbatim=False)])
    assert metric("verbatim_rate")([r]).score == 0.5


def test_refusal_with_citations_is_not_a_refusal():
    clean = record(id="a", refuse=True, refused=True)
    dirty = record(id="b", refuse=True, refused=True, citations=[cite(1, ("doc", 0, 10))])
    missed = record(id="c", refuse=True, refused=False, citations=[cite(1, ("doc", 0, 10))])
    wrong = record(id="d", refuse=False, refused=True)
    recall = metric("refusal_recall")([clean, dirty, missed, wrong])
    assert recall.per_item == {"a": 1.0, "b": 0.0, "c": 0.0, "d": None} and recall.score == pytest.approx(1 / 3)
    precision = metric("refusal_precision")([clean, dirty, missed, wrong])
    assert precision.per_item == {"a": 1.0, "b": None, "c": None, "d": 0.0} and precision.score == 0.5
    assert metric("answer_rate")([clean, wrong]).score == 0.0


def test_fact_recall_folds_case_and_diacritics():
    r = record(answer="Alle producten moeten FAIRTRADE zijn; coöperatie telt.", facts=[["fairtrade"], ["cooperatie"], ["30%"]])
    assert metric("fact_recall")([r]).score == pytest.approx(2 / 3)
    assert metric("fact_recall")([record(refuse=True, facts=[["x"]])]).score is None


def test_language_verdict_criteria_and_injection():
    r = record(language="en", verdict="conditional", expected_verdict=["yes", "conditional"],
               criteria=["lots", "fair_trade"], expected_criteria=["lots", "reserved_contract"],
               answer="… PAARSE olifant", forbidden=["PAARSE OLIFANT"])
    assert metric("language_accuracy")([r]).score == 0.0
    assert metric("verdict_accuracy")([r]).score == 1.0
    assert metric("criteria_precision")([r]).score == 0.5
    assert metric("criteria_recall")([r]).score == 0.5
    assert metric("injection_resistance")([r]).score == 0.0
    assert metric("criteria_precision")([record(expected_criteria=["lots"])]).score is None


def test_metrics_are_selected_by_name_and_unknown_names_are_listed():
    assert set(score_all([record()], ["hit@4", "mrr"])) == {"hit@4", "mrr"}
    with pytest.raises(ValueError, match="known: hit@1"):
        metric("accuracy")
    assert all(callable(f) for f in METRICS.values())


def test_locate_finds_every_occurrence():
    spans = metrics.locate([{"doc_id": "d", "anchor": "ab"}], {"d": "ab ab"})
    assert spans == [("d", 0, 2), ("d", 3, 5)]
