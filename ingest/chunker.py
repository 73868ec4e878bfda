"""Chunk a document along its structure.

A chunk starts at a heading (which stays with the text under it), grows by whole logical
paragraphs up to `max_chars`, and a paragraph too long on its own is split between sentences,
never inside one. Objective codes stay with their sentence because they open their paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace

from advisor.structure import LIST_ITEM, RUNNING_LINE_WORDS, Unit, heading_level, heading_text, sentence_spans, units
from advisor.text import code_matches, codes


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    index_text: str
    section: str


_CLAUSE_END = re.compile(r"[,;:)]\s")


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than `max_chars` (a flattened table, a PDF without full stops, a hostile
    file) in spans of at most `max_chars`, cut after a clause if one ends in the second half of
    the span, else at the last space, else hard."""
    spans = []
    while end - start > max_chars:
        window = text[start:start + max_chars]
        clauses = [m.end() for m in _CLAUSE_END.finditer(window) if m.end() > max_chars // 2]
        cut = clauses[-1] if clauses else window.rfind(" ") + 1
        cut = cut if cut > max_chars // 4 else max_chars
        spans.append((start, start + cut))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans


def _split_long(text: str, unit: Unit, max_chars: int) -> list[Unit]:
    """Cut a too-long paragraph into runs of whole sentences; a sentence longer than `max_chars`
    is cut at clause or word boundaries, so no passage exceeds the chunk size."""
    pieces, run = [], []
    spans = [piece for s, e in sentence_spans(text, unit.start, unit.end) for piece in _cut(text, s, e, max_chars)]
    for s, e in spans:
        if run and e - run[0][0] > max_chars:
            pieces.append(run)
            run = []
        run.append((s, e))
    if run:
        pieces.append(run)
    return [Unit(r[0][0], r[-1][1], " ".join(text[r[0][0]:r[-1][1]].split()), unit.block,
                 unit.first_in_block and i == 0) for i, r in enumerate(pieces)]


def _continues_list(current: list[Unit], unit: Unit) -> bool:
    """A list item stays with its lead-in (a line ending in ':') and its sibling items."""
    if not current or not LIST_ITEM.match(unit.clean):
        return False
    previous = current[-1].clean
    return previous.endswith(":") or bool(LIST_ITEM.match(previous))


def chunk_text(text: str, max_chars: int = 900, min_chars: int = 80) -> list[Chunk]:
    headings: dict[int, str] = {}
    chunks: list[Chunk] = []
    current: list[Unit] = []
    body_len = 0
    section = ""

    def section_path() -> str:
        return " > ".join(headings[level] for level in sorted(headings))

    def flush():
        nonlocal current, body_len
        content = [u for u in current if not u.is_furniture]
        if content:
            chunks.append(Chunk(content[0].start, content[-1].end,
                                "\n".join(u.clean for u in content), section))
        current, body_len = [], 0

    for unit in units(text):
        if unit.is_furniture:
            continue
        level = heading_level(unit) if len(unit.clean) <= max_chars else None
        if level is not None:
            if body_len >= min_chars:
                flush()
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = heading_text(unit)
            if body_len:  # a short lead-in stays, but the heading now names the chunk
                section = section_path()
            current.append(unit)
            continue
        pieces = [unit] if len(unit.clean) <= max_chars else _split_long(text, unit, max_chars)
        for piece in pieces:
            limit = max_chars * 1.6 if _continues_list(current, piece) else max_chars
            if current and body_len and body_len + len(piece.clean) > limit:
                flush()
            if body_len == 0:  # the section is the one in force where the body text begins
                section = section_path()
            current.append(piece)
            body_len += len(piece.clean)
    flush()
    return _named_by_running_lines(text, chunks)


PAGE_CHARS = 3000  # a running line further than this after a chunk is not on its page (and the work stays bounded)


def _named_by_running_lines(text: str, chunks: list[Chunk]) -> list[Chunk]:
    """A page's running line that names a code ('AMBITIE S.2: We stimuleren …', under the page it
    ends and over the next) names the text above it: a chunk that names no code of its own is also
    indexed with the label of the first such line after it ('AMBITIE S.2'; not the rest of the line,
    whose words would pull the chunk into every question on the ambition's theme), unless a code is
    named in between (the line then names the page of that code). A question about 'S.2' then finds
    S.2's stakeholders, whose page says 'S.2' only in its footer."""
    lines = [(m.start(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]
    stands = Counter(line for _, line in lines if len(line.split()) >= RUNNING_LINE_WORDS and codes(line))
    running = [(at, line) for at, line in lines if stands[line] >= 2]
    positions = [at for at, _ in running]
    coded_starts = [c.start for c in chunks if codes(c.index_text)]
    out = []
    for chunk in chunks:
        k = bisect.bisect_left(positions, chunk.end)
        if codes(chunk.index_text) or k == len(positions) or positions[k] - chunk.end > PAGE_CHARS:
            out.append(chunk)
            continue
        at, line = running[k]
        j = bisect.bisect_left(coded_starts, chunk.end)  # the first coded chunk after this one: a code before the line?
        if j < len(coded_starts) and coded_starts[j] < at and codes(text[coded_starts[j]:at]):
            out.append(chunk)
        else:
            out.append(replace(chunk, index_text=f"{chunk.index_text}\n{_label(line)}"))
    return out


def _label(line: str) -> str:
    """A running line up to its last code: 'AMBITIE S.2: We stimuleren …' → 'AMBITIE S.2'."""
    return line[:max(m.end() for m in code_matches(line))]
