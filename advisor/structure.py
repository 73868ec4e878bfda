"""Read the structure of plain text: logical paragraphs, headings, page furniture and sentences.

Everything here works on offsets into the original text, so that whatever is built from it (a
passage, a quote) can always be traced back to, and checked against, the verbatim source.
PDF extraction breaks lines inside sentences; a line is joined to the one before when the text
clearly runs on (the next line starts in lower case, or both lines are capitals of one heading).
Ingest chunks with it and the answer stages quote with it, so it lives below both: answering
never imports ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TERMINAL = ".!?:;"
_FURNITURE = re.compile(r"^(?:[A-Z]{1,2}|\d{1,2})$")
_BULLET = re.compile(r"^[•\-–*·▪◦]\s")
LIST_ITEM = re.compile(r"^(?:[•\-–*·▪◦]|\d{1,2}[.)]?)\s")  # a bullet or a numbered item
_STRAY_NUMBER = re.compile(r"^\d{1,2}\s+(?=\S)")
RUNNING_LINE_WORDS = 3  # a line this many words long or longer standing twice in a document: a running header/footer
STRAY_HEADING_WORDS = 4  # a capitals line this short after a lone number is a heading, the number a stray
_OBJECTIVE_CODE = re.compile(r"^[A-Z]\s?\.?\s?\d+(?:\.\d+)*\.?(?:\s|$)")
_CODE_AT_END = re.compile(r"(?:^|\s)(?:[A-Z]\s?\.?\s?)?\d+(?:\.\d+)*\.$")
_ABBREVIATIONS = {
    "i.s.m.", "o.a.", "bv.", "bijv.", "nr.", "art.", "artt.", "cfr.", "ca.", "e.a.", "enz.", "vb.",
    "dhr.", "mevr.", "st.", "tov.", "incl.", "excl.", "mr.", "dr.", "e.g.", "i.e.", "etc.", "vs.",
    "zgn.", "m.b.t.", "t.o.v.", "d.w.z.", "m.a.w.", "blz.", "p.", "pp.", "no.", "resp.",
}
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*(?=\s+[\"“‘(•]?[A-ZÀ-ÖØ-Þ0-9€])")


@dataclass(frozen=True)
class Unit:
    """A logical paragraph: one or more source lines that belong together."""

    start: int
    end: int
    clean: str          # whitespace repaired, for indexing and display
    block: int          # index of the blank-line-separated block it belongs to
    first_in_block: bool

    @property
    def is_furniture(self) -> bool:
        """Page numbers and stray layout letters left by PDF extraction."""
        return bool(_FURNITURE.match(self.clean))


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _runs_on(previous: str, line: str) -> bool:
    prev, nxt = previous.rstrip(), line.lstrip()
    if not prev or not nxt:
        return False
    if _is_caps(prev) and _is_caps(nxt) and not _BULLET.match(nxt):
        return True
    if prev[-1] in _TERMINAL:
        return False
    if prev[-1] in ",(":  # an enumeration broken over lines: 'Brugge, / Damme, Jabbeke'
        return True
    return nxt[0].islower() or nxt[0] in "(,;&" or (prev.endswith("-") and nxt[0].isalpha())


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = " ".join(part.split())
        if not out:
            out = part
        elif out.endswith("-") and part[:1].islower() and not out.endswith(" -"):
            out += part
        else:
            out += " " + part
    return out


def units(text: str) -> list[Unit]:
    """Split text into logical paragraphs with their offsets."""
    result: list[Unit] = []
    block, pos = 0, 0
    current: list[tuple[int, int, str]] = []  # (start, end, line) of the unit being built
    block_has_unit = False

    def flush():
        nonlocal current, block_has_unit
        if current:
            clean = _join([line for _, _, line in current])
            unit = Unit(current[0][0], current[-1][1], clean, block, not block_has_unit)
            result.append(unit)
            if not unit.is_furniture:
                block_has_unit = True
        current = []

    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            flush()
            if block_has_unit:
                block += 1
                block_has_unit = False
        else:
            lead = len(line) - len(line.lstrip())
            start, end = pos + lead, pos + len(line.rstrip())
            if current and not _runs_on(current[-1][2], stripped):
                flush()
            current.append((start, end, stripped))
        pos += len(raw)
    flush()
    return result


def stray_numbered_heading(unit: Unit) -> bool:
    """A capitals heading with a stray page or row number a PDF put before it ('1 STAKEHOLDERS'). Read
    as a heading only over the lines under it (a list); chunks keep their boundaries."""
    stray = _STRAY_NUMBER.match(unit.clean)
    rest = unit.clean[stray.end():] if stray else ""
    return bool(rest) and not unit.is_furniture and _is_caps(rest) and len(rest.split()) <= STRAY_HEADING_WORDS


def heading_level(unit: Unit) -> int | None:
    """1 for '# ' headings, 2 for capitals, 3 for short title-like lines; None for body text."""
    text = unit.clean
    if unit.is_furniture or len(text) > 90:
        return None
    if text.startswith("#"):
        return 1
    words = text.split()
    if (not unit.first_in_block and not _is_caps(text)) or len(words) > 12:
        return None
    if not text[0].isupper() or _BULLET.match(text) or _OBJECTIVE_CODE.match(text):
        return None
    if "(" in text or text[-1] in ".,;:" or (text.endswith("?") and len(words) > 8):
        return None
    return 2 if _is_caps(text) else 3


def heading_text(unit: Unit) -> str:
    return unit.clean.lstrip("#").strip()


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence boundaries inside text[start:end] (one unit), as absolute offsets.

    Objective codes ('S.1.1.', 'K 2.1.') and common Dutch/English abbreviations are not ends.
    """
    spans, sentence_start = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        fragment = text[sentence_start:cut].strip()
        last_token = fragment.split()[-1].lower() if fragment.split() else ""
        if len(fragment) < 8 or _CODE_AT_END.search(fragment) or last_token in _ABBREVIATIONS:
            continue
        spans.append((sentence_start, cut))
        rest = text[cut:end]
        sentence_start = cut + (len(rest) - len(rest.lstrip()))
    if sentence_start < end and text[sentence_start:end].strip():
        spans.append((sentence_start, end))
    return spans


def sentences_around(text: str, offset: int, at: int, end: int) -> tuple[int, int]:
    """The sentence(s) of `text` (which starts at `offset` in its document) that hold the document
    span [at, end), as document offsets; the span itself when no sentence covers it."""
    spans = [(offset + s, offset + e) for u in units(text) for s, e in sentence_spans(text, u.start, u.end)]
    covering = [(s, e) for s, e in spans if s < end and at < e]
    if not covering:
        return at, end
    return min(s for s, _ in covering), max(e for _, e in covering)
