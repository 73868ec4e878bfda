"""What a question asks for: its type (definition, comparison, list, fact, procedure, reason,
advisory, or other), its focus (the notions asked about) and, for a fact, the kind of value.

Rules only, from cue patterns in advisor/resources/question_types.toml (validated at load); a few
microseconds a question. Scope (whether the sources cover it) is not decided here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from advisor.errors import ConfigError
from advisor.package_data import read_text
from advisor.text import fold, stopwords

TYPES = ("definition", "comparison", "list", "fact", "procedure", "reason", "advisory")
VALUE_KINDS = ("percentage", "contact", "date", "amount", "number", "person", "organisation", "place")
SOURCE = "advisor/resources/question_types.toml"


@dataclass(frozen=True)
class Analysis:
    type: str                      # one of TYPES, or "other"
    focus: tuple[str, ...]         # the notions asked about (two for a comparison)
    value_kind: str | None = None  # for a fact question: which kind of value it asks for
    head: str = ""                 # for a list question: the words naming what is listed ('lokale besturen')
    about_document: bool = False   # for a fact question: asks who wrote a text or when it appeared


@dataclass(frozen=True)
class _Cues:
    order: tuple[str, ...]
    patterns: dict[str, tuple[re.Pattern, ...]]
    value_order: tuple[str, ...]
    values: dict[str, tuple[re.Pattern, ...]]
    sides: tuple[re.Pattern, ...]
    drop: frozenset[str]
    wrappers: tuple[re.Pattern, ...]
    backoff: tuple[tuple[re.Pattern, str], ...]
    heads: tuple[re.Pattern, ...]
    fact_heads: tuple[re.Pattern, ...]
    about_document: tuple[re.Pattern, ...]
    head_ends: frozenset[str] = frozenset()
    considerations: tuple[re.Pattern, ...] = ()


# A wildcard or character class repeated without bound ('.*', '[^?]+'): two of them in one pattern
# backtrack quadratically or worse on a long question (one took 53 s on 4,000 characters).
_UNBOUNDED = re.compile(r"(?<!\\)(\.|\])[*+]")
# What is read of a long question: its start (where the cue usually is) and its end (where the
# question usually is after pasted context).
HEAD, TAIL = 200, 200


def compile_patterns(source: str, section: str, patterns, case: bool = False) -> tuple[re.Pattern, ...]:
    """Regular expressions from a data file (case-insensitive unless `case`), each repeat bounded;
    a bad one raises naming the file, the section and the pattern."""
    if not isinstance(patterns, list) or not patterns:
        raise ConfigError(f"{source} [{section}]: expected a non-empty list of patterns")
    compiled = []
    for p in patterns:
        if _UNBOUNDED.search(p):
            raise ConfigError(f"{source} [{section}]: pattern {p!r} repeats a wildcard without bound; "
                              "write a bounded repeat such as {0,80}")
        try:
            compiled.append(re.compile(p, 0 if case else re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(f"{source} [{section}]: bad pattern {p!r}: {exc}") from None
    return tuple(compiled)


def _compile(section: str, patterns) -> tuple[re.Pattern, ...]:
    return compile_patterns(SOURCE, section, patterns)


def load_cues(text: str | None = None) -> _Cues:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "question_types.toml"))
    order = tuple(data.get("order", ()))
    if sorted(order) != sorted(TYPES):
        raise ConfigError(f"{SOURCE}: order must list each of {', '.join(TYPES)} once, got {list(order)}")
    known = {*TYPES, "order", "value_kinds", "comparison_sides", "focus", "backoff", "list_head", "fact_head",
             "about_document", "considerations"}
    if set(data) - known:
        raise ConfigError(f"{SOURCE}: unknown sections {sorted(set(data) - known)}; known: {sorted(known)}")
    values = data.get("value_kinds", {})
    value_order = tuple(values.get("order", ()))
    if sorted(value_order) != sorted(VALUE_KINDS) or set(values) - {"order", *VALUE_KINDS}:
        raise ConfigError(f"{SOURCE} [value_kinds]: order must list each of {', '.join(VALUE_KINDS)} once, "
                          "and every other key must be one of them")
    backoff = data.get("backoff", {})
    rules = backoff.get("rules", [])
    bad = [r for r in rules if not (isinstance(r, list) and len(r) == 2 and r[1] in TYPES)]
    if bad:
        raise ConfigError(f"{SOURCE} [backoff]: each rule is [pattern, type] with a type of {', '.join(TYPES)}; "
                          f"got {bad[0]!r}")
    return _Cues(order, {t: _compile(t, data.get(t, {}).get("patterns")) for t in TYPES},
                 value_order, {k: _compile(f"value_kinds.{k}", values.get(k)) for k in VALUE_KINDS},
                 _compile("comparison_sides", data.get("comparison_sides", {}).get("patterns")),
                 frozenset(data.get("focus", {}).get("drop", ())),
                 _compile("backoff.wrappers", backoff.get("wrappers")),
                 tuple(zip(_compile("backoff.rules", [r[0] for r in rules]), (r[1] for r in rules))),
                 _named("list_head", data.get("list_head", {}).get("patterns"), "head"),
                 _named("fact_head", data.get("fact_head", {}).get("patterns"), "head"),
                 _compile("about_document", data.get("about_document", {}).get("patterns")),
                 _word_list("list_head.ends", data.get("list_head", {}).get("ends", [])),
                 _compile("considerations", data.get("considerations", {}).get("patterns")))


def _kind(text: str, c: _Cues) -> str | None:
    """The first type in `order` with a matching cue; a question asking what to weigh or watch for
    (`considerations`) is a list right after the first type (advisory) has had its turn, whatever
    'when ...' or 'wat ...' it also says."""
    for i, t in enumerate(c.order):
        if any(p.search(text) for p in c.patterns[t]):
            return t
        if i == 0 and any(p.search(text) for p in c.considerations):
            return "list"
    return None


def _word_list(section: str, value) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() and " " not in v.strip() for v in value):
        raise ConfigError(f"{SOURCE} [{section}]: expected a list of single words")
    return frozenset(fold(v.strip()) for v in value)


def _head(text: str, c: _Cues) -> str:
    """The words naming what is listed or counted, up to the first verb ('ambities horen bij' → 'ambities')."""
    kept = []
    for w in text.split():
        if w in c.head_ends and _focus(" ".join(kept), c):  # 'what are the …' reads on to its noun
            break
        kept.append(w)
    return _focus(" ".join(kept), c)


def _named(section: str, patterns, group: str) -> tuple[re.Pattern, ...]:
    compiled = _compile(section, patterns)
    unnamed = [p.pattern for p in compiled if group not in p.groupindex]
    if unnamed:
        raise ConfigError(f"{SOURCE} [{section}]: pattern {unnamed[0]!r} needs a group named `{group}`")
    return compiled


@lru_cache(maxsize=1)
def cues() -> _Cues:
    return load_cues()


def _focus(text: str, c: _Cues) -> str:
    stops = stopwords("nl") | stopwords("en") | c.drop
    kept = [w.strip("-'’") for w in re.findall(r"[\w'’-]+|€\s?[\d.,]+", text) if w.lower() not in stops]
    return " ".join(w for w in kept if w)


def analyse(question: str) -> Analysis:
    c = cues()
    text = fold(" ".join(question.split()))
    if len(text) > HEAD + TAIL:
        text = f"{text[:HEAD]} … {text[-TAIL:]}"
    kind = _kind(text, c)
    if kind is None:
        bare = text
        for wrapper in c.wrappers:
            bare = wrapper.sub("", bare, count=1)
        kind = next((t for p, t in c.backoff if p.search(bare)), "other")
    focus: tuple[str, ...] = ()
    if kind == "comparison":
        for pattern in c.sides:
            m = pattern.search(text)
            if m:
                focus = tuple(f for f in (_focus(m.group("a"), c), _focus(m.group("b"), c)) if f)
                break
    if not focus:
        whole = _focus(text, c)
        focus = (whole,) if whole else ()
    value = None
    if kind == "fact":
        value = next((k for k in c.value_order if any(p.search(text) for p in c.values[k])), None)
    head = ""
    if kind in ("list", "fact"):
        m = next((m for p in (c.heads if kind == "list" else c.fact_heads) if (m := p.search(text))), None)
        head = _head(m.group("head"), c) if m else ""
    about = kind == "fact" and any(p.search(text) for p in c.about_document)
    return Analysis(kind, focus, value, head, about)
