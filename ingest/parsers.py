"""Turn a file into plain text, keeping page boundaries for PDFs.

Each parser returns a ParsedDocument whose `text` is the document's source text: the text that
citations quote verbatim. Every failure is an IngestError naming the file, the problem and the fix.
Files are hostile until parsed: size is checked before any parser reads them, and control
characters and unpaired surrogates never reach the index (they cannot be stored as UTF-8).
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from advisor.errors import IngestError

PAGE_SEPARATOR = "\n\n"
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text safe to index and store: line-break controls become newlines, other control
    characters and unpaired surrogates go."""
    return _UNWANTED.sub("", _LINE_BREAKS.sub("\n", text))


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


@dataclass(frozen=True)
class Limits:
    """What one file may cost to parse (ADVISOR_MAX_DOCUMENT_BYTES, _MAX_PDF_PAGES, _MAX_PARSE_SECONDS,
    _MAX_PARSE_MEMORY_MB; memory is enforced where parsing is isolated: ingest/isolation.py)."""
    max_bytes: int
    max_pages: int
    max_seconds: float
    max_memory_bytes: int | None = None

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(settings.max_document_bytes, settings.max_pdf_pages, settings.max_parse_seconds,
                   settings.max_parse_memory_mb * 2**20)


def parse_pdf(path: Path, limits: Limits) -> ParsedDocument:
    from pypdf import PdfReader

    started = time.monotonic()
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
        pages = len(reader.pages)
        if pages > limits.max_pages:
            raise IngestError(str(path), f"the PDF has {pages:,} pages, more than the {limits.max_pages:,} allowed; "
                              "split it into smaller documents, or raise ADVISOR_MAX_PDF_PAGES")
        page_texts = []
        for number, page in enumerate(reader.pages, start=1):
            if time.monotonic() - started > limits.max_seconds:
                raise IngestError(str(path), f"parsing took longer than {limits.max_seconds:g} s (stopped at page "
                                  f"{number} of {pages}); re-export the PDF, split it, or raise ADVISOR_MAX_PARSE_SECONDS")
            page_texts.append(clean_text(page.extract_text() or "").strip())
    except (IngestError, MemoryError):  # out of memory is a limit (ingest/isolation.py), not a broken file
        raise
    except Exception as exc:  # pypdf raises a zoo of types on malformed files (found by fuzzing)
        reason = str(exc).splitlines()[0][:200] if str(exc) else ""
        if isinstance(exc, NotImplementedError) and re.search(r"encrypt|StmF|StrF", reason, re.IGNORECASE):
            raise IngestError(str(path), f"encrypted PDF that cannot be opened ({reason}); "
                              "save an unencrypted copy and ingest that") from None
        raise IngestError(str(path), f"not a readable PDF ({type(exc).__name__}: {reason}); "
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
    try:
        title = (reader.metadata or {}).get("/Title") or None
        title = clean_text(" ".join(str(title).split())) if title else None
    except Exception:  # metadata of broken PDFs is optional information
        title = None
    return ParsedDocument("".join(text_parts), "pdf", starts, title or None, warnings)


class _VisibleText(HTMLParser):
    """Collects the text a reader sees: no scripts, styles or head; blocks become paragraphs.

    The head ends where a browser ends it: at </head>, at <body>, or at the first element or text
    that cannot be in a head (HTML lets authors leave </head> out)."""

    HIDDEN = {"script", "style", "noscript", "template", "svg", "iframe"}
    IN_HEAD = {"title", "meta", "link", "base", "style", "script", "noscript", "template"}
    BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li",
              "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "blockquote",
              "pre", "dd", "dt", "figcaption", "title"}

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    _HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])",
                               re.IGNORECASE)

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.hidden_tag: str | None = None  # an element hidden by its attributes, and how deep in it we are
        self.hidden_nest = 0
        self.in_head = False
        self.title: str | None = None
        self._in_title = False

    @classmethod
    def hidden_by_attributes(cls, attrs) -> bool:
        """`hidden`, `aria-hidden="true"` or an inline style that hides: text a reader never sees,
        and a common place to plant instructions for a model."""
        values = dict(attrs)
        return ("hidden" in values or (values.get("aria-hidden") or "").lower() == "true"
                or bool(cls._HIDDEN_STYLE.search(values.get("style") or "")))

    def handle_starttag(self, tag, attrs):
        if self.hidden_tag == tag:
            self.hidden_nest += 1
        elif self.hidden_tag is None and tag not in self.VOID and self.hidden_by_attributes(attrs):
            self.hidden_tag, self.hidden_nest = tag, 1
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag not in self.IN_HEAD:
            self.in_head = False
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        self._in_title = tag == "title"  # an unclosed <title> ends at the next element
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag):
        if tag == self.hidden_tag:
            self.hidden_nest -= 1
            if not self.hidden_nest:
                self.hidden_tag = None
        if tag == "head":
            self.in_head = False
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            if not self.title:
                self.title = " ".join(data.split()) or None
            return
        if self.in_head and not self.hidden_depth and data.strip():
            self.in_head = False  # text cannot be in a head: the body has begun
        if not self.hidden_depth and not self.in_head and self.hidden_tag is None:
            self.parts.append(" ".join(data.split()) + (" " if data[-1:].isspace() else ""))

    def parse_marked_section(self, i, report=1):
        """`<![word[ ... ]]>` with an unknown word: skip it as a browser does, instead of the
        AssertionError the standard library raises."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1


def parse_html(path: Path) -> ParsedDocument:
    source, warnings = _read_text(path)
    parser = _VisibleText()
    parser.feed(source)
    parser.close()
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    text = clean_text("\n\n".join(p for p in paragraphs if p))
    if not text:
        raise IngestError(str(path), "the HTML page has no visible text; if it builds its text with "
                          "JavaScript, save the rendered page (or its PDF) and ingest that")
    return ParsedDocument(text, "html", title=clean_text(parser.title) if parser.title else None, warnings=warnings)


def parse_text(path: Path) -> ParsedDocument:
    text, warnings = _read_text(path)
    if not text.strip():
        raise IngestError(str(path), "the file has no text (only whitespace); remove it from the batch "
                          "or give it content")
    fmt = "markdown" if path.suffix.lower() in {".md", ".markdown"} else "text"
    return ParsedDocument(text, fmt, warnings=warnings)


def _read_text(path: Path) -> tuple[str, list[str]]:
    """UTF-8 (or UTF-16 with a byte-order mark); anything else is read as Windows-1252, which
    decodes every byte, with a warning."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return clean_text(raw.decode("utf-16")), []
        except UnicodeDecodeError:
            raise IngestError(str(path), "starts as UTF-16 but is not valid UTF-16; "
                              "save it as UTF-8 text") from None
    if b"\x00" in raw:
        raise IngestError(str(path), "binary content (NUL bytes) in a text file; "
                          "convert it to UTF-8 text, or ingest the original document format")
    try:
        return clean_text(raw.decode("utf-8-sig")), []
    except UnicodeDecodeError as exc:
        return clean_text(raw.decode("cp1252", errors="replace")), [
            f"not valid UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}); read as Windows-1252 — "
            "save it as UTF-8 to be sure of the text"]


PARSERS = {".pdf": parse_pdf, ".html": parse_html, ".htm": parse_html,
           ".md": parse_text, ".markdown": parse_text, ".txt": parse_text}


def parse(path: Path, limits: Limits | None = None) -> ParsedDocument:
    """Parse one file within `limits` (by default the configured ones); the size is checked before
    any parser reads the file."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise IngestError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                          f"supported: {', '.join(sorted(PARSERS))}")
    if not path.is_file():
        raise IngestError(str(path), "no such file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(str(path), "the file is empty (0 bytes); remove it from the batch or give it content")
    if limits is None:
        from advisor.config import get_settings

        limits = Limits.from_settings(get_settings())
    if size > limits.max_bytes:
        raise IngestError(str(path), f"the file has {size:,} bytes, more than the {limits.max_bytes:,} allowed; "
                          "split it into smaller documents, or raise the limit with ADVISOR_MAX_DOCUMENT_BYTES")
    return parse_pdf(path, limits) if parser is parse_pdf else parser(path)
