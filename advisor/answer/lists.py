"""Enumerations in source text, found from its layout: list items under a lead-in, runs of bullets
or numbered rows (a table extracted from a PDF), and enumerations inside parentheses or after a
colon ("(Beernem, Blankenberge, … en Zuienkerke)").

A list answer shows every item of the best enumeration, each verbatim, so an item is always a
slice of the source text with its offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from advisor.structure import LIST_ITEM, Unit, heading_level, units

MIN_ITEMS = 3
MAX_ITEMS = 40
MAX_ITEM_WORDS = 40
INLINE_ITEM_WORDS = 8          # an item inside a sentence is a short phrase
CONTEXT_UNITS = 3              # units before a list that say what it lists
GAP_UNITS = 3                  # text between numbered rows (a table's other columns) skipped
_NUMBER = re.compile(r"^(\d{1,2})[.)]?\s")
_MARK = re.compile(r"^(?:[•\-–*·▪◦]|\d{1,2}[.)]?)\s+")
_LAST_JOIN = re.compile(r"\s(?:en|and|of|or)\s")


@dataclass(frozen=True)
class Item:
    start: int          # offsets in the text searched
    end: int
    text: str           # the item without its bullet or number, whitespace repaired


@dataclass
class Enumeration:
    lead: Unit | None           # the sentence or heading that introduces it
    items: list[Item] = field(default_factory=list)
    start: int = 0              # the span a quote of the whole list covers
    end: int = 0
    complete: bool = True       # False when the list may run on past the end of the text searched
    context: str = ""           # the lead and the lines before it (a table's heading)


def _item(unit: Unit) -> Item:
    mark = _MARK.match(unit.clean)
    text = unit.clean[mark.end():] if mark else unit.clean
    return Item(unit.start, unit.end, text)


def _numbered(us: list[Unit], i: int) -> list[int]:
    """Indexes of the rows numbered 1, 2, 3… from us[i] on, other units between them skipped."""
    rows, expected, j, gap = [i], int(_NUMBER.match(us[i].clean).group(1)) + 1, i + 1, 0
    while j < len(us) and gap <= GAP_UNITS:
        m = _NUMBER.match(us[j].clean)
        if m and int(m.group(1)) == expected:
            rows.append(j)
            expected, gap = expected + 1, 0
        elif heading_level(us[j]) is not None and not m:
            gap += 1
        else:
            gap += 1
        j += 1
    return rows


def structured(text: str) -> list[Enumeration]:
    """Bullet runs and numbered rows of `text`, each with the unit that introduces it."""
    us = [u for u in units(text) if not u.is_furniture]
    found, i = [], 0
    while i < len(us):
        unit = us[i]
        if not LIST_ITEM.match(unit.clean):
            i += 1
            continue
        numbered = _NUMBER.match(unit.clean)
        if numbered and numbered.group(1) == "1":
            rows = _numbered(us, i)
        elif numbered:
            i += 1
            continue
        else:
            rows = [i]
            while rows[-1] + 1 < len(us) and LIST_ITEM.match(us[rows[-1] + 1].clean) \
                    and not _NUMBER.match(us[rows[-1] + 1].clean):
                rows.append(rows[-1] + 1)
        lead = us[i - 1] if i > 0 else None
        items = [_item(us[r]) for r in rows][:MAX_ITEMS]
        if len(items) >= MIN_ITEMS - (1 if lead is not None and lead.clean.endswith(":") else 0) \
                and all(len(it.text.split()) <= MAX_ITEM_WORDS for it in items):
            last = us[rows[-1]]
            context = " ".join(u.clean for u in us[max(0, i - CONTEXT_UNITS):i])
            found.append(Enumeration(lead, items, (lead or unit).start, last.end,
                                     complete=rows[-1] + 1 < len(us), context=context))
        i = rows[-1] + 1
    return found


def inline(sentence: str, offset: int = 0) -> list[Item]:
    """The items of an enumeration in parentheses or after a colon inside one sentence:
    'a, b, c en d' gives four items; [] when there is none."""
    for m in re.finditer(r"\(([^()]{5,600})\)|:\s([^:]{5,600})$", sentence):
        group = 1 if m.group(1) is not None else 2
        body, base = m.group(group), m.start(group)
        parts = body.split(", ")
        if len(parts) < 2:
            continue
        last = _LAST_JOIN.split(parts[-1], maxsplit=1)
        if len(last) != 2:
            continue
        phrases = [*parts[:-1], *last]
        if len(phrases) < MIN_ITEMS or any(len(p.split()) > INLINE_ITEM_WORDS or not p.strip() for p in phrases):
            continue
        items, cursor = [], base
        for phrase in phrases:
            at = sentence.index(phrase, cursor)
            cursor = at + len(phrase)
            clean = phrase.strip().rstrip(".;")
            items.append(Item(offset + at, offset + at + len(clean), " ".join(clean.split())))
        return items
    return []
