"""Which product groups a contract covers, read from the buyer's words (Dutch or English).

The words are data (advisor/knowledge/framework.toml):
- each group's synonyms: the framework's own name and examples for it and the words buyers use. Every
  synonym also counts at the start of a compound (schoonmaak → schoonmaakopdracht); one of six
  letters or more also counts at its end (fietsen → dienstfietsen, catering → eventcatering);
- a group's services on its objects: an activity within a few words of an object, in either order
  ("reiniging van het wagenpark", "fleet washing"). Cleaning the fleet is the cleaning group, not
  buying vehicles; an object named before a word that adds the service to it ("bestelwagens
  inclusief onderhoud", intake.toml `add_on`) is bought, not serviced;
- words that name no group although a group's word is in them (new street furniture is not office
  furniture);
- a group's broad words ("herstellingen", "repairs"), which do not name it when said of what another
  group names: the repairs of the service bikes are the bikes' group.

The most specific reading wins: a match that overlaps a longer one is dropped, and a parenthesis or
more objects right after a service belong to it ("wagenpark (30 voertuigen)", "dienstwagens en
bestelwagens", "fleet washing for the police cars"). A group named only in a phrase about whom
the purchase is for ("workwear for our cleaning staff", intake.toml `recipients`) is not what is bought.
What is left, longest match first, are the groups the contract covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from advisor.knowledge import Knowledge, ProductGroup
from advisor.text import fold

GAP = 5          # words allowed between an activity and its object
MID_WORD = 6     # synonyms this long also count at the end of a compound
_SEP = r"[\s,;:()/&'’\-]+"
_WORD = r"[\w'’\-]+"


@dataclass(frozen=True)
class Match:
    group: str | None    # None: words that name no group
    start: int
    end: int
    broad: bool = False  # a broad word: it names the group only when no other group is named

    @property
    def length(self) -> int:
        return self.end - self.start


def _alternation(words: tuple[str, ...], mid_word: bool) -> str:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        body = r"[\s\-]+".join(re.escape(fold(part)) for part in word.split())
        inside = mid_word and len(word) >= MID_WORD and " " not in word
        parts.append(body if inside else rf"(?<!\w){body}")
    return "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=64)
def _names(group: ProductGroup) -> re.Pattern:
    return re.compile(_alternation(group.synonyms, mid_word=True))


@lru_cache(maxsize=64)
def _broad(group: ProductGroup) -> re.Pattern | None:
    return re.compile(_alternation(group.broad, mid_word=False)) if group.broad else None


@lru_cache(maxsize=64)
def _services(group: ProductGroup, add_on: str) -> tuple[re.Pattern, re.Pattern] | None:
    """An activity on an object (either order), and what extends it: a parenthesis or more objects
    ("het poetsen van de dienstwagens en bestelwagens", "fleet washing for the police cars")."""
    if not group.services:
        return None
    act, obj = _alternation(group.services, False), _alternation(group.objects, True)
    gap = rf"\w*(?:{_SEP}{_WORD}){{0,{GAP}}}?{_SEP}\w*?"
    # an object before its activity ("fleet washing") is not read across a word that adds the service
    # to the object bought ("vans and maintenance", "bestelwagens inclusief onderhoud"; intake.toml add_on)
    back = rf"\w*(?:{_SEP}(?!{add_on}){_WORD}){{0,{GAP}}}?{_SEP}"
    more = (rf"(?:\s*\([^()]{{0,80}}\)|\s*(?:,|&|\ben\b|\band\b)\s+(?:{_WORD}\s+)?\w*?{obj}\w*"
            rf"|\s+(?:for|of|voor|van)\s+(?:{_WORD}\s+){{0,2}}?\w*?{obj}\w*)")
    return re.compile(f"{act}{gap}{obj}\\w*|{obj}{back}(?!{add_on}){act}\\w*"), re.compile(more)


@lru_cache(maxsize=8)
def _no_group(words: tuple[str, ...]) -> re.Pattern | None:
    return re.compile(_alternation(words, mid_word=False)) if words else None


@lru_cache(maxsize=64)
def _firsts(words: tuple[str, ...]) -> tuple[str, ...]:
    """The first word of each phrase, folded: one of them is in any text a pattern of them matches."""
    return tuple({fold(w.split()[0]) for w in words if w.split()})


def _named(text: str, words: tuple[str, ...]) -> bool:
    """A cheap necessary test before the regular expressions (plain substring search, in C): a long
    question of made-up words costs microseconds here instead of milliseconds of pattern trials."""
    return any(w in text for w in _firsts(words))


def matches(text: str, kb: Knowledge) -> list[Match]:
    """Every place a group (or a no-group word) is named in the folded text."""
    found = []
    for group in kb.product_groups.values():
        if _named(text, group.synonyms):
            found += [Match(group.id, m.start(), m.end()) for m in _names(group).finditer(text)]
        if _named(text, group.broad):
            found += [Match(group.id, m.start(), m.end(), broad=True) for m in _broad(group).finditer(text)]
        if not (_named(text, group.services) and _named(text, group.objects)):
            continue  # an activity on an object needs both named
        services, more = _services(group, f"(?:{kb.cues['add_on'].pattern})") or (None, None)
        for m in services.finditer(text) if services else ():
            end = m.end()
            while after := more.match(text, end):
                end = after.end()
            found.append(Match(group.id, m.start(), end))
    no_group = _no_group(kb.no_group)
    found += [Match(None, m.start(), m.end()) for m in no_group.finditer(text)] if no_group else []
    return found


def outside_purchase(text: str, kb: Knowledge) -> str | None:
    """The first purchase the text names that the framework puts in no group ("juridisch advies"), as
    the text writes it."""
    words = _no_group(kb.outside)
    found = words.search(fold(text)) if words and _named(fold(text), kb.outside) else None
    return found.group(0).strip() if found else None


def most_specific(found: list[Match]) -> list[Match]:
    """Longest first; a match that overlaps one already kept is dropped."""
    kept: list[Match] = []
    for m in sorted(found, key=lambda m: (-m.length, m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return kept


def recognise(text: str, kb: Knowledge) -> list[str]:
    """The product groups the contract covers, the most specifically named first."""
    folded = fold(text)
    recipients = [(m.start(), m.end()) for m in kb.cues["recipients"].finditer(folded)]
    bought = [m for m in most_specific(matches(folded, kb))
              if m.group is not None and not any(s <= m.start and m.end <= e for s, e in recipients)]
    add_on = kb.cues["add_on"]
    groups: list[str] = []
    for m in bought:
        if m.broad and any(_on(m, other, folded, add_on) for other in bought if not other.broad):
            continue
        if m.group not in groups:
            groups.append(m.group)
    return groups


def _on(broad: Match, other: Match, text: str, add_on: re.Pattern) -> bool:
    """The broad word is said of what the other match names: that follows it within a few words, not
    across "and" ("herstellingen aan de dienstfietsen"), or comes right before it ("bike repairs")."""
    if other.start >= broad.end:
        between = text[broad.end:other.start]
        return len(between.split()) <= GAP and not add_on.search(between)
    return other.end <= broad.start and not text[other.end:broad.start].strip(" -")
