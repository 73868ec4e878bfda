"""Domain knowledge as data: the framework's product groups and threshold, the criteria
catalogue and the legal-basis cards (TOML files beside this module), loaded and validated.

Unknown keys, unknown ids and missing fields raise a KnowledgeError that names the file and the
entry. Whether each evidence anchor exists verbatim in the corpus is checked by the tests and,
at run time, when a citation is made.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable

from advisor.errors import AdvisorError

HERE = resources.files(__name__)  # package data: the TOML files ship in the wheel
JURISDICTIONS = ("be", "nl")


class KnowledgeError(AdvisorError):
    """A knowledge file is malformed."""


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    anchor: str


@dataclass(frozen=True)
class ProductGroup:
    id: str
    name_nl: str
    name_en: str
    ambitions: tuple[str, ...]
    synonyms: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    example: Evidence | None = None

    @property
    def reservation_priority(self) -> bool:
        """S1 groups are the ones the framework reserves contracts in (objective S.1.1)."""
        return "S1" in self.ambitions

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
class Knowledge:
    framework: dict
    threshold: Threshold
    product_groups: dict[str, ProductGroup]
    criteria: dict[str, Criterion]
    legal: dict[str, LegalCard]
    evidence_all: tuple[Evidence, ...] = field(default=())


def _evidence(items, where: str) -> tuple[Evidence, ...]:
    out = []
    for item in items or ():
        if set(item) != {"doc_id", "anchor"} or not item["anchor"]:
            raise KnowledgeError(f"{where}: evidence needs exactly doc_id and a non-empty anchor, got {item}")
        out.append(Evidence(item["doc_id"], item["anchor"]))
    return tuple(out)


def _check_keys(entry: dict, allowed: set[str], required: set[str], where: str) -> None:
    unknown, missing = set(entry) - allowed, required - set(entry)
    if unknown or missing:
        raise KnowledgeError(f"{where}: " + (f"unknown keys {sorted(unknown)} " if unknown else "")
                             + (f"missing keys {sorted(missing)} " if missing else "")
                             + f"(allowed: {', '.join(sorted(allowed))})")


def _read(name: str, directory: Traversable) -> dict:
    path = directory / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from None


def load(directory: Traversable = HERE) -> Knowledge:
    fw = _read("framework.toml", directory)
    legal_data = _read("legal.toml", directory)
    crit_data = _read("criteria.toml", directory)

    legal = {}
    for card in legal_data.get("cards", []):
        where = f"legal.toml card {card.get('id', '?')}"
        _check_keys(card, set(LegalCard.__dataclass_fields__), set(LegalCard.__dataclass_fields__) - {"corpus_evidence"},
                    where)
        if card["jurisdiction"] not in ("eu", *JURISDICTIONS):
            raise KnowledgeError(f"{where}: jurisdiction must be eu, be or nl")
        legal[card["id"]] = LegalCard(**(card | {"corpus_evidence": _evidence(card.get("corpus_evidence"), where)}))

    groups = {}
    group_keys = {"id", "name_nl", "name_en", "ambitions", "synonyms", "evidence", "example"}
    for g in fw.get("product_groups", []):
        where = f"framework.toml product group {g.get('id', '?')}"
        _check_keys(g, group_keys, group_keys - {"example"}, where)
        example = _evidence([g["example"]], where)[0] if "example" in g else None
        groups[g["id"]] = ProductGroup(g["id"], g["name_nl"], g["name_en"], tuple(g["ambitions"]),
                                       tuple(s.lower() for s in g["synonyms"]), _evidence(g["evidence"], where), example)
    ambitions = {a for g in groups.values() for a in g.ambitions}

    t = fw["threshold"]
    _check_keys(t, set(Threshold.__dataclass_fields__), set(Threshold.__dataclass_fields__), "framework.toml threshold")
    threshold = Threshold(**{k: (_evidence(v, "threshold") if k.endswith("evidence") else v) for k, v in t.items()})

    criteria = {}
    crit_keys = set(Criterion.__dataclass_fields__)
    for c in crit_data.get("criteria", []):
        where = f"criteria.toml criterion {c.get('id', '?')}"
        _check_keys(c, crit_keys, crit_keys - {"value", "framework_agreement", "jurisdiction", "reservation", "framework_only"}, where)
        for target in c["applies_to"]:
            if target != "*" and target not in groups and target not in ambitions:
                raise KnowledgeError(f"{where}: applies_to names {target!r}, neither a product group nor an "
                                     f"ambition ({', '.join(sorted(groups))}; {', '.join(sorted(ambitions))})")
        if c.get("value") not in (None, "above", "below"):
            raise KnowledgeError(f"{where}: value must be 'above' or 'below'")
        basis = {j: tuple(c["legal_basis"].get(j, ())) for j in JURISDICTIONS}
        for ids in basis.values():
            for card_id in ids:
                if card_id not in legal:
                    raise KnowledgeError(f"{where}: unknown legal card {card_id!r}; known: {', '.join(legal)}")
        clause = c["draft_clause_nl"]
        clause = {j: clause for j in JURISDICTIONS} if isinstance(clause, str) else dict(clause)
        if set(clause) != set(JURISDICTIONS):
            raise KnowledgeError(f"{where}: draft_clause_nl is a string or a table with keys be and nl")
        criteria[c["id"]] = Criterion(**(c | {"applies_to": tuple(c["applies_to"]), "legal_basis": basis,
                                               "draft_clause_nl": clause, "evidence": _evidence(c["evidence"], where)}))

    every = [*(e for g in groups.values() for e in g.evidence + ((g.example,) if g.example else ())),
             *threshold.evidence, *threshold.below_evidence, *threshold.above_evidence,
             *(e for c in criteria.values() for e in c.evidence), *_evidence(fw["framework"].get("evidence"), "framework"),
             *(e for card in legal.values() for e in card.corpus_evidence)]
    return Knowledge(fw["framework"], threshold, groups, criteria, legal, tuple(every))


@lru_cache
def knowledge() -> Knowledge:
    return load()
