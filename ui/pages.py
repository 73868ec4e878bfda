"""A plain HTML view of a whole document, with a cited passage marked (linked from the sources panel)."""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from advisor.api.headers import DOCUMENT_POLICY

HEADERS = {"Content-Security-Policy": DOCUMENT_POLICY}

router = APIRouter(include_in_schema=False)


@router.get("/ui/documents/{doc_id}", response_class=HTMLResponse)
def document_page(doc_id: str, request: Request, passage: str | None = None):
    advisor = request.app.state.app_state.advisors.get()
    info = advisor.index.documents.get(doc_id)
    if info is None:
        return HTMLResponse(f"<!doctype html><html lang='nl'><body><p>Onbekend document: {html.escape(doc_id)}</p>"
                            "</body></html>", status_code=404, headers=HEADERS)
    text = advisor.index.document_text(doc_id)
    chosen = advisor.index.passages.get(passage) if passage else None
    if chosen and chosen.doc_id == doc_id:
        body = (html.escape(text[:chosen.start]) + "<mark id='passage'>" + html.escape(text[chosen.start:chosen.end])
                + "</mark>" + html.escape(text[chosen.end:]))
    else:
        body = html.escape(text)
    meta = " · ".join(html.escape(str(info[k])) for k in ("publisher", "date", "url") if info.get(k))
    return HTMLResponse(
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>{html.escape(info.get('title') or doc_id)}</title><style>body{{font-family:system-ui,sans-serif;"
        "max-width:860px;margin:2em auto;color:#1a1a1a;line-height:1.5}pre{white-space:pre-wrap;font-family:inherit}"
        "mark{background:#ffe066;color:#1a1a1a}</style></head><body>"
        f"<h1>{html.escape(info.get('title') or doc_id)}</h1><p>{meta}</p><pre>{body}</pre></body></html>",
        headers=HEADERS)
