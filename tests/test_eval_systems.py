"""The comparison systems run on the same questions, and `advisor eval` writes its reports."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals import golden
from evals.runner import evaluate


@pytest.mark.slow
def test_baseline_and_ablations_produce_comparable_records(tmp_path):
    items = [i for i in golden.load(split="dev") if i.suite in {"facts", "refusal"}][:8]
    results = evaluate(["langchain-baseline", "dense-only"], items, tmp_path, isolated=False)
    baseline = results["systems"]["langchain-baseline"]
    assert len(baseline["records"]) == len(items)
    for record in baseline["records"]:
        assert len(record["retrieved"]) == 4 and not record["refused"]   # top-4, never refuses
        assert all(c["verbatim"] for c in record["citations"])           # chunks are slices of the text
    assert baseline["splits"]["dev"]["metrics"]["refusal_recall"] in (0.0, None)
    dense = results["systems"]["dense-only"]
    assert all(r["retrieved"] for r in dense["records"] if not r["expect"]["refuse"])
    assert dense["cost"]["index_bytes"] > 0 and "retrieve_p95_ms" in dense["cost"]


def test_eval_command_writes_reports(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    out = tmp_path / "report"
    result = subprocess.run([str(Path(sys.executable).parent / "advisor"), "eval", "--suite", "refusal",
                             "--split", "dev", "--compare", "--out", str(out)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\| refusal_recall \| [01]\.\d{3} \|", result.stdout)
    data = json.loads((out / "results.json").read_text())
    assert list(data["systems"]) == ["advisor"] and data["suites"] == ["refusal"]
    assert (out / "report.html").is_file() and (out / "report.md").is_file()


def test_unknown_system_and_generator_are_named(tmp_path):
    from evals.systems import make_system

    with pytest.raises(ValueError, match="known: advisor, extractive, bm25-only"):
        make_system("gpt", tmp_path)
    with pytest.raises(ValueError, match="available: extractive, openai, ollama"):
        make_system("advisor", tmp_path, generator="gpt-5")
