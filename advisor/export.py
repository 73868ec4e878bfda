"""An answer to take away: Markdown and a Word document for the tender file.

Both carry the same parts in the same order: the question, the verdict with its reasons and checks,
the rest of the answer's text, the criteria with their legal basis and draft clauses, and every
quoted source with its document. Quotes and other document text stay inert: escaped in Markdown
(advisor.inert), plain runs in Word. python-docx is imported only when a Word document is made.
"""

from __future__ import annotations

import io
import re

from advisor.inert import MARKER, escape_markdown, inert_markdown
from advisor.model import Answer

FORMATS = {"md": "text/markdown; charset=utf-8",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

LABELS = {
    "nl": {"title": "Advies sociaal aankopen", "question": "Vraag", "verdict": "Oordeel", "reasons": "Waarom",
           "checks": "Na te gaan", "answer": "Antwoord", "criteria": "Criteria voor het bestek",
           "legal": "Wettelijke basis", "clause": "Conceptclausule (eigen tekst, aan te passen)",
           "sources": "Bronnen (letterlijke citaten)", "page": "p.", "document": "Document", "answer_id": "Antwoord-id",
           "yes": "ja", "conditional": "onder voorwaarden", "no": "nee", "unknown": "onbekend"},
    "en": {"title": "Social procurement advice", "question": "Question", "verdict": "Verdict", "reasons": "Why",
           "checks": "To check", "answer": "Answer", "criteria": "Criteria for the tender",
           "legal": "Legal basis", "clause": "Draft clause (own wording, adapt it; in Dutch)",
           "sources": "Sources (verbatim quotes)", "page": "p.", "document": "Document", "answer_id": "Answer id",
           "yes": "yes", "conditional": "conditional", "no": "no", "unknown": "unknown"},
}
# Control characters (but tab and line feed): not allowed in a Word document's XML.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _bare(line: str) -> str:
    """A line of the answer without its bullet and markers, to compare with the structured parts."""
    return MARKER.sub("", line).strip().removeprefix("- ").strip().rstrip(".:;").strip()


def prose_beyond_structure(answer: Answer) -> str:
    """The answer's text without the lines the structured parts say already (the reasons, the checks,
    the criteria and the headings left empty): what a page beside a verdict panel and a criteria
    table, or an export, still has to show as text. Other answers come back whole."""
    said = {_bare(r.text) for r in answer.verdict.reasons} if answer.verdict else set()
    said |= {_bare(c) for c in answer.verdict.checks} if answer.verdict else set()
    titles = tuple(c.title for c in answer.criteria)
    if not said and not titles:
        return answer.answer
    lines = answer.answer.split("\n")

    def bullet(line: str) -> bool:
        return line.lstrip().startswith("- ")

    shown = [bullet(line) and (_bare(line) in said or bool(titles) and _bare(line).startswith(titles))
             for line in lines]
    kept = []
    for i, line in enumerate(lines):
        if shown[i]:
            continue
        if line.rstrip().endswith(":") and not bullet(line):  # a heading: dropped with all of its lines
            under = [j for j in range(i + 1, len(lines)) if j == i + 1 or all(bullet(x) for x in lines[i + 1:j + 1])]
            under = [j for j in under if bullet(lines[j])]
            if under and all(shown[j] for j in under):
                continue
        kept.append(line)
    return "\n".join(kept).strip()


def filename(answer: Answer, fmt: str) -> str:
    return f"{'advies' if answer.language == 'nl' else 'advice'}-{answer.answer_id[:12]}.{fmt}"


def _where(citation, labels) -> str:
    return " · ".join(x for x in (citation.title, citation.section,
                                  f"{labels['page']} {citation.page}" if citation.page else "") if x)


def _cites(numbers) -> str:
    return " ".join(f"[{n}]" for n in numbers)


def to_markdown(answer: Answer, question: str) -> str:
    labels = LABELS[answer.language]
    out = [f"# {labels['title']}", "", f"**{labels['question']}:** {escape_markdown(question)}", ""]
    if answer.verdict:
        v = answer.verdict
        out += [f"## {labels['verdict']}: {labels[v.reservable]}", ""]
        if v.reasons:
            out += [f"### {labels['reasons']}", ""] + [f"- {escape_markdown(r.text)} {_cites(r.cites)}".rstrip()
                                                       for r in v.reasons] + [""]
        if v.checks:
            out += [f"### {labels['checks']}", ""] + [f"- {escape_markdown(c)}" for c in v.checks] + [""]
    prose = prose_beyond_structure(answer)
    if prose:
        # one line of the answer, one line of Markdown (a hard break, not a joined paragraph)
        out += [f"## {labels['answer']}", "", "  \n".join(inert_markdown(prose).split("\n")), ""]
    if answer.criteria:
        out += [f"## {labels['criteria']}", ""]
        for c in answer.criteria:
            out += [f"### {escape_markdown(c.title)}", "", f"{escape_markdown(c.why)} {_cites(c.cites)}".rstrip(), ""]
            if c.legal_basis:
                out += [f"*{labels['legal']}:* " + "; ".join(escape_markdown(b.title) for b in c.legal_basis), ""]
            out += [f"*{labels['clause']}:*", ""] + [f"> {escape_markdown(line)}" if line else ">"
                                                      for line in c.draft_clause.split("\n")] + [""]
    if answer.citations:
        out += [f"## {labels['sources']}", ""]
        for c in answer.citations:
            out += [f"**[{c.n}]** {escape_markdown(_where(c, labels))}", "", f"> {escape_markdown(c.quote)}", ""]
            if c.url:
                out += [f"{labels['document']}: <{c.url}>" if c.url.startswith(("http://", "https://"))
                        else f"{labels['document']}: {escape_markdown(c.url)}", ""]
    out += [f"{labels['answer_id']}: `{answer.answer_id}`", ""]
    return "\n".join(out)


def to_docx(answer: Answer, question: str) -> bytes:
    try:
        import docx
    except ImportError as exc:  # a dependency of the package; missing only in a partial install
        raise RuntimeError("Word export needs python-docx: pip install python-docx") from exc

    def clean(text: str) -> str:
        return _CONTROL.sub("", text)

    labels = LABELS[answer.language]
    document = docx.Document()
    document.core_properties.title = labels["title"]
    document.add_heading(labels["title"], level=0)
    p = document.add_paragraph()
    p.add_run(f"{labels['question']}: ").bold = True
    p.add_run(clean(question))
    if answer.verdict:
        v = answer.verdict
        document.add_heading(f"{labels['verdict']}: {labels[v.reservable]}", level=1)
        if v.reasons:
            document.add_heading(labels["reasons"], level=2)
            for r in v.reasons:
                document.add_paragraph(clean(f"{r.text} {_cites(r.cites)}".rstrip()), style="List Bullet")
        if v.checks:
            document.add_heading(labels["checks"], level=2)
            for c in v.checks:
                document.add_paragraph(clean(c), style="List Bullet")
    prose = prose_beyond_structure(answer)
    if prose:
        document.add_heading(labels["answer"], level=1)
        for line in prose.split("\n"):
            if line.startswith("- "):
                document.add_paragraph(clean(line[2:]), style="List Bullet")
            elif line.strip():
                document.add_paragraph(clean(line))
    if answer.criteria:
        document.add_heading(labels["criteria"], level=1)
        for c in answer.criteria:
            document.add_heading(clean(c.title), level=2)
            document.add_paragraph(clean(f"{c.why} {_cites(c.cites)}".rstrip()))
            if c.legal_basis:
                p = document.add_paragraph()
                p.add_run(f"{labels['legal']}: ").italic = True
                p.add_run(clean("; ".join(b.title for b in c.legal_basis)))
            p = document.add_paragraph()
            p.add_run(f"{labels['clause']}:").italic = True
            document.add_paragraph(clean(c.draft_clause), style="Quote")
    if answer.citations:
        document.add_heading(labels["sources"], level=1)
        for c in answer.citations:
            p = document.add_paragraph()
            p.add_run(f"[{c.n}] ").bold = True
            p.add_run(clean(_where(c, labels)))
            document.add_paragraph(clean(c.quote), style="Quote")
            if c.url:
                document.add_paragraph(clean(f"{labels['document']}: {c.url}"))
    document.add_paragraph(f"{labels['answer_id']}: {answer.answer_id}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def export(answer: Answer, question: str, fmt: str) -> bytes:
    """The answer in `fmt` (md or docx), as bytes."""
    if fmt == "md":
        return to_markdown(answer, question).encode("utf-8")
    if fmt == "docx":
        return to_docx(answer, question)
    raise ValueError(f"unknown export format {fmt!r}; use {' or '.join(FORMATS)}")
