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


KEYS = {"patterns", "case", "whole", "with", "answers", "fallback"}


def load_values(text: str | None = None) -> dict[str, Kind]:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "values.toml"))
    _byline_patterns(data.pop("byline", None))  # validated with the rest
    if set(data) != set(VALUE_KINDS):
        raise ConfigError(f"{SOURCE}: needs one table per value kind ({', '.join(VALUE_KINDS)}); "
                          f"missing {sorted(set(VALUE_KINDS) - set(data))}, unknown {sorted(set(data) - set(VALUE_KINDS))}")
    out = {}
    for kind in VALUE_KINDS:
        table = data[kind]
        if set(table) - KEYS or not all(isinstance(table.get(k, False), bool) for k in ("case", "whole")):
            raise ConfigError(f"{SOURCE} [{kind}]: known keys are `patterns` (a list of patterns), "
                              "`case` and `whole` (true/false), `with` and `fallback` (lists of kinds) and "
                              "`answers` (a list of words)")
        for key in ("with", "fallback"):
            others = table.get(key, [])
            if not isinstance(others, list) or set(others) - set(VALUE_KINDS) or kind in others:
                raise ConfigError(f"{SOURCE} [{kind}]: `{key}` lists other value kinds ({', '.join(VALUE_KINDS)})")
        answers = table.get("answers", [])
        if not isinstance(answers, list) or not all(isinstance(w, str) and w.strip() for w in answers):
            raise ConfigError(f"{SOURCE} [{kind}]: `answers` is a list of words")
        out[kind] = Kind(compile_patterns(SOURCE, kind, table.get("patterns"), case=table.get("case", False)),
                         table.get("whole", False), tuple(table.get("with", [])),
                         frozenset(w.strip().lower() for w in answers), tuple(table.get("fallback", [])))
    return out


def _byline_patterns(table) -> tuple[re.Pattern, ...]:
    if table is None:
        return ()
    if not isinstance(table, dict) or set(table) - {"patterns"}:
        raise ConfigError(f"{SOURCE} [byline]: the only key is `patterns`")
    return compile_patterns(SOURCE, "byline", table.get("patterns"), case=True)


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
    """The values of `kind` in `text`, in order, overlapping matches merged into the longest."""
    spans = sorted((m.start(), m.end()) for p in kinds()[kind].patterns for m in p.finditer(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Value(kind, s, e, text[s:e].strip()) for s, e in merged if text[s:e].strip()]


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
