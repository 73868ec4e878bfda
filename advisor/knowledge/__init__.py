"""Domain knowledge as data: the framework's product groups and threshold, the criteria
catalogue, the legal-basis cards, the jurisdictions and the intake's word lists (TOML files beside
this module), loaded and validated.

Unknown keys, missing fields, repeated ids and references to ids that do not exist (a criterion's
legal cards, product groups and ambitions, a jurisdiction's reservation card, ...) raise a
KnowledgeError at load that names the file and the entry. Whether each evidence anchor exists
verbatim in the corpus is checked by the tests and, at run time, when a citation is made.
The concept cards beside them (concept_cards.toml) are loaded by advisor/answer/cards.py, which
checks their anchors against the corpus at load.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable

from advisor.errors import AdvisorError

HERE = resources.files(__name__)  # package data: the TOML files ship in the wheel


class KnowledgeError(AdvisorError):
    """A knowledge file is malformed."""


@dataclass(frozen=True)
class Evidence:
    """A verbatim anchor in a corpus document. With `through`, the passage cited runs from the anchor
    to the end of the first `through` after it: a list or table cited whole (a claim about a list
    cites the list, not its first row)."""
    doc_id: str
    anchor: str
    through: str | None = None


@dataclass(frozen=True)
class ProductGroup:
    id: str
    name_nl: str
    name_en: str
    ambitions: tuple[str, ...]
    synonyms: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    example: Evidence | None = None
    reservation_priority: bool = False   # the framework reserves contracts in it (its reservation ambition)
    services: tuple[str, ...] = ()       # activities the group does on `objects` ("reiniging" of a "wagenpark")
    objects: tuple[str, ...] = ()
    broad: tuple[str, ...] = ()          # words that name it unless said of another group's object ("repairs")

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl


@dataclass(frozen=True)
class LegalCard:
    id: str
    jurisdiction: str
    title: str
    title_en: str
    summary_nl: str
    summary_en: str
    source: str
    corpus_evidence: tuple[Evidence, ...] = ()   # where the corpus speaks of the same law, if it does


@dataclass(frozen=True)
class Criterion:
    id: str
    title_nl: str
    title_en: str
    applies_to: tuple[str, ...]
    rank: int
    legal_basis: dict[str, tuple[str, ...]]
    why_nl: str
    why_en: str
    draft_clause_nl: dict[str, str]
    evidence: tuple[Evidence, ...]
    value: str | None = None
    framework_agreement: bool | None = None
    jurisdiction: str | None = None
    reservation: bool = False
    framework_only: bool = False
    non_eu_products: bool = False
    not_reserved: bool = False           # its source gives it for a contract that is not reserved
    rank_above: int | None = None        # its rank when the value is above the framework's line
    place: str | None = None             # where it goes in the tender (PLACES)
    level: str | None = None             # ambition level (LEVELS), only with a source for it
    level_evidence: Evidence | None = None
    roles: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)   # evidence by its `role`

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_nl

    def why(self, language: str) -> str:
        return self.why_en if language == "en" else self.why_nl


@dataclass(frozen=True)
class Threshold:
    amount_eur: int
    as_of: str
    source: str
    below_nl: str
    below_en: str
    above_nl: str
    above_en: str
    evidence: tuple[Evidence, ...]
    below_evidence: tuple[Evidence, ...]
    above_evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    reservation_card: str               # legal card of its own rule on reserved contracts
    cues: re.Pattern                    # what in a buyer's text points to it


@dataclass(frozen=True)
class Knowledge:
    framework: dict
    threshold: Threshold
    product_groups: dict[str, ProductGroup]
    criteria: dict[str, Criterion]
    legal: dict[str, LegalCard]
    evidence_all: tuple[Evidence, ...] = field(default=())
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    cues: dict[str, re.Pattern] = field(default_factory=dict)   # intake.toml, by key
    reservation_groups_evidence: tuple[Evidence, ...] = ()
    no_group: tuple[str, ...] = ()   # words that name no product group although a group's word is in them
    outside: tuple[str, ...] = ()    # purchases the framework names in no group (legal advice, insurance, ...)

    @property
    def reservation(self) -> Criterion:
        """The reservation instrument itself (the one criterion with `reservation = true`)."""
        return next(c for c in self.criteria.values() if c.reservation)


CUES = {"non_eu_products", "framework_agreement", "no_framework_agreement", "lots", "asks_reservation",
        "asks_direct_award", "own_contract", "asks_leave", "defines_notion", "asks_for_thing", "about_sources", "social_company", "yes_no_question", "already_reserved", "dividing_line", "declines_reservation", "asks_criteria", "recipients",
        "add_on"}   # the word lists of intake.toml
ROLES = {"objective", "suitability"}
# Where an instrument goes in the tender, in the order a tender reads (the MVI / MVOO criteria tools'
# places, with the subject and division of the contract for lots and framework agreements), and the
# tools' ambition levels.
PLACES = ("reservation", "subject", "selection", "specification", "award", "performance")
LEVELS = ("basis", "significant", "ambitious")   # what the verdict cites the reservation criterion's evidence for


def _evidence(items, where: str, roles: dict | None = None) -> tuple[Evidence, ...]:
    """Evidence entries; with `roles` (a dict to fill), an entry may also name its role."""
    out = []
    for item in items or ():
        allowed = {"doc_id", "anchor", "through"} | ({"role"} if roles is not None else set())
        if not {"doc_id", "anchor"} <= set(item) <= allowed or not item["anchor"] or item.get("through") == "":
            raise KnowledgeError(f"{where}: evidence needs exactly doc_id and a non-empty anchor, and may end "
                                 "`through` a second anchor" + (" and name a role" if roles is not None else "")
                                 + f", got {item}")
        evidence = Evidence(item["doc_id"], item["anchor"], item.get("through"))
        if "role" in item:
            roles[item["role"]] = roles.get(item["role"], ()) + (evidence,)
        out.append(evidence)
    return tuple(out)


def _words(items, where: str) -> tuple[str, ...]:
    """A non-empty list of distinct words or phrases (lower-cased: matching ignores case)."""
    if not isinstance(items, list) or not items or not all(isinstance(w, str) and w.strip() for w in items):
        raise KnowledgeError(f"{where}: expected a non-empty list of words, got {items!r}")
    words = tuple(" ".join(w.lower().split()) for w in items)
    repeated = sorted({w for w in words if words.count(w) > 1})
    if repeated:
        raise KnowledgeError(f"{where}: {', '.join(map(repr, repeated))} listed twice")
    return words


def _unique(entries: list[dict], where: str) -> None:
    seen = set()
    for entry in entries:
        if entry.get("id") in seen:
            raise KnowledgeError(f"{where} {entry['id']}: the id is used twice")
        seen.add(entry.get("id"))


def _cues(patterns, where: str) -> re.Pattern:
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise KnowledgeError(f"{where}: cues must be a non-empty list of regular expressions")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise KnowledgeError(f"{where}: cue {pattern!r} is not a regular expression ({exc})") from None
    return re.compile("|".join(patterns), re.IGNORECASE)


def _check_keys(entry: dict, allowed: set[str], required: set[str], where: str) -> None:
    unknown, missing = set(entry) - allowed, required - set(entry)
    if unknown or missing:
        raise KnowledgeError(f"{where}: " + (f"unknown keys {sorted(unknown)} " if unknown else "")
                             + (f"missing keys {sorted(missing)} " if missing else "")
                             + f"(allowed: {', '.join(sorted(allowed))})")


def _check_phrases(jurisdictions: dict, framework_jurisdiction: str | None, legal: dict | None = None) -> None:
    """The advice names each jurisdiction in phrases of prompts/advice.toml keyed by its id."""
    from advisor.phrases import phrases

    known = set(phrases("advice")["nl"])
    for j in jurisdictions:
        needed = {f"check_reservation_{j}", f"given_{j}", f"assumed_{j}"}
        if j != framework_jurisdiction:   # the framework does not apply: their own law, and the corpus on it
            needed.add(f"reason_outside_framework_{j}")
            if legal and legal[jurisdictions[j].reservation_card].corpus_evidence:
                needed.add(f"reason_law_in_corpus_{j}")
        if needed - known:
            raise KnowledgeError(f"jurisdictions.toml jurisdiction {j}: prompts/advice.toml has no phrases "
                                 f"{sorted(needed - known)}")


def _read(name: str, directory: Traversable) -> dict:
    path = directory / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from None


def load(directory: Traversable = HERE) -> Knowledge:
    """Read and check every knowledge file; the first problem raises, naming file and entry."""
    fw = _read("framework.toml", directory)
    jurisdiction_ids = _jurisdiction_ids(_read("jurisdictions.toml", directory))
    legal = _legal_cards(_read("legal.toml", directory), jurisdiction_ids)
    jurisdictions = _jurisdictions(_read("jurisdictions.toml", directory), legal)
    intake_data = _read("intake.toml", directory)
    _check_keys(intake_data, CUES, CUES, "intake.toml")
    cues = {key: _cues(patterns, f"intake.toml {key}") for key, patterns in intake_data.items()}

    framework_keys = {"id", "name_nl", "name_en", "approved", "jurisdiction", "reservation_ambition",
                      "reservation_groups_evidence", "evidence"}
    framework = fw.get("framework", {})
    _check_keys(framework, framework_keys, framework_keys, "framework.toml framework")
    if framework["jurisdiction"] not in jurisdictions:
        raise KnowledgeError(f"framework.toml framework: jurisdiction {framework['jurisdiction']!r} is not in "
                             f"jurisdictions.toml ({', '.join(jurisdictions)})")
    _check_phrases(jurisdictions, framework["jurisdiction"], legal)
    groups = _product_groups(fw.get("product_groups", []), framework["reservation_ambition"])

    t = fw["threshold"]
    _check_keys(t, set(Threshold.__dataclass_fields__), set(Threshold.__dataclass_fields__), "framework.toml threshold")
    threshold = Threshold(**{k: (_evidence(v, "threshold") if k.endswith("evidence") else v) for k, v in t.items()})
    criteria = _criteria(_read("criteria.toml", directory), groups, legal, jurisdictions)

    reservation_groups = _evidence(framework["reservation_groups_evidence"], "framework.toml framework")
    every = [*(e for g in groups.values() for e in g.evidence + ((g.example,) if g.example else ())),
             *threshold.evidence, *threshold.below_evidence, *threshold.above_evidence,
             *(e for c in criteria.values() for e in c.evidence + ((c.level_evidence,) if c.level_evidence else ())),
             *_evidence(framework.get("evidence"), "framework"),
             *reservation_groups, *(e for card in legal.values() for e in card.corpus_evidence)]
    no_group = fw.get("no_product_group", {"words": []})
    _check_keys(no_group, {"words"}, {"words"}, "framework.toml no_product_group")
    no_group = _words(no_group["words"], "framework.toml no_product_group words") if no_group["words"] else ()
    outside = fw.get("outside_groups", {"words": []})
    _check_keys(outside, {"words"}, {"words"}, "framework.toml outside_groups")
    outside = _words(outside["words"], "framework.toml outside_groups words") if outside["words"] else ()
    return Knowledge(framework, threshold, groups, criteria, legal, tuple(every), jurisdictions, cues, reservation_groups,
                     no_group, outside)


def _jurisdiction_ids(data: dict) -> tuple[str, ...]:
    _unique(data.get("jurisdictions", []), "jurisdictions.toml jurisdiction")
    ids = tuple(j.get("id") for j in data.get("jurisdictions", []))
    if not ids:
        raise KnowledgeError("jurisdictions.toml: no [[jurisdictions]]")
    return ids


def _legal_cards(data: dict, jurisdiction_ids: tuple[str, ...]) -> dict[str, LegalCard]:
    legal = {}
    _unique(data.get("cards", []), "legal.toml card")
    for card in data.get("cards", []):
        where = f"legal.toml card {card.get('id', '?')}"
        _check_keys(card, set(LegalCard.__dataclass_fields__), set(LegalCard.__dataclass_fields__) - {"corpus_evidence"},
                    where)
        if card["jurisdiction"] not in ("eu", *jurisdiction_ids):
            raise KnowledgeError(f"{where}: jurisdiction must be eu or one of jurisdictions.toml "
                                 f"({', '.join(jurisdiction_ids)}), got {card['jurisdiction']!r}")
        legal[card["id"]] = LegalCard(**(card | {"corpus_evidence": _evidence(card.get("corpus_evidence"), where)}))
    return legal


def _jurisdictions(data: dict, legal: dict[str, LegalCard]) -> dict[str, Jurisdiction]:
    jurisdictions = {}
    for j in data["jurisdictions"]:
        where = f"jurisdictions.toml jurisdiction {j.get('id', '?')}"
        _check_keys(j, {"id", "reservation_card", "cues"}, {"id", "reservation_card", "cues"}, where)
        card = legal.get(j["reservation_card"])
        if card is None or card.jurisdiction != j["id"]:
            own = ", ".join(i for i, c in legal.items() if c.jurisdiction == j["id"]) or "none"
            raise KnowledgeError(f"{where}: reservation_card {j['reservation_card']!r} is not a legal.toml card of "
                                 f"jurisdiction {j['id']!r}; known: {own}")
        jurisdictions[j["id"]] = Jurisdiction(j["id"], j["reservation_card"], _cues(j["cues"], where))
    return jurisdictions


def _product_groups(entries: list[dict], reserving: str) -> dict[str, ProductGroup]:
    """The framework's product groups; those with the `reserving` ambition are its reservation priorities."""
    groups = {}
    group_keys = {"id", "name_nl", "name_en", "ambitions", "synonyms", "evidence", "example", "services", "objects",
                  "broad"}
    _unique(entries, "framework.toml product group")
    owner: dict[str, str] = {}   # each word names one group, or recognition would have to guess
    for g in entries:
        where = f"framework.toml product group {g.get('id', '?')}"
        _check_keys(g, group_keys, group_keys - {"example", "services", "objects", "broad"}, where)
        if ("services" in g) != ("objects" in g):
            raise KnowledgeError(f"{where}: services and objects go together (an activity on an object), "
                                 f"got only {'services' if 'services' in g else 'objects'}")
        synonyms = _words(g["synonyms"], f"{where} synonyms")
        broad = _words(g["broad"], f"{where} broad") if "broad" in g else ()
        for word in synonyms + broad:
            if owner.setdefault(word, g["id"]) != g["id"]:
                raise KnowledgeError(f"{where}: synonym {word!r} is already a synonym of {owner[word]}; "
                                     "a word may name one product group only")
        example = _evidence([g["example"]], where)[0] if "example" in g else None
        groups[g["id"]] = ProductGroup(g["id"], g["name_nl"], g["name_en"], tuple(g["ambitions"]),
                                       synonyms, _evidence(g["evidence"], where), example,
                                       reservation_priority=reserving in g["ambitions"],
                                       services=_words(g["services"], f"{where} services") if "services" in g else (),
                                       objects=_words(g["objects"], f"{where} objects") if "objects" in g else (),
                                       broad=broad)
    ambitions = {a for g in groups.values() for a in g.ambitions}
    if reserving not in ambitions:
        raise KnowledgeError(f"framework.toml framework: reservation_ambition {reserving!r} is no product group's "
                             f"ambition ({', '.join(sorted(ambitions))})")
    return groups


def _criteria(data: dict, groups: dict[str, ProductGroup], legal: dict[str, LegalCard],
              jurisdictions: dict[str, Jurisdiction]) -> dict[str, Criterion]:
    ambitions = {a for g in groups.values() for a in g.ambitions}
    criteria = {}
    crit_keys = set(Criterion.__dataclass_fields__) - {"roles"}
    optional = {"value", "framework_agreement", "jurisdiction", "reservation", "framework_only", "non_eu_products",
                "not_reserved", "level", "level_evidence", "rank_above"}
    _unique(data.get("criteria", []), "criteria.toml criterion")
    for c in data.get("criteria", []):
        where = f"criteria.toml criterion {c.get('id', '?')}"
        _check_keys(c, crit_keys, crit_keys - optional, where)
        for target in c["applies_to"]:
            if target != "*" and target not in groups and target not in ambitions:
                raise KnowledgeError(f"{where}: applies_to names {target!r}, neither a product group nor an "
                                     f"ambition ({', '.join(sorted(groups))}; {', '.join(sorted(ambitions))})")
        if c["place"] not in PLACES:
            raise KnowledgeError(f"{where}: unknown place {c['place']!r}; known: {', '.join(PLACES)}")
        if c.get("level") is not None and c["level"] not in LEVELS:
            raise KnowledgeError(f"{where}: unknown level {c['level']!r}; known: {', '.join(LEVELS)} "
                                 "(or leave it out where no source supports one)")
        if ("level" in c) != ("level_evidence" in c):
            raise KnowledgeError(f"{where}: a level needs its source: give level and level_evidence together")
        if c.get("reservation") and c.get("not_reserved"):
            raise KnowledgeError(f"{where}: the reservation criterion cannot be one for a contract that is not reserved")
        if c.get("reservation") and c["place"] != "reservation":
            raise KnowledgeError(f"{where}: the reservation criterion's place is reservation, got {c['place']!r}")
        for key in ("rank", "rank_above"):
            if key in c and (not isinstance(c[key], int) or isinstance(c[key], bool) or c[key] < 1):
                raise KnowledgeError(f"{where}: {key} must be a whole number >= 1, got {c[key]!r}")
        if c.get("value") not in (None, "above", "below"):
            raise KnowledgeError(f"{where}: value must be 'above' or 'below'")
        if "jurisdiction" in c and c["jurisdiction"] not in jurisdictions:
            raise KnowledgeError(f"{where}: unknown jurisdiction {c['jurisdiction']!r}; known: {', '.join(jurisdictions)}")
        if set(c["legal_basis"]) - set(jurisdictions):
            raise KnowledgeError(f"{where}: legal_basis names unknown jurisdictions "
                                 f"{sorted(set(c['legal_basis']) - set(jurisdictions))}; known: {', '.join(jurisdictions)}")
        basis = {j: tuple(c["legal_basis"].get(j, ())) for j in jurisdictions}
        for ids in basis.values():
            for card_id in ids:
                if card_id not in legal:
                    raise KnowledgeError(f"{where}: unknown legal card {card_id!r}; known: {', '.join(legal)}")
        clause = c["draft_clause_nl"]
        clause = {j: clause for j in jurisdictions} if isinstance(clause, str) else dict(clause)
        if set(clause) != set(jurisdictions):
            raise KnowledgeError(f"{where}: draft_clause_nl is a string or a table with keys {', '.join(jurisdictions)}")
        roles: dict[str, tuple[Evidence, ...]] = {}
        evidence = _evidence(c["evidence"], where, roles)
        if c.get("reservation") and set(roles) != ROLES:
            raise KnowledgeError(f"{where}: the reservation criterion needs evidence with the roles "
                                 f"{', '.join(sorted(ROLES))} (has {', '.join(sorted(roles)) or 'none'})")
        if roles and not c.get("reservation"):
            raise KnowledgeError(f"{where}: only the reservation criterion's evidence has roles")
        level_evidence = _evidence([c["level_evidence"]], where)[0] if "level_evidence" in c else None
        criteria[c["id"]] = Criterion(**(c | {"applies_to": tuple(c["applies_to"]), "legal_basis": basis,
                                               "draft_clause_nl": clause, "evidence": evidence, "roles": roles,
                                               "level_evidence": level_evidence}))
    reservation = [c.id for c in criteria.values() if c.reservation]
    if len(reservation) != 1:
        raise KnowledgeError(f"criteria.toml: exactly one criterion must have reservation = true, found "
                             f"{len(reservation)} ({', '.join(reservation) or 'none'})")
    return criteria


@lru_cache
def knowledge() -> Knowledge:
    return load()
