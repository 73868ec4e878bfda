"""Conversation state: how a question relates to the buyer's earlier turns.

Two separate questions, because a buyer can change one without the other ("En voor catering?"
goes on with the same question about another contract):
- the subject (topic): does the question go on with what the earlier turns discussed, or start a
  new subject? A follow-up is searched together with the turn it follows and may ask again what that
  turn asked (a verdict, a criteria menu); a new subject is searched alone and asks only what it says.
- the contract: are the contract fields of the earlier turns (value, duration, framework agreement,
  ...) still about this question's contract? Only then do they carry over; a contract in another
  product group, or one the buyer calls another, starts from nothing.

The cues are data (advisor/resources/conversation.toml, validated at load); the question type comes
from the question analysis. Earlier turns are read with the same rules, oldest first, so a chain of
follow-ups keeps its subject and a topic change in the middle of a conversation starts a new one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from advisor import intake as intake_module
from advisor.answer.analysis import TYPES, Analysis, analyse, compile_patterns
from advisor.errors import ConfigError
from advisor.knowledge import Knowledge, knowledge
from advisor.package_data import read_text
from advisor.text import clipped, content_words, fold

SOURCE = "advisor/resources/conversation.toml"
CUE_SECTIONS = ("new_contract", "hypothetical", "conjunction", "refers_back", "refers_to_answer", "own_ask", "courtesy")
ASKS = ("reservation", "criteria")


@dataclass(frozen=True)
class Rules:
    notion_types: frozenset[str]
    elliptic_max_words: int
    cues: dict[str, tuple[re.Pattern, ...]]

    def says(self, section: str, folded: str) -> bool:
        return any(p.search(folded) for p in self.cues[section])

    def without_courtesy(self, question: str) -> str:
        """The question without a thanks or an 'ok' in front ('Bedankt! Wat is social return?'): it
        says nothing of how the question relates to the earlier turns, and hides the question's type."""
        for pattern in self.cues["courtesy"]:
            rest = pattern.sub("", question, count=1)
            if rest != question and rest.strip():
                return rest
        return question


def load_rules(text: str | None = None) -> Rules:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "conversation.toml"))
    unknown = set(data) - {"rules", *CUE_SECTIONS}
    if unknown:
        raise ConfigError(f"{SOURCE}: unknown sections {sorted(unknown)}; known: rules, {', '.join(CUE_SECTIONS)}")
    rules = data.get("rules", {})
    known_rules = {"notion_types", "elliptic_max_words"}
    if set(rules) != known_rules:
        raise ConfigError(f"{SOURCE} [rules]: expected exactly the keys {sorted(known_rules)}, got {sorted(rules)}")
    bad_types = set(rules["notion_types"]) - set(TYPES)
    if bad_types:
        raise ConfigError(f"{SOURCE} [rules] notion_types: unknown types {sorted(bad_types)}; known: {', '.join(TYPES)}")
    if not isinstance(rules["elliptic_max_words"], int) or rules["elliptic_max_words"] < 0:
        raise ConfigError(f"{SOURCE} [rules] elliptic_max_words: expected a whole number >= 0, "
                          f"got {rules['elliptic_max_words']!r}")
    cues = {s: compile_patterns(SOURCE, s, data.get(s, {}).get("patterns")) for s in CUE_SECTIONS}
    return Rules(frozenset(rules["notion_types"]), rules["elliptic_max_words"], cues)


@lru_cache(maxsize=1)
def rules() -> Rules:
    return load_rules()


@dataclass(frozen=True)
class Turn:
    """One question read in its conversation."""
    question: str
    continues: bool = False                 # goes on with the subject of `topic`
    same_contract: bool = False             # the contract fields of `contract` still apply
    topic: tuple[str, ...] = ()             # the earlier turns of the subject it goes on with
    contract: tuple[str, ...] = ()          # the earlier turns that describe its contract
    asks: frozenset[str] = field(default_factory=frozenset)   # "reservation", "criteria": own or inherited

    def retrieval_query(self) -> str:
        """A follow-up is searched with (the start and end of) the turn it follows; a new subject alone."""
        return f"{clipped(self.topic[-1])}\n{self.question}" if self.continues and self.topic else self.question

    def intake(self, explicit: dict | None = None, kb: Knowledge | None = None) -> intake_module.Intake:
        """The contract as this turn knows it, with `carried` naming what came from earlier turns."""
        history = [{"role": "user", "content": t} for t in (self.contract if self.same_contract else ())]
        return intake_module.build(self.question, history, explicit, kb)


def own_asks(question: str, analysis: Analysis, kb: Knowledge, contract: bool = False) -> frozenset[str]:
    """What the question itself asks for. A notion question (a definition, a list, ...) that names no
    contract asks no verdict even when it uses the word: 'Welke productgroepen zijn prioritair om
    voor te behouden?' asks for a list; unless it goes on with the contract of the earlier turns
    (`contract`): 'Welke criteria kan ik dan opnemen?' asks for that contract's menu."""
    said = intake_module.extract(question, kb)
    if (analysis.type in rules().notion_types and not contract
            and said.product_group is None and said.value_eur is None):
        return frozenset()
    asks = set()
    if intake_module.asks_verdict(question, analysis):
        asks.add("reservation")
    if intake_module.asks_menu(question, analysis):
        asks.add("criteria")
    return frozenset(asks)


def _groups(turns: tuple[str, ...], kb: Knowledge) -> set[str]:
    groups = set()
    for t in turns:
        group, others = intake_module.match_group(t, kb)
        groups |= {g for g in (group, *others) if g}
    return groups


def _continues(folded: str, kind: str, group: str | None, r: Rules) -> bool:
    """Does the question go on with the subject of the earlier turns?"""
    if r.says("new_contract", folded):
        return False
    if r.says("hypothetical", folded) or r.says("refers_back", folded) or r.says("refers_to_answer", folded):
        return True
    if kind in r.notion_types:
        return False
    if r.says("conjunction", folded):
        return True
    return group is None and len(content_words(folded)) <= r.elliptic_max_words


def relate(question: str, earlier: list[str], kb: Knowledge | None = None) -> Turn:
    """The question read against the earlier user turns (oldest first)."""
    kb = kb or knowledge()
    state = Turn("")
    for text in earlier:
        state = _step(text, state, kb)
    return _step(question, state, kb)


def _step(question: str, previous: Turn, kb: Knowledge) -> Turn:
    """The turn `question`, following the turn `previous` (whose own topic and contract it may extend)."""
    r = rules()
    question = r.without_courtesy(question)
    folded = fold(clipped(" ".join(question.split())))
    analysis = analyse(question)
    kind = analysis.type
    asks = own_asks(question, analysis, kb)
    if not previous.question:
        return Turn(question, asks=asks)
    group, _ = intake_module.match_group(question, kb)
    continues = _continues(folded, kind, group, r)
    topic = (*previous.topic, previous.question) if previous.continues else (previous.question,)
    contract = (*previous.contract, previous.question) if previous.same_contract else (previous.question,)
    same_contract = continues and not (group and _groups(contract, kb) and group not in _groups(contract, kb))
    if same_contract and not asks:
        asks = own_asks(question, analysis, kb, contract=True)
    inherits = (continues and not asks and not r.says("own_ask", folded)
                and (kind not in r.notion_types or r.says("hypothetical", folded)
                     or r.says("refers_to_answer", folded)))
    if inherits:
        asks = previous.asks
    return Turn(question, continues, same_contract, topic, contract, asks)
