"""Enumerations in source text, found from its layout: list items under a lead-in, runs of bullets
or numbered rows (a table extracted from a PDF), and enumerations inside parentheses or after a
colon ("(Beernem, Blankenberge, … en Zuienkerke)").

A list answer shows every item of the best enumeration, each verbatim, so an item is always a
slice of the source text with its offsets.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from advisor.answer.analysis import compile_patterns
from advisor.errors import ConfigError
from advisor.package_data import read_text
from advisor.text import codes
from advisor.structure import (LIST_ITEM, Unit, heading_level, heading_text, sentence_spans, stray_numbered_heading,
                               units)

SOURCE = "advisor/resources/lists.toml"

MIN_ITEMS = 3
MAX_ITEMS = 40
MAX_ITEM_WORDS = 40
INLINE_ITEM_WORDS = 8          # an item inside a sentence is a short phrase
CONTEXT_UNITS = 6              # units before a list that say what it lists
GAP_UNITS = 10                 # text between numbered rows (a table's other columns) skipped
CODE_GAP_UNITS = 5             # text between coded objectives skipped
TRAILING_UNITS = 2             # units after a table that may be its caption (a PDF puts it under)
SUBHEADING_WORDS = 6           # a heading of a group of numbered rows is a short line ending in ':'
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
    wanted: int | None = None   # the number of steps the lead announces ('in vier stappen')
    next_number: int | None = None  # numbered rows: the number the next row would carry
    label: str = ""             # what the items' own marks say they are ('C2 aankoopdoelstellingen')
    of: int | None = None       # a group of a longer list: the number of rows of that list
    lines: bool = False         # short lines under a heading: they run on with the next passage's first lines


def bare(line: str) -> str:
    """A list line without its bullet, number or heading mark."""
    return _MARK.sub("", line.lstrip("# "), count=1)


def _item(unit: Unit) -> Item:
    mark = _MARK.match(unit.clean)
    text = unit.clean[mark.end():] if mark else unit.clean
    return Item(unit.start, unit.end, text)


def _numbered(us: list[Unit], i: int) -> list[int]:
    """Indexes of the rows numbered 1, 2, 3… from us[i] on, other units between them skipped."""
    rows, expected, j, gap = [i], int(_NUMBER.match(us[i].clean).group(1)) + 1, i + 1, 0
    while j < len(us) and gap <= GAP_UNITS:
        m = _NUMBER.match(us[j].clean)
        if m and (int(m.group(1)) == expected
                  or int(m.group(1)) == expected + 1 and _swallowed(us[rows[-1]].clean, expected)):
            rows.append(j)
            expected, gap = int(m.group(1)) + 1, 0
        elif heading_level(us[j]) is not None and not m:
            gap += 1
        else:
            gap += 1
        j += 1
    return rows


def structured(text: str, first: int = 1) -> list[Enumeration]:
    """Bullet runs and numbered rows of `text`, each with the unit that introduces it; numbered rows
    start at `first` (a list that runs on from the passage before starts at its next number)."""
    us = [u for u in units(text) if not u.is_furniture]
    found, i = [], 0
    while i < len(us):
        unit = us[i]
        if not LIST_ITEM.match(unit.clean):
            i += 1
            continue
        numbered = _NUMBER.match(unit.clean)
        if numbered and int(numbered.group(1)) == first:
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
        groups = _subheaded(us, rows) if numbered else []
        if groups and i > 1 and lead is groups[0][0]:
            lead = us[i - 2]  # the whole list's lead is the line above its first group's heading
        items = (_rows(text, us, rows) if numbered else [_item(us[r]) for r in rows])[:MAX_ITEMS]
        # numbered rows may skip GAP_UNITS lines of another column: a table whose last row here is as
        # near the end may go on in the next passage (the composer follows it, then counts its items)
        running_on = bool(numbered) and rows[-1] + 1 + GAP_UNITS >= len(us)
        if (len(items) >= MIN_ITEMS - (1 if lead is not None and lead.clean.endswith(":") else 0) or running_on) \
                and all(len(it.text.split()) <= MAX_ITEM_WORDS for it in items):
            last = us[rows[-1]]
            after = us[rows[-1] + 1:rows[-1] + 1 + TRAILING_UNITS] if numbered else []
            context = " ".join(u.clean for u in [*us[max(0, i - CONTEXT_UNITS):i], *after])
            found.append(Enumeration(lead, items, (lead or unit).start, max(last.end, items[-1].end),
                                     complete=not running_on if numbered else rows[-1] + 1 < len(us), context=context,
                                     next_number=first + len(items) if numbered else None))
            # and each group under its own heading ('Circulair aankopen:'), read with the list's lead
            # ('7 regionale duurzame ambities'): it wins where the question names its heading
            for heading, part in groups:
                found.append(Enumeration(heading, [_item(us[r]) for r in part], heading.start, us[part[-1]].end,
                                         context=context, label=lead.clean if lead else "", of=len(rows)))
            if groups:  # and the headings themselves: '… gelinkt aan 3 types duurzaam aankopen:' names them
                found.append(Enumeration(lead, [Item(h.start, h.end, h.clean.rstrip(":")) for h, _ in groups],
                                         (lead or unit).start, last.end, context=context))
        i = rows[-1] + 1
    return found


def _swallowed(row: str, number: int) -> re.Match | None:
    """Where a row's line (after its own number) holds the next row, numbered `number` ('… machines.
    4 Machines (groot)'); the match's offsets count from the row's third character."""
    return re.search(rf"(?<=[.)\w])\s+{number}\s+(?=[A-Z])", row[2:])


def _rows(text: str, us: list[Unit], rows: list[int]) -> list[Item]:
    """The items of numbered rows, a row that swallowed the next one split in two: a PDF table may
    put '4 Machines (groot)' at the end of row 3's line ('… machines. 4 Machines (groot)')."""
    items = []
    for n, r in enumerate(rows):
        number = int(_NUMBER.match(us[r].clean).group(1))
        following = int(_NUMBER.match(us[rows[n + 1]].clean).group(1)) if n + 1 < len(rows) else None
        raw = text[us[r].start:us[r].end]
        inner = _swallowed(raw, number + 1) if following != number + 1 else None
        if inner is None:
            items.append(_with_cells(us, r, rows[n + 1] if n + 1 < len(rows) else None))
            continue
        cut = us[r].start + 2 + inner.start()
        items.append(Item(us[r].start, cut, _MARK.sub("", " ".join(text[us[r].start:cut].split()), count=1)))
        items.append(Item(cut + inner.end() - inner.start(), us[r].end, _MARK.sub("", " ".join(text[cut:us[r].end].split()), count=1)))
    return items


def _with_cells(us: list[Unit], r: int, next_row: int | None) -> Item:
    """A numbered row with its other columns: the lines up to the next row ('3 Textiel' / 'Garantie van
    sociaal verantwoorde productie …'), unless a heading stands among them or they would make the row
    longer than an item may be; the last row only with the lines it wraps onto."""
    row = _item(us[r])
    if next_row is None:
        end = r
        while (end + 1 < len(us) and us[end + 1].block == us[r].block and not _subheading(us[end + 1])
               and heading_level(us[end + 1]) is None and not us[end].clean.rstrip().endswith((".", ":", ";"))
               and not LIST_ITEM.match(us[end + 1].clean)):
            end += 1
    else:
        end = next_row - 1
    cells = us[r + 1:end + 1]
    if not cells or any(_subheading(u) or heading_level(u) is not None for u in cells):
        return row
    text = " ".join([row.text, *(u.clean for u in cells)])
    return Item(row.start, cells[-1].end, text) if len(text.split()) <= MAX_ITEM_WORDS else row


def _subheading(unit: Unit) -> bool:
    """A short line that names the group of rows under it ('Sociaal aankopen:')."""
    return unit.clean.endswith(":") and len(unit.clean.split()) <= SUBHEADING_WORDS and not LIST_ITEM.match(unit.clean)


def _subheaded(us: list[Unit], rows: list[int]) -> list[tuple[Unit, list[int]]]:
    """The groups of a numbered list that headings divide ('Klimaatefficiënt aankopen:' 1–3, 'Sociaal
    aankopen:' 4–5, …), each with its heading; none unless a heading stands between two rows."""
    groups: list[tuple[Unit, list[int]]] = []
    previous = rows[0] - 2  # the first row's heading is the line right above it
    for r in rows:
        heading = next((us[j] for j in range(r - 1, previous, -1) if _subheading(us[j])), None)
        if heading is not None and (groups or r == rows[0]):
            groups.append((heading, [r]))
        elif heading is not None:  # a first heading after some rows: those rows have none
            return []
        elif groups:
            groups[-1][1].append(r)
        previous = r
    return groups if len(groups) >= 2 else []


def enumerates(sentence: str) -> bool:
    """Whether a sentence runs an enumeration of short phrases: 'a, b en c'."""
    parts = sentence.split(", ")
    return len(parts) + 1 >= MIN_ITEMS and bool(_LAST_JOIN.search(parts[-1])) \
        and all(len(p.split()) <= INLINE_ITEM_WORDS for p in parts[1:-1])


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
            at += len(phrase) - len(phrase.lstrip())  # 'Brugge,  Damme': the item starts at its first letter
            clean = phrase.strip().rstrip(".;")
            items.append(Item(offset + at, offset + at + len(clean), " ".join(clean.split())))
        return items
    return []


@dataclass(frozen=True)
class _Steps:
    patterns: tuple[re.Pattern, ...]
    numbers: dict[str, int]
    announce: tuple[re.Pattern, ...]
    coded_names: tuple[str, ...]  # what the sources call lines numbered by an ambition's code


def load_steps(text: str | None = None) -> _Steps:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "lists.toml"))
    numbers = data.get("numbers", {})
    if not numbers or not all(isinstance(v, int) and 1 < v <= MAX_ITEMS for v in numbers.values()):
        raise ConfigError(f"{SOURCE} [numbers]: each number word needs a whole number from 2 to {MAX_ITEMS}")
    patterns = compile_patterns(SOURCE, "steps", data.get("steps", {}).get("patterns"))
    if any("n" not in p.groupindex for p in patterns):
        raise ConfigError(f"{SOURCE} [steps]: every pattern needs a group named `n` (the number of steps)")
    names = data.get("coded", {}).get("names")
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise ConfigError(f"{SOURCE} [coded]: `names` must be a list of words")
    return _Steps(patterns, {k.lower(): v for k, v in numbers.items()},
                  compile_patterns(SOURCE, "announce", data.get("announce", {}).get("patterns")), tuple(names))


@lru_cache(maxsize=1)
def steps() -> _Steps:
    return load_steps()


def announces(sentence: str) -> bool:
    """Whether a sentence announces several things it does not name ('diverse contracten')."""
    return any(p.search(sentence) for p in steps().announce)


def announced(text: str) -> int | None:
    """The number of steps a heading or lead-in announces, or None."""
    cfg = steps()
    for p in cfg.patterns:
        m = p.search(text)
        if m:
            n = m.group("n").lower()
            count = int(n) if n.isdigit() else cfg.numbers.get(n)
            if count and 1 < count <= MAX_ITEMS:
                return count
    return None


_CALLOUT = re.compile(r"^[A-Z]{2,12}\s?[–:-]\s")   # 'TIP – …', 'LET OP: …': a callout, not a title
TITLE_WORDS = 20


def _title_like(unit: Unit) -> bool:
    """A line that titles what follows: on its own, capitalised, without closing punctuation."""
    text = unit.clean
    return (unit.first_in_block and 1 < len(text.split()) <= TITLE_WORDS and text[0].isupper()
            and text[-1] not in ".,;:!?" and not LIST_ITEM.match(text) and not _CALLOUT.match(text))


def step_titles(text: str, wanted: int, after: int = 0) -> list[Item]:
    """Up to `wanted` title-like lines (the steps' headings) of `text` from offset `after` on."""
    out = []
    for unit in units(text):
        if unit.start < after or unit.is_furniture:
            continue
        if _title_like(unit):
            out.append(Item(unit.start, unit.end, heading_text(unit)))
            if len(out) == wanted:
                break
    return out


def stepped(text: str) -> list[Enumeration]:
    """Steps announced by a heading or lead-in ('In vier stappen naar…'), one title-like line each."""
    found = []
    for unit in units(text):
        wanted = announced(unit.clean)
        if wanted is None or (heading_level(unit) is None and not unit.clean.endswith(":")):
            continue
        items = step_titles(text, wanted, unit.end)
        if items:
            found.append(Enumeration(unit, items, unit.start, items[-1].end, complete=len(items) == wanted,
                                     context=unit.clean, wanted=wanted))
    return found


LINE_WORDS = 25  # a line of a list without bullets is short and ends without a full stop


def _bare_line(unit: Unit) -> bool:
    text = unit.clean
    return (len(text.split()) <= LINE_WORDS and text[:1].isupper() and text[-1] not in ".:;?!"
            and not _CALLOUT.match(text))


def headed(text: str) -> list[Enumeration]:
    """Lines without bullets under a heading, in the heading's block ('STAKEHOLDERS' and one
    stakeholder a line): at least MIN_ITEMS short lines, none ending in a full stop."""
    us = [u for u in units(text) if not u.is_furniture]
    found = []
    for i, unit in enumerate(us):
        if heading_level(unit) is None and not stray_numbered_heading(unit):
            continue
        rows = []
        for nxt in us[i + 1:]:
            if nxt.block != unit.block or not _bare_line(nxt) or LIST_ITEM.match(nxt.clean):
                break
            rows.append(nxt)
        if len(rows) >= MIN_ITEMS:
            # the quote holds the lines; the heading names them (the passage's section shows it too), and
            # so may the lines after the block (a PDF page's running footer: 'AMBITIE S.1: …')
            last = us.index(rows[-1])
            after = " ".join(u.clean for u in us[last + 1:last + 1 + TRAILING_UNITS])
            found.append(Enumeration(unit, [Item(r.start, r.end, r.clean) for r in rows[:MAX_ITEMS]],
                                     rows[0].start, rows[min(len(rows), MAX_ITEMS) - 1].end,
                                     complete=last + 1 < len(us), context=f"{unit.clean} {after}".strip(),
                                     lines=True))
    return found


def more_lines(text: str) -> list[Item]:
    """The lines a list of short lines under a heading runs on with at the start of the next passage:
    the first block's short lines, up to one that names a code (a page's running line, 'AMBITIE K.1: …')."""
    us = [u for u in units(text) if not u.is_furniture]
    items = []
    for unit in us:
        if unit.block != us[0].block or not _bare_line(unit) or LIST_ITEM.match(unit.clean) or codes(unit.clean):
            break
        items.append(Item(unit.start, unit.end, unit.clean))
    return items


def asked(text: str) -> list[Enumeration]:
    """Questions a lead-in announces ('… met vragen zoals: Hoe creëer je draagvlak? Hoe bepaal je …?
    Hoe werk je …?'): a sentence whose part after ':' is a question, and the questions that follow
    it in the same paragraph; at least two."""
    found = []
    for unit in units(text):
        spans = sentence_spans(text, unit.start, unit.end)
        for k, (s, e) in enumerate(spans):
            colon = text.find(": ", s, e)
            if colon < 0 or not text[s:e].rstrip().endswith("?"):
                continue
            first = colon + 2
            rows = [(first, e)]
            for s2, e2 in spans[k + 1:]:
                if not text[s2:e2].rstrip().endswith("?"):
                    break
                rows.append((s2, e2))
            if len(rows) >= 2:
                items = [Item(a, a + len(text[a:b].rstrip()), " ".join(text[a:b].split())) for a, b in rows[:MAX_ITEMS]]
                lead = Unit(s, first, " ".join(text[s:colon + 1].split()), unit.block, unit.first_in_block)
                found.append(Enumeration(lead, items, s, items[-1].end, complete=True, context=lead.clean))
    return found


_CODE = re.compile(r"^([A-Z])\s?\.?\s?(\d+)\.(\d+)\.?\s")  # 'S.1.1. ', 'K 2.3. ', 'C.2.4. '


def _wrapped(text: str, us: list[Unit], r: int, stop: int) -> Item:
    """A coded row with the lines it wraps onto: the units up to `stop` that follow it in the same
    paragraph while it has not ended its sentence ('… een hogere' / 'CO2-efficiëntie nagestreefd …')."""
    j = r
    while (j + 1 < stop and not us[j].clean.rstrip().endswith((".", ";", ":", "!", "?"))
           and "\n\n" not in text[us[j].end:us[j + 1].start] and heading_level(us[j + 1]) is None):
        j += 1
    return Item(us[r].start, us[j].end, " ".join(u.clean for u in us[r:j + 1]))


def coded(text: str) -> list[Enumeration]:
    """Objectives numbered by a code of one ambition ('S 2.1.', 'S 2.2.', …): a list of at least two,
    other lines between them skipped as between numbered rows."""
    us = [u for u in units(text) if not u.is_furniture]
    found, i = [], 0
    while i < len(us):
        m = _CODE.match(us[i].clean)
        if not m:
            i += 1
            continue
        letter, rows, gap, j = m.group(1), [i], 0, i + 1
        while j < len(us) and gap <= CODE_GAP_UNITS:
            n = _CODE.match(us[j].clean)
            if n and n.group(1) == letter:  # one letter: a source may slip a number ('K 1.1.', 'K.2.2.' on one page)
                rows.append(j)
                gap = 0
            elif n:
                break
            else:
                gap += 1
            j += 1
        if len(rows) >= 2:
            # the codes name the ambition ('S.1.1.' → 'S1') and the items are what the sources call coded lines
            # (the first row's: a source may slip a number, 'K 1.1.', 'K.2.2.' on K1's page)
            codes = ["".join(_CODE.match(us[i].clean).group(1, 2))]
            context = " ".join(u.clean for u in us[max(0, i - CONTEXT_UNITS):i])
            items = [_wrapped(text, us, r, rows[k + 1] if k + 1 < len(rows) else len(us)) for k, r in enumerate(rows)]
            found.append(Enumeration(us[i - 1] if i else None, items,
                                     us[i].start, items[-1].end, complete=rows[-1] + 1 < len(us),
                                     context=context, label=" ".join([*codes, *steps().coded_names])))
        i = rows[-1] + 1
    return found
