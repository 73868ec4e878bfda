"""Values of the kinds a fact question asks for (a percentage, a date, an e-mail address, a name…),
found in source text by the patterns of advisor/resources/values.toml (validated at load).

The composer leads a fact answer with the sentence that holds a value of the asked kind, and
names that value, verbatim, in its first line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from advisor.answer.analysis import VALUE_KINDS, compile_patterns
from advisor.errors import ConfigError
from advisor.package_data import read_text
from advisor.text import fold, stopwords, words

SOURCE = "advisor/resources/values.toml"


@dataclass(frozen=True)
class Value:
    kind: str
    start: int   # offsets in the text searched
    end: int
    text: str


@dataclass(frozen=True)
class Kind:
    patterns: tuple[re.Pattern, ...]
    whole: bool = False              # show every value of the quoted lines, not one
    with_kinds: tuple[str, ...] = ()  # and the values of these kinds
    answers: frozenset[str] = frozenset()  # words of a question that a value of this kind answers ('dag')
    fallback: tuple[str, ...] = ()   # kinds a value may take when the sources hold none of this one
    cued: tuple[re.Pattern, ...] = ()    # patterns whose matches count only when credible() (a cue word near)
    cues: frozenset[str] = frozenset()   # words that, just before or after a match, show it is a value of this kind
    roles: frozenset[str] = frozenset()  # words of a question that only a value of this kind answers (no fallback)
    next_to: frozenset[str] = frozenset()  # words that are a cue only right before a match ('de VDAB')


KEYS = {"patterns", "cued", "case", "whole", "with", "answers", "fallback", "cues", "roles", "next_to"}
CUE_WORDS = 3  # how many words before a match (and after it) a cue is looked for


def load_values(text: str | None = None) -> dict[str, Kind]:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "values.toml"))
    _byline_patterns(data.pop("byline", None))  # validated with the rest
    _english_words(data.pop("english", None))
    if set(data) != set(VALUE_KINDS):
        raise ConfigError(f"{SOURCE}: needs one table per value kind ({', '.join(VALUE_KINDS)}); "
                          f"missing {sorted(set(VALUE_KINDS) - set(data))}, unknown {sorted(set(data) - set(VALUE_KINDS))}")
    out = {}
    for kind in VALUE_KINDS:
        table = data[kind]
        if set(table) - KEYS or not all(isinstance(table.get(k, False), bool) for k in ("case", "whole")):
            raise ConfigError(f"{SOURCE} [{kind}]: known keys are `patterns` and `cued` (lists of patterns), "
                              "`case` and `whole` (true/false), `with` and `fallback` (lists of kinds) and "
                              "`answers`, `cues`, `next_to` and `roles` (lists of words)")
        if "cued" in table and not table.get("cues"):
            raise ConfigError(f"{SOURCE} [{kind}]: `cued` patterns need `cues`, the words that make a match credible")
        for key in ("with", "fallback"):
            others = table.get(key, [])
            if not isinstance(others, list) or set(others) - set(VALUE_KINDS) or kind in others:
                raise ConfigError(f"{SOURCE} [{kind}]: `{key}` lists other value kinds ({', '.join(VALUE_KINDS)})")
        for key in ("answers", "cues", "roles", "next_to"):
            listed = table.get(key, [])
            if not isinstance(listed, list) or not all(isinstance(w, str) and w.strip() for w in listed):
                raise ConfigError(f"{SOURCE} [{kind}]: `{key}` is a list of words")
        case = table.get("case", False)
        out[kind] = Kind(compile_patterns(SOURCE, kind, table.get("patterns"), case=case)
                         if "patterns" in table or "cued" not in table else (),
                         table.get("whole", False), tuple(table.get("with", [])),
                         frozenset(w.strip().lower() for w in table.get("answers", [])),
                         tuple(table.get("fallback", [])),
                         compile_patterns(SOURCE, f"{kind}.cued", table["cued"], case=case) if "cued" in table else (),
                         _folded(table, "cues"), _folded(table, "roles"), _folded(table, "next_to"))
    return out


def _byline_patterns(table) -> tuple[re.Pattern, ...]:
    if table is None:
        return ()
    if not isinstance(table, dict) or set(table) - {"patterns"}:
        raise ConfigError(f"{SOURCE} [byline]: the only key is `patterns`")
    return compile_patterns(SOURCE, "byline", table.get("patterns"), case=True)


def _folded(table: dict, key: str) -> frozenset[str]:
    return frozenset(fold(w.strip()) for w in table.get(key, []))


def _english_words(table) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in table.items()):
        raise ConfigError(f"{SOURCE} [english]: each key is a Dutch word of a value, each value its English "
                          "('elf' = '11', 'mei' = 'May')")
    return {fold(k): v.strip() for k, v in table.items()}


@lru_cache(maxsize=1)
def english_words() -> dict[str, str]:
    """Dutch words of values -> their English (values.toml [english]): numerals, months, 'eind'."""
    return _english_words(tomllib.loads(read_text("advisor.resources", "values.toml")).get("english"))


def in_language(value: str, language: str) -> str:
    """A value as an answer in `language` names it: in English its Dutch numerals, months and the
    like in English, the source's own words after it ('11 (elf)', 'May 2018 (mei 2018)'), so the
    English reader reads it and the quoted word is still there to find; otherwise as it stands."""
    if language != "en":
        return value
    table = english_words()
    english = re.sub(r"[^\W\d_]+\.?", lambda m: table.get(fold(m.group()), table.get(fold(m.group().rstrip(".")),
                                                                                   m.group())), value)
    return value if english == value else f"{english} ({value})"


@lru_cache(maxsize=1)
def bylines() -> tuple[re.Pattern, ...]:
    """What a document's byline looks like (values.toml [byline]): the line that says who wrote it
    and when ('Paul De Neve (mei 2018)'); empty when the file has no such table."""
    return _byline_patterns(tomllib.loads(read_text("advisor.resources", "values.toml")).get("byline"))


def byline(line: str) -> bool:
    return any(p.fullmatch(line.strip()) for p in bylines())


@lru_cache(maxsize=1)
def kinds() -> dict[str, Kind]:
    return load_values()


def find(kind: str, text: str) -> list[Value]:
    """The values of `kind` in `text`, in order, overlapping matches merged into the longest: the
    matches of its `patterns`, and those of its `cued` patterns that are credible()."""
    spec = kinds()[kind]
    spans = [(m.start(), m.end()) for p in spec.patterns for m in p.finditer(text)]
    spans += [(m.start(), m.end()) for p in spec.cued for m in p.finditer(text)
              if credible(Value(kind, m.start(), m.end(), m.group().strip()), text, spec)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Value(kind, s, e, text[s:e].strip()) for s, e in merged if text[s:e].strip()]


def credible(value: Value, text: str, spec: Kind) -> bool:
    """Whether the text shows that `value` is what its pattern takes it for, not a capitalised phrase
    that merely looks like one ('Social Impact' of the title 'Buying for Social Impact', 'Tot Uw' of
    '(Tot Uw Dienstzw)'): its first and last word are no function words, and a cue word stands among
    the few words before or after it ('wethouder Rutger Groot Wassink'), a `next_to` word right before
    it ('de VDAB'), a contact value right after it ('Tina Segers tina.segers@brugge.be'), or it fills
    its line (a contact block's 'Tina Segers') or stands in a byline ('Paul De Neve (mei 2018)')."""
    own = words(value.text)
    stops = stopwords("nl") | stopwords("en")
    if not own or own[0] in stops or own[-1] in stops:
        return False
    line_start = text.rfind("\n", 0, value.start) + 1
    line_end = text.find("\n", value.end)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    if line.strip(" \t.,;:") == value.text or byline(line):
        return True
    before, after = words(text[:value.start])[-CUE_WORDS:], words(text[value.end:])[:CUE_WORDS]
    if spec.cues & {*before, *after} or before and before[-1] in spec.next_to:
        return True
    following = " ".join(text[value.end:].split()[:CUE_WORDS])
    return any(p.match(following.lstrip(" ,:;(")) for p in kinds()["contact"].patterns)


def shown(kind: str, text: str) -> list[Value]:
    """The values a first line names for `kind` in the quoted `text`, in their order: all of them
    (and those of its `with` kinds) for a kind shown whole, else []."""
    spec = kinds()[kind]
    if not spec.whole:
        return []
    found = [v for k in (kind, *spec.with_kinds) for v in find(k, text)]
    kept = []
    for v in sorted(found, key=lambda v: (v.start, -v.end)):
        if not kept or v.start >= kept[-1].end:
            kept.append(v)
    return kept
