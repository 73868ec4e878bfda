"""Turn a file into plain text, keeping page boundaries for PDFs.

Each parser returns a ParsedDocument whose `text` is the document's source text: the text that
citations quote verbatim. Every failure is an IngestError naming the file, the problem and the fix.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from advisor.errors import IngestError

PAGE_SEPARATOR = "\n\n"


@dataclass
class ParsedDocument:
    text: str
    format: str
    page_starts: list[int] | None = None  # offset where each page begins (PDF only)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """1-based page number of a character offset, or None for documents without pages."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)


def parse_pdf(path: Path) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise IngestError(str(path), f"encrypted PDF that cannot be opened ({exc}); "
                                  "save an unencrypted copy and ingest that") from None
            if not unlocked:
                raise IngestError(str(path), "encrypted PDF that needs a password; "
                                  "save an unencrypted copy and ingest that")
        page_texts = [(page.extract_text() or "").strip() for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError, IndexError) as exc:
        raise IngestError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc}); "
                          "re-export or repair the file, or leave it out of the batch") from None
    if not page_texts:
        raise IngestError(str(path), "the PDF has no pages")
    warnings = [f"page {i} has no text layer (scanned image?); it was skipped — OCR it to include it"
                for i, t in enumerate(page_texts, start=1) if not t]
    if len(warnings) == len(page_texts):
        raise IngestError(str(path), "no page has a text layer (scanned document?); "
                          "run OCR on it first and ingest the result")
    text_parts, starts, offset = [], [], 0
    for i, page_text in enumerate(page_texts):
        if i:
            text_parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        starts.append(offset)
        text_parts.append(page_text)
        offset += len(page_text)
    title = None
    try:
        title = (reader.metadata or {}).get("/Title") or None
    except Exception:  # metadata of broken PDFs is optional information
        title = None
    return ParsedDocument("".join(text_parts), "pdf", starts, str(title) if title else None, warnings)


class _VisibleText(HTMLParser):
    """Collects the text a reader sees: no scripts, styles or head; blocks become paragraphs."""

    HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe"}
    BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li",
              "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "blockquote",
              "pre", "dd", "dt", "figcaption", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title and not self.title:
            self.title = " ".join(data.split()) or None
        if not self.hidden_depth:
            self.parts.append(" ".join(data.split()) + (" " if data[-1:].isspace() else ""))


def parse_html(path: Path) -> ParsedDocument:
    parser = _VisibleText()
    parser.feed(_read_text(path)[0])
    parser.close()
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        raise IngestError(str(path), "the HTML page has no visible text")
    return ParsedDocument(text, "html", title=parser.title)


def parse_text(path: Path) -> ParsedDocument:
    text, warnings = _read_text(path)
    if not text.strip():
        raise IngestError(str(path), "the file is empty; remove it from the batch or give it content")
    fmt = "markdown" if path.suffix.lower() in {".md", ".markdown"} else "text"
    return ParsedDocument(text, fmt, warnings=warnings)


def _read_text(path: Path) -> tuple[str, list[str]]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise IngestError(str(path), "binary content in a text file; convert it to UTF-8 text")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [
            "not valid UTF-8; read as Windows-1252 — save it as UTF-8 to be sure of the text"]


PARSERS = {".pdf": parse_pdf, ".html": parse_html, ".htm": parse_html,
           ".md": parse_text, ".markdown": parse_text, ".txt": parse_text}


def parse(path: Path) -> ParsedDocument:
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise IngestError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                          f"supported: {', '.join(sorted(PARSERS))}")
    if not path.is_file():
        raise IngestError(str(path), "no such file")
    return parser(path)
