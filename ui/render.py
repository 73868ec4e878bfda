"""HTML and Markdown for the page, from the advisor's Answer (advisor.model). Pure functions: no
gradio, no advisor logic; everything shown comes from the answer (quotes are highlighted where they are)."""

from __future__ import annotations

import html
from urllib.parse import quote

from advisor.export import prose_beyond_structure
from advisor.inert import escape_markdown, inert_markdown
from advisor.knowledge import knowledge
from advisor.model import Answer
from ui.texts import t

# A source card shows this much of its passage on each side of the quote (cut at a word).
CONTEXT_CHARS = 220

BADGE_CLASS = {"yes": "badge-yes", "conditional": "badge-conditional", "no": "badge-no", "unknown": "badge-unknown"}


def linked_markers(text: str) -> str:
    """The answer text as inert Markdown (its sentences come from documents: no images, links or
    HTML of theirs), with each `[n]` a link to source n in the sources panel."""
    return _end_lists(inert_markdown(text, marker=lambda n: f"[[{n}]](#src-{n})"))


def _end_lists(markdown: str) -> str:
    """A blank line after a list, so the line after it is its own paragraph (not a list item's tail)."""
    lines = markdown.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i and lines[i - 1].startswith("- ") and line.strip() and not line.startswith("- "):
            out.append("")
        out.append(line)
    return "\n".join(out)


def answer_markdown(result: Answer) -> str:
    """The chat's part of an answer: its text with markers, but for what the verdict and criteria
    panels show beside it (an advice's chat bubble keeps its verdict line, examples, legal basis)."""
    return linked_markers(prose_beyond_structure(result))


def money(value: float, language: str) -> str:
    """An amount in euro as the language writes it: '€ 95.000' (nl), '€95,000' (en)."""
    whole = f"{value:,.0f}"
    return f"€ {whole.replace(',', '.')}" if language == "nl" else f"€{whole}"


def group_name(group_id: str | None, fallback: str | None, language: str) -> str:
    group = knowledge().product_groups.get(group_id) if group_id else None
    return group.name(language) if group else (fallback or "—")


def plain_markdown(text: str) -> str:
    """Any other text for the chat (the buyer's question, an error): shown as typed."""
    return escape_markdown(text)


def highlight(passage: str, quote: str, context: int | None = None) -> str:
    """The passage, escaped, with the quote marked (it is a verbatim substring of the passage);
    with `context`, only that many characters either side of the quote, cut at a word."""
    at = passage.find(quote) if quote else -1
    if at < 0:
        return html.escape(passage if context is None else passage[:2 * context])
    before, after = passage[:at], passage[at + len(quote):]
    if context is not None and len(before) > context:
        cut = before[-context:]
        before = "… " + (cut.split(None, 1)[1] if " " in cut.strip() else cut).lstrip()
    if context is not None and len(after) > context:
        cut = after[:context]
        after = (cut.rsplit(None, 1)[0] if " " in cut.strip() else cut).rstrip() + " …"
    return html.escape(before) + "<mark>" + html.escape(quote) + "</mark>" + html.escape(after)


def sources_html(result: Answer | None, language: str) -> str:
    if not result or not result.citations:
        return f"<div id='sources-empty' class='muted'>{html.escape(t(language, 'sources_none'))}</div>"
    parts = []
    for c in result.citations:
        where = " · ".join(x for x in (f"{t(language, 'page')} {c.page}" if c.page else "", c.section) if x)
        link = html.escape(f"/ui/documents/{quote(c.doc_id, safe='')}?passage={quote(c.passage_id, safe='')}")
        parts.append(
            f"<article class='source' id='src-{c.n}' aria-label='[{c.n}] {html.escape(c.title)}'>"
            f"<h4>[{c.n}] {html.escape(c.title)}</h4>"
            + (f"<p class='where'>{html.escape(where)}</p>" if where else "")
            + f"<blockquote class='passage'>{highlight(c.text, c.quote)}</blockquote>"
            f"<a href='{link}#passage' target='_blank' rel='noopener'>{html.escape(t(language, 'whole_document'))}</a>"
            "</article>")
    return f"<div class='sources' data-go='{html.escape(t(language, 'to_source'))}'>" + "".join(parts) + "</div>"


def export_html(result: Answer | None, language: str) -> str:
    """Links to take the answer away, served by the API's export (GET /v1/answers/{id}/export)."""
    if not result or result.refused:
        return ""
    base = f"/v1/answers/{quote(result.answer_id, safe='')}/export?format="
    links = "".join(f"<a class='export-{fmt}' href='{html.escape(base + fmt)}' download>"
                    f"{html.escape(t(language, 'export_' + fmt))}</a>" for fmt in ("md", "docx"))
    return f"<div class='export' role='group' aria-label='{html.escape(t(language, 'export_title'))}'>{links}</div>"


def verdict_html(result: Answer | None, language: str) -> str:
    verdict = result.verdict if result else None
    if not verdict:
        return f"<div id='verdict-empty' class='muted'>{html.escape(t(language, 'verdict_none'))}</div>"
    kind = verdict.reservable
    reasons = "".join(f"<li>{html.escape(r.text)} " + " ".join(f"<a href='#src-{n}'>[{n}]</a>" for n in r.cites)
                      + "</li>" for r in verdict.reasons)
    checks = "".join(f"<li>{html.escape(c)}</li>" for c in verdict.checks)
    return (f"<div class='verdict'><span class='badge {BADGE_CLASS.get(kind, 'badge-unknown')}' id='verdict-badge' "
            f"data-verdict='{html.escape(kind)}' role='status'>{html.escape(t(language, 'verdict_title'))}: "
            f"{html.escape(t(language, 'verdict_' + kind))}</span>"
            + (f"<h4>{html.escape(t(language, 'reasons'))}</h4><ul class='reasons'>{reasons}</ul>" if reasons else "")
            + (f"<h4>{html.escape(t(language, 'checks'))}</h4><ul class='checks'>{checks}</ul>" if checks else "")
            + "</div>")


def criteria_html(result: Answer | None, language: str) -> str:
    criteria = result.criteria if result else []
    if not criteria:
        return f"<div id='criteria-empty' class='muted'>{html.escape(t(language, 'criteria_none'))}</div>"
    rows = []
    for c in criteria:
        legal = "; ".join(b.title for b in c.legal_basis) or "—"
        cites = " ".join(f"<a href='#src-{n}'>[{n}]</a>" for n in c.cites)
        clause = html.escape(c.draft_clause)
        rows.append(
            f"<tr data-criterion='{html.escape(c.id)}'><td><strong>{html.escape(c.title)}</strong></td>"
            f"<td>{html.escape(c.why)} {cites}</td><td>{html.escape(legal)}</td></tr>"
            f"<tr class='clause-row'><td colspan='3'><details><summary>{html.escape(t(language, 'draft_clause'))}</summary>"
            f"<pre class='clause'>{clause}</pre>"
            f"<button type='button' class='copy' onclick=\"navigator.clipboard&&navigator.clipboard.writeText("
            f"this.previousElementSibling.innerText)\">{html.escape(t(language, 'copy'))}</button></details></td></tr>")
    head = "".join(f"<th scope='col'>{html.escape(t(language, k))}</th>" for k in ("col_instrument", "col_why", "col_legal"))
    return f"<table class='criteria' id='criteria-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def intake_markdown(result: Answer | None, language: str) -> str:
    intake = result.intake if result else None
    if not intake:
        return ""

    def value(field):
        v = getattr(intake, field)
        if field == "product_group":
            return group_name(intake.product_group, intake.product_group_name, language)
        if field == "value_eur" and v is not None:
            return money(v, language)
        if field == "duration_months" and v is not None:
            return t(language, "months", n=v)
        if field == "framework_agreement" and v is not None:
            return t(language, "yes" if v else "no")
        if field == "jurisdiction" and v:
            return t(language, f"jurisdiction_{v}") + (f" ({t(language, 'assumed')})" if intake.jurisdiction_assumed else "")
        return "—"
    fields = ("product_group", "value_eur", "duration_months", "framework_agreement", "jurisdiction")
    lines = [f"**{t(language, 'intake_summary_title')}**", ""]
    lines += [f"- {t(language, 'field_' + f)}: {value(f)}" for f in fields]
    if intake.missing:
        lines += ["", f"**{t(language, 'missing')}:** " + ", ".join(t(language, "field_" + f) for f in intake.missing)]
    return "\n".join(lines)


def status_html(result: Answer | None, language: str, error: bool = False) -> str:
    """A visually quiet live region that says when an answer is complete (and which one)."""
    if error:
        return f"<span class='status' data-state='error' role='status'>{html.escape(t(language, 'failed', detail=''))}</span>"
    if not result:
        return ""
    ready = t(language, "answer_ready")
    return (f"<span class='status' data-state='done' data-answer-id='{html.escape(result.answer_id)}' "
            f"role='status' aria-live='polite'>{ready}</span>")
