"""Answer text as inert Markdown: what the documents say is shown as text, never as markup.

An answer's statements are verbatim sentences of uploaded documents, so they may carry Markdown
or HTML: a remote image (`![](http://…/pixel.png)`, fetched by every reader's browser), a link,
a `javascript:` URL, raw `<img>` tags, bare URLs and e-mail addresses that renderers turn into
links. Every edge that hands the text to a Markdown renderer (the chat bubble, OpenAI-compatible
clients) escapes it here, keeping only the advisor's own structure: line breaks, bullet lines
"- …" and the citation markers `[n]`.

Escaping is by backslash (CommonMark's escape for any ASCII punctuation), so a client that shows
raw text still reads it, and done line by line, so streamed lines escape the same as the whole."""

from __future__ import annotations

import re
from collections.abc import Callable

MARKER = re.compile(r"\[(\d{1,3})\]")
BULLET = re.compile(r"^([ \t]{0,3}- )")
# Characters that start inline markup anywhere: links and images ([ ] !), HTML and autolinks (< >),
# emphasis and code (* _ `), entities (&), tables (|), strikethrough (~), maths ($), escapes (\).
INLINE = re.compile(r"([\\`*_\[\]<>&|~$!])")
# Characters that start a block at the beginning of a line: headings, lists, quotes, setext rules.
BLOCK_START = re.compile(r"^([ \t]*)([#+\-=>])")
ORDERED = re.compile(r"^([ \t]*\d{1,9})([.)])")
# What renderers autolink without any markup: scheme URLs, www., e-mail addresses, bare domains.
AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?<=\bwww)(\.)|(@)|(?<=[A-Za-z0-9])(\.)(?=[A-Za-z]{2,})",
                      re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders as exactly this text (one line or several)."""
    return "\n".join(_escape_line(line) for line in text.split("\n"))


def _escape_line(line: str) -> str:
    line = INLINE.sub(r"\\\1", line)
    line = AUTOLINK.sub(lambda m: "\\" + next(g for g in m.groups() if g), line)
    line = BLOCK_START.sub(r"\1\\\2", line)
    return ORDERED.sub(r"\1\\\2", line)


def inert_markdown(text: str, marker: Callable[[str], str] = lambda n: f"[{n}]") -> str:
    """The answer text escaped, but for its bullet lines and its `[n]` markers (written by `marker`,
    e.g. as a link to the source)."""
    lines = []
    for line in text.split("\n"):
        bullet = BULLET.match(line)
        head = bullet.group(1) if bullet else ""
        rest = line[len(head):]
        pieces, at = [], 0
        for found in MARKER.finditer(rest):
            pieces += [_escape_piece(rest[at:found.start()], first=at == 0), marker(found.group(1))]
            at = found.end()
        pieces.append(_escape_piece(rest[at:], first=at == 0))
        lines.append(head + "".join(pieces))
    return "\n".join(lines)


def _escape_piece(piece: str, first: bool) -> str:
    if first:
        return _escape_line(piece)
    # after a marker: only inline markup matters, and what would make the marker a link:
    # `[1](url)` (inline link) or `[1]: url` (reference definition)
    piece = INLINE.sub(r"\\\1", piece)
    piece = AUTOLINK.sub(lambda m: "\\" + next(g for g in m.groups() if g), piece)
    return "\\" + piece if piece[:1] in ("(", ":") else piece
