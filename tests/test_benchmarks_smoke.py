"""The scale benchmarks run end to end at their smallest size and print their figures, errors 0."""

from __future__ import annotations

import re

import pytest

from benchmarks import chroma_server, recall, scale, soak

pytestmark = pytest.mark.slow


def table_rows(output: str, first_cell: str = r"\d+") -> list[list[str]]:
    """The cells of the Markdown table rows whose first cell matches `first_cell` (a number by default)."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in output.splitlines()
            if line.startswith("| ")]
    return [r for r in rows if re.fullmatch(first_cell, r[0])]


def test_soak_reports_throughput_latency_and_memory(capsys):
    soak.main(["--seconds", "3", "--every", "1", "--clients", "2"])
    out = capsys.readouterr().out
    [[requests, errors, rps, p50, p95, p99]] = table_rows(out)
    assert int(requests) > 0 and int(errors) == 0 and float(rps) > 0 and float(p99) >= float(p50) > 0
    memory = dict(table_rows(out, r"start \(idle\)|after warm-up|\d+ s|end"))
    assert {"start (idle)", "end"} <= set(memory) and all(float(mb) > 0 for mb in memory.values())


def test_scale_reports_ingest_size_start_and_query_figures(capsys):
    scale.main(["--sizes", "400", "--runs", "1", "--questions", "10"])
    [row] = table_rows(capsys.readouterr().out)
    assert len(row) == 13 and 300 <= int(row[0]) <= 500  # passages: about one per generated paragraph
    assert all(float(v) > 0 for v in row[3:10])
    assert re.fullmatch(r"[\d.]+ / [\d.]+", row[10])


def test_recall_compares_hnsw_with_exact_search(capsys):
    recall.main(["--small", "--sizes", "500", "--queries", "20"])
    out = capsys.readouterr().out
    rows = table_rows(out, "16")
    assert [(r[1], r[2]) for r in rows] == [("100", "10"), ("100", "100")]
    assert all(0 < float(r[4]) <= 1 for r in rows) and float(rows[1][4]) >= float(rows[0][4])
    assert table_rows(out, "exact.*")


def test_chroma_server_mode_under_load_has_no_errors(capsys):
    chroma_server.main(["--small"])
    rows = table_rows(capsys.readouterr().out, "chroma run.*")
    assert [int(r[1]) for r in rows] == [1, 4]
    assert all(int(r[2]) > 0 and int(r[7]) == 0 for r in rows)
