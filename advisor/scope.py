"""Decide whether a question is one the advisor should answer from its sources.

Two checks. First, instructions to the assistant (requests to ignore its rules or reveal its setup)
are taken out of the question and never followed; what remains is the question. Second, whether the
sources cover that question: a logistic score of signals measured on the question and the passages
retrieved for it (coverage, focus, strength, the most specific concept, words the corpus never
uses, weighted and counted, domain vocabulary), with weights and word lists in advisor/resources/scope.toml, calibrated on
the dev split (`python -m evals.scope --split dev --calibrate`). A few hundred microseconds a question.
With ADVISOR_SCOPE_PROBE=e5 the core adds one more signal, `dense`: a linear probe on the question's
e5 vector (advisor/scope_probe.py), weighed with the others by [weights_probe].
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from advisor.errors import ConfigError
from advisor.package_data import read_text

log = logging.getLogger("advisor.scope")

SOURCE = "advisor/resources/scope.toml"
SIGNALS = ("coverage", "focus", "strength", "rarest", "unknown", "unfamiliar", "domain", "english")
# with ADVISOR_SCOPE_PROBE=e5 one more: the probability of the probe on the question's e5 vector
# (advisor/scope_probe.py), weighed with the others by [weights_probe]
PROBE_SIGNALS = (*SIGNALS, "dense")
# Two more measures that are rules, not weights (scope.toml [rules]): `verbatim`, the longest run of
# the question's words a top passage holds word for word, counted in content words (a question in the
# corpus's own words is in scope, however low its coverage); `office`, 1 when the question asks who
# holds an office and no top passage names that office with the place or body it is held in
# ('Wie is de gouverneur van West-Vlaanderen?', 'Wie is de burgemeester van Gent?')
RULE_SIGNALS = ("verbatim", "office")


def _load_patterns(name: str) -> list[re.Pattern]:
    lines = read_text("advisor.resources", name).splitlines()
    return [re.compile(line.strip(), re.IGNORECASE) for line in lines if line.strip() and not line.startswith("#")]


STEERING = _load_patterns("steering_patterns.txt")
OFFTOPIC = _load_patterns("offtopic_patterns.txt")
ADDRESSING = _load_patterns("addressing_patterns.txt")


def is_steering(question: str) -> bool:
    """True for text that tries to change the assistant's instructions or extract its setup."""
    return any(p.search(question) for p in STEERING)


def is_offtopic_task(question: str) -> bool:
    """True for requests to write letters, poems or code: not procurement advice."""
    return any(p.search(question) for p in OFFTOPIC)


def addresses_assistant(sentence: str) -> bool:
    """True for document text written at an AI assistant (planted instructions): data, never a statement."""
    return is_steering(sentence) or any(p.search(sentence) for p in ADDRESSING)


# Where a question parts: after a sentence's end (. ? ! before white space), at a line break, and
# around a bracketed aside ('25.000' and 'S.1.3' stay whole).
_PARTS = re.compile(r"(?<=[.?!])\s+|\n+|(\[[^\]]{0,400}\])")


def without_steering(question: str) -> tuple[str, list[str]]:
    """The question with its instructions to the assistant taken out, and those instructions.

    A mixed question ('Ignore your rules. What is social return?') keeps its fair part; the
    instruction is dropped (and logged), never followed. Nothing left means the question was only
    an instruction.
    """
    kept, dropped = [], []
    for part in _PARTS.split(question):
        text = (part or "").strip().strip("[]").strip()
        if text:
            (dropped if is_steering(text) else kept).append(text)
    if not dropped:
        return question, []
    log.warning("ignored %d instruction(s) to the assistant in a question: %s", len(dropped),
                " | ".join(d[:120] for d in dropped))
    return " ".join(kept), dropped


# --- the rules ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    passages: int
    answer_at: float
    weights: dict[str, float]                 # bias and one per signal
    weights_probe: dict[str, float]           # the same and `dense`, used when the probe measured it
    domain: tuple[tuple[str, ...], ...]       # stemmed phrases
    general: frozenset[str]                   # stems never a domain hit as a compound's part
    neighbour: tuple[tuple[str, re.Pattern], ...]
    verbatim_words: int = 3                   # content words in a verbatim run that put a question in scope
    office: tuple[re.Pattern, ...] = ()       # who-holds-this-office questions, groups `office` and `holder`


def _words(section: str, value) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{SOURCE} [vocabulary] {section}: expected a non-empty list of words or phrases")
    return [v.strip() for v in value]


def _neighbour_pattern(entry: str) -> re.Pattern:
    from advisor.text import fold

    # a space of a phrase stands for any run of spaces or hyphens: 'charging infrastructure' names
    # 'charging-infrastructure'
    body = r"[\s-]+".join(re.escape(w) for w in fold(entry).strip("*").split())
    # '*' lets the word go on at that side: no boundary there (a leading \w* would make every search
    # quadratic in the length of a word)
    return re.compile(("" if entry.startswith("*") else r"\b") + body + ("" if entry.endswith("*") else r"\b"))


def load_rules(text: str | None = None) -> Rules:
    """The rules of advisor/resources/scope.toml (or of `text`), checked: every key known, every
    weight a number, every list non-empty."""
    from advisor.text import document_terms

    try:
        data = tomllib.loads(text if text is not None else read_text("advisor.resources", "scope.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{SOURCE}: not valid TOML: {exc}") from None
    known = {"passages", "answer_at", "weights", "weights_probe", "vocabulary", "rules"}
    if set(data) - known:
        raise ConfigError(f"{SOURCE}: unknown keys {sorted(set(data) - known)}; known: {sorted(known)}")
    passages = data.get("passages")
    if not isinstance(passages, int) or isinstance(passages, bool) or not 1 <= passages <= 20:
        raise ConfigError(f"{SOURCE}: passages must be a whole number from 1 to 20, got {passages!r}")
    answer_at = data.get("answer_at")
    if not isinstance(answer_at, (int, float)) or isinstance(answer_at, bool) or not 0 < answer_at < 1:
        raise ConfigError(f"{SOURCE}: answer_at must be a probability between 0 and 1, got {answer_at!r}")
    weights = _weights(data, "weights", SIGNALS)
    weights_probe = _weights(data, "weights_probe", PROBE_SIGNALS)
    vocabulary = data.get("vocabulary", {})
    if set(vocabulary) != {"domain", "general", "neighbour"}:
        raise ConfigError(f"{SOURCE} [vocabulary]: needs exactly the lists domain, general and neighbour, "
                          f"got {sorted(vocabulary)}")
    phrases = []
    for line in _words("domain", vocabulary["domain"]):
        for language in ("nl", "en"):
            terms = tuple(document_terms(line, language))
            if terms and terms not in phrases:
                phrases.append(terms)
    general = frozenset(t for w in _words("general", vocabulary["general"]) for t in document_terms(w, "nl"))
    neighbour = []
    for entry in _words("neighbour", vocabulary["neighbour"]):
        if "*" in entry.strip("*"):
            raise ConfigError(f"{SOURCE} [vocabulary] neighbour: {entry!r} has a * inside; put it only at "
                              "the start or the end")
        neighbour.append((entry.strip("*"), _neighbour_pattern(entry)))
    verbatim_words, office = _rule_settings(data.get("rules"))
    return Rules(passages, float(answer_at), weights, weights_probe, tuple(phrases), general, tuple(neighbour),
                 verbatim_words, office)


def _rule_settings(table) -> tuple[int, tuple[re.Pattern, ...]]:
    """[rules]: verbatim_words (a whole number >= 2) and office (patterns, each with the named groups
    `office` and `holder`)."""
    from advisor.answer.analysis import compile_patterns

    if not isinstance(table, dict) or set(table) != {"verbatim_words", "office"}:
        found = sorted(table) if isinstance(table, dict) else table
        raise ConfigError(f"{SOURCE} [rules]: needs exactly verbatim_words and office, got {found!r}")
    words = table["verbatim_words"]
    if not isinstance(words, int) or isinstance(words, bool) or words < 2:
        raise ConfigError(f"{SOURCE} [rules] verbatim_words: a whole number of at least 2, got {words!r}")
    office = compile_patterns(SOURCE, "rules] office", table["office"])
    for pattern in office:
        if not {"office", "holder"} <= set(pattern.groupindex):
            raise ConfigError(f"{SOURCE} [rules] office: {pattern.pattern!r} needs the groups (?P<office>...) "
                              "and (?P<holder>...)")
    return words, office


def _weights(data: dict, table: str, signals: tuple[str, ...]) -> dict[str, float]:
    weights = data.get(table, {})
    expected = {"bias", *signals}
    if not isinstance(weights, dict) or set(weights) != expected:
        found = set(weights) if isinstance(weights, dict) else set()
        missing, unknown = sorted(expected - found), sorted(found - expected)
        raise ConfigError(f"{SOURCE} [{table}]: needs exactly bias and {', '.join(signals)}"
                          + (f"; missing {missing}" if missing else "") + (f"; unknown {unknown}" if unknown else ""))
    bad = {k: v for k, v in weights.items() if not isinstance(v, (int, float)) or isinstance(v, bool)}
    if bad:
        raise ConfigError(f"{SOURCE} [{table}]: weights are numbers, got {bad}")
    return {k: float(v) for k, v in weights.items()}


@lru_cache(maxsize=1)
def rules() -> Rules:
    return load_rules()


# --- domain vocabulary ----------------------------------------------------------------------

def in_domain(question: str, split=None, r: Rules | None = None) -> bool:
    """True when the question names a procurement notion (voorbehouden opdracht, social return, ...).

    With `split` (a compound splitter such as BM25Index.split), a compound whose head (last part)
    is a one-word domain term counts ('onderhoudsbestek'); a general word never does, so
    'hoofdstad' is no 'stad' question.
    """
    from advisor.lexical import MAX_SPLIT_WORDS, splittable
    from advisor.text import content_words, document_terms

    r = r or rules()
    terms = set(document_terms(question, "nl")) | set(document_terms(question, "en"))
    if split is not None:  # the same bound on compound splitting as the question's concepts
        for word in [w for w in content_words(question) if splittable(w)][:MAX_SPLIT_WORDS]:
            parts = split(word)
            if parts and parts[-1] not in r.general:
                terms.add(parts[-1])
    return any(all(t in terms for t in phrase) for phrase in r.domain)


def neighbour_notion(question: str, r: Rules | None = None) -> tuple[str, re.Pattern] | None:
    """The first neighbouring-domain notion (tax, permits, labour law, ...) the question names."""
    from advisor.text import fold

    text = fold(question)
    return next((entry for entry in (r or rules()).neighbour if entry[1].search(text)), None)


def verbatim_run(question: str, passage_texts: list[str], language: str) -> int:
    """The most content words in one run of the question's words that a passage holds word for word
    (folded, punctuation ignored): 'opdracht geschikt is om voor te behouden' holds three."""
    from advisor.text import content_words, fold

    asked = re.findall(r"\w+", fold(question))
    best = 0
    for text in passage_texts:
        held = " " + " ".join(re.findall(r"\w+", fold(text))) + " "
        for start in range(len(asked)):
            end = start  # grow the run while the passage holds it: runs are short, questions not always
            while end < len(asked) and f" {' '.join(asked[start:end + 1])} " in held:
                end += 1
            if end - start > 1:
                best = max(best, len(content_words(" ".join(asked[start:end]), language)))
    return best


def office_unmet(question: str, passages_terms: list[set[str]], lexical, language: str,
                 r: Rules | None = None, passage_texts: list[str] | None = None) -> bool:
    """True when the question asks who holds an office ([rules] office) and no one top passage names
    the office, the place or body it is held in and (given `passage_texts`) a person: the sources name
    no such person ('burgemeester' and 'Brugge' stand together in a list of stakeholders, with no
    name). A question about who wrote a text, or about a contact, never counts."""
    from advisor.answer import values
    from advisor.answer.analysis import analyse
    from advisor.concepts import concepts
    from advisor.text import fold

    r = r or rules()
    text = fold(" ".join(question.split()))
    match = next((m for p in r.office if (m := p.search(text))), None)
    analysis = analyse(question) if match is not None else None
    # a contact question ('Wie is de contactpersoon voor ...?') asks for a way to reach someone, and
    # who wrote a text is answered from its byline: neither asks for the holder of an office
    if analysis is None or analysis.value_kind != "person" or analysis.about_document:
        return False
    office = [c for c in concepts(match["office"], lexical, language) if c.topic]
    holder = [c for c in concepts(match["holder"], lexical, language) if c.topic and c.met(lexical.known)]
    # the holder's most specific word the corpus knows: 'Gent' of 'van Gent'
    named = max(holder, key=lambda c: c.weight, default=None)
    texts = passage_texts if passage_texts is not None else [None] * len(passages_terms)
    return not any(all(c.met(t) for c in office) and (named is None or named.met(t))
                   and (text is None or bool(values.find("person", text)))
                   for t, text in zip(passages_terms, texts))


# --- the decision ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    answer: bool
    probability: float
    signals: dict[str, float]
    reason: str = ""
    neighbour: str = ""   # the neighbouring-domain notion that refused it, whatever the probability


def probability(signals: dict[str, float], r: Rules | None = None) -> float:
    """The calibrated probability that the sources cover the question: [weights_probe] when the
    signals hold the probe's `dense`, else [weights]."""
    r = r or rules()
    weights, names = (r.weights_probe, PROBE_SIGNALS) if "dense" in signals else (r.weights, SIGNALS)
    z = weights["bias"] + sum(weights[name] * signals[name] for name in names)
    return 1 / (1 + math.exp(-z))


def measure(question: str, found, passages_terms: list[set[str]], best_score: float, lexical, language: str,
            r: Rules | None = None, passage_texts: list[str] | None = None) -> dict[str, float]:
    """The signals of a question against the terms (and texts) of its best passages (each between 0 and 1)."""
    from advisor.answer.analysis import analyse
    from advisor.concepts import concepts, coverage

    r = r or rules()
    top = passages_terms[:r.passages]
    union = set().union(*top) if top else set()
    topical = [c for c in found if c.topic]
    total = sum(c.weight for c in topical)
    focus_words = " ".join(analyse(question).focus)
    focus = concepts(focus_words, lexical, language) if focus_words else []
    rarest = max(topical, key=lambda c: c.weight, default=None)
    terms = lexical.query_terms(question, language)
    ceiling = sum(lexical.term_idf(t) for t in terms) * (lexical.k1 + 1)
    return {
        "coverage": max((coverage(found, t) for t in top), default=0.0),
        "focus": coverage(focus, union) if focus else coverage(found, union),
        "strength": min(1.0, best_score / ceiling) if ceiling else 0.0,
        "rarest": float(rarest is not None and rarest.met(union)),
        "unknown": sum(c.weight for c in topical if not c.met(lexical.known)) / total if total else 1.0,
        # the same counted, not weighted: a question of two words the corpus knows and two it never
        # uses ('schaduwrijke tuin') is half unfamiliar, however rare the known two are
        "unfamiliar": sum(not c.met(lexical.known) for c in topical) / len(topical) if topical else 1.0,
        "domain": float(in_domain(question, lexical.split, r)),
        "english": float(language == "en"),
        "office": float(office_unmet(question, top, lexical, language, r,
                                     None if passage_texts is None else passage_texts[:r.passages])),
    }


def decide(question: str, signals: dict[str, float], passage_texts: list[str], r: Rules | None = None) -> Decision:
    """Answer or refuse: a neighbouring-domain notion no top passage names refuses, and so does an
    office no top passage names with its holder; a question that shares a run of [rules]
    verbatim_words content words with a top passage is answered; otherwise the calibrated probability
    that the sources cover the question against `answer_at`."""
    from advisor.text import fold

    r = r or rules()
    p = probability(signals, r)
    top = passage_texts[:r.passages]
    language = "en" if signals.get("english") else "nl"
    signals = {**signals, "verbatim": float(verbatim_run(question, top, language))}
    named = neighbour_notion(question, r)
    if named is not None and not any(named[1].search(fold(t)) for t in top):
        return Decision(False, p, signals, f"not covered by the sources: {named[0]} is outside them", named[0])
    if signals.get("office"):
        return Decision(False, p, signals, "not covered by the sources: they name no holder of that office")
    if p < r.answer_at and signals["verbatim"] < r.verbatim_words:
        return Decision(False, p, signals, "not covered by the sources")
    return Decision(True, p, signals)
