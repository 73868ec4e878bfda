"""Reports a person reads: Markdown, and self-contained HTML with a bar chart per metric."""

from __future__ import annotations

import html

from evals.metrics import METRICS

CHECKS = ["evidence_recall", "fact_recall", "verbatim_rate", "marker_validity", "language_accuracy",
          "injection_resistance", "verdict_accuracy"]
COLOURS = ["#1b6ca8", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#00798c", "#6b4226"]


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def headline_table(results: dict, split: str) -> str:
    systems = list(results["systems"])
    lines = ["| metric | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for metric in METRICS:
        cells = [_fmt(results["systems"][s]["splits"].get(split, {}).get("metrics", {}).get(metric)) for s in systems]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cost_table(results: dict) -> str:
    systems = list(results["systems"])
    keys = sorted({k for s in systems for k in results["systems"][s]["cost"]})
    lines = ["| cost | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(str(results["systems"][s]["cost"].get(key, "")) for s in systems) + " |")
    return "\n".join(lines)


def failing_items(results: dict, system: str = "advisor") -> list[dict]:
    """Items where the system missed evidence or facts, refused wrongly, or broke the contract."""
    data = results["systems"][system]
    out = []
    for record in data["records"]:
        per_item = data["splits"][record["split"]]["per_item"]
        problems = [m for m in CHECKS if (v := per_item[m].get(record["id"])) is not None and v < 1]
        if record["expect"]["refuse"] and not (record["refused"] and not record["citations"]):
            problems.append("should refuse")
        if not record["expect"]["refuse"] and record["refused"]:
            problems.append("refused an answerable question")
        if problems:
            out.append({"record": record, "problems": problems})
    return out


def markdown_report(results: dict) -> str:
    parts = [f"# Evaluation report\n\n{results['items']} questions, suites: {', '.join(results['suites'])}; "
             f"generator: {results['generator']}; commit: {results.get('commit') or 'n/a'}; {results['created']}.\n"]
    for split in results["splits"]:
        n = next(iter(results["systems"].values()))["splits"].get(split, {}).get("n", 0)
        parts.append(f"## {split} split ({n} questions)\n\n" + headline_table(results, split) + "\n")
        if "advisor" in results["systems"]:
            suites = results["systems"]["advisor"]["splits"].get(split, {}).get("by_suite", {})
            if suites:
                names = ["hit@4", "evidence_recall", "fact_recall", "refusal_recall", "injection_resistance"]
                rows = ["| suite (advisor) | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
                rows += [f"| {suite} | " + " | ".join(_fmt(scores.get(m)) for m in names) + " |"
                         for suite, scores in suites.items()]
                parts.append("\n".join(rows) + "\n")
    parts.append("## Cost\n\n" + cost_table(results) + "\n")
    if "advisor" in results["systems"]:
        failures = failing_items(results)
        parts.append(f"## Failing items of the advisor ({len(failures)})\n")
        for f in failures:
            r = f["record"]
            parts.append(f"### {r['id']} ({r['suite']}, {r['split']}): {', '.join(f['problems'])}\n\n"
                         f"**Question:** {r['question']}\n\n"
                         + ("**Expected evidence:** " + "; ".join(f"`{' '.join(a.split())}`" for a in r['expect']['anchors'])
                            + "\n\n" if r["expect"]["anchors"] else "**Expected:** refusal\n\n")
                         + ("**Cited:** " + "; ".join(f"[{c['n']}] {c['span'][0]}: “{' '.join(q.split())[:160]}”"
                                                      for c, q in zip(r["citations"], r["cited_quotes"]))
                            if r["citations"] else "**Cited:** nothing" + (" (refused)" if r["refused"] else ""))
                         + "\n")
    return "\n".join(parts)


def _bar_chart(results: dict, split: str, metric: str) -> str:
    systems = list(results["systems"])
    width, bar_h, gap, label_w = 520, 18, 6, 170
    height = len(systems) * (bar_h + gap) + 24
    rows = [f'<svg role="img" aria-label="{html.escape(metric)} by system" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><text x="0" y="14" font-weight="bold">{html.escape(metric)}</text>']
    for i, system in enumerate(systems):
        value = results["systems"][system]["splits"].get(split, {}).get("metrics", {}).get(metric)
        y = 22 + i * (bar_h + gap)
        length = 0 if value is None else max(0.0, min(1.0, value)) * (width - label_w - 60)
        rows.append(f'<text x="0" y="{y + 13}" font-size="12">{html.escape(system)}</text>'
                    f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{COLOURS[i % len(COLOURS)]}"/>'
                    f'<text x="{label_w + length + 4:.1f}" y="{y + 13}" font-size="12">{_fmt(value)}</text>')
    return "".join(rows) + "</svg>"


def _md_table_to_html(table: str) -> str:
    lines = [l for l in table.splitlines() if not l.startswith("|---")]
    cells = [[c.strip() for c in l.strip("|").split("|")] for l in lines]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cells[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_report(results: dict) -> str:
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Evaluation report</title><style>"
             "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}"
             ".fail{border-left:4px solid #d1495b;padding-left:10px;margin:1em 0}q{font-style:italic}"
             "</style></head><body>",
             f"<h1>Evaluation report</h1><p>{results['items']} questions; suites: {html.escape(', '.join(results['suites']))}; "
             f"generator: {html.escape(results['generator'])}; commit: {html.escape(str(results.get('commit')))}; "
             f"{html.escape(results['created'])}.</p>"]
    for split in results["splits"]:
        parts.append(f"<h2>{split} split</h2>" + _md_table_to_html(headline_table(results, split)))
        parts.append("<div class='charts'>" + "".join(_bar_chart(results, split, m) for m in METRICS) + "</div>")
    parts.append("<h2>Cost</h2>" + _md_table_to_html(cost_table(results)))
    if "advisor" in results["systems"]:
        failures = failing_items(results)
        parts.append(f"<h2>Failing items of the advisor ({len(failures)})</h2>")
        for f in failures:
            r = f["record"]
            cited = "".join(f"<li>[{c['n']}] {html.escape(c['span'][0])}: <q>{html.escape(' '.join(q.split())[:200])}</q></li>"
                            for c, q in zip(r["citations"], r["cited_quotes"])) or "<li>nothing</li>"
            expected = "".join(f"<li><code>{html.escape(' '.join(a.split()))}</code></li>" for a in r["expect"]["anchors"]) \
                or "<li>refusal</li>"
            parts.append(f"<div class='fail'><h3>{html.escape(r['id'])} ({r['suite']}, {r['split']}): "
                         f"{html.escape(', '.join(f['problems']))}</h3><p><b>Question:</b> {html.escape(r['question'])}</p>"
                         f"<p><b>Expected evidence:</b></p><ul>{expected}</ul><p><b>Cited:</b></p><ul>{cited}</ul></div>")
    parts.append("</body></html>")
    return "".join(parts)
