"""Contract intake: what a buyer says about the contract, read from free text (Dutch or English).

Fields: product group (mapped onto the framework's groups by synonyms), estimated value in euro,
duration, framework agreement, lots, jurisdiction (Flemish/Belgian or Dutch), non-EU products.
Fields sent explicitly (API, UI form) win over the text; earlier turns of the conversation fill
what the current question leaves open. Unclear fields stay None and are listed as missing.
The word lists (product-group synonyms, jurisdiction cues, non-EU products, framework agreement,
lots, what a question asks) are knowledge data (advisor/knowledge/*.toml); what stays here is how
amounts, durations and numbers are written.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache

from advisor import model
from advisor.answer.analysis import Analysis
from advisor.knowledge import Knowledge, knowledge
from advisor.product_groups import outside_purchase, recognise
from advisor.text import clipped

_MULTIPLIERS = {"k": 1_000, "duizend": 1_000, "dzd": 1_000, "mio": 1_000_000, "miljoen": 1_000_000,
                "million": 1_000_000, "m": 1_000_000, "mln": 1_000_000, "miljard": 1_000_000_000}
_AMOUNT = re.compile(
    r"(?P<pre>€|\beur\b|\beuro\b)?\s*"
    r"(?P<num>\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"\s*(?P<mult>k|duizend|dzd|mio|mln|miljoen|million|miljard|m)?\b\s*(?P<post>€|eur\b|euro\b)?",
    re.IGNORECASE)
_PER_YEAR = re.compile(r"^\s*(?:/\s*jaar|per\s+jaar|per\s+year|a\s+year|/\s*year|jaarlijks|yearly|annually|p\.?j\.?)\b",
                       re.IGNORECASE)
_THRESHOLD_BEFORE = re.compile(r"\b(?:boven|onder|above|below|drempel|threshold)\s*(?:de\s+|the\s+|van\s+|of\s+)?$",
                               re.IGNORECASE)
_NUMBER_WORDS = {"één": 1, "eén": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3,
                 "vier": 4, "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7,
                 "acht": 8, "eight": 8, "tien": 10, "ten": 10, "twaalf": 12, "twelve": 12}
_DURATION = re.compile(r"\b(?P<n>\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS) + r")\s*(?:-\s*)?"
                       r"(?P<unit>jaar|jaren|jarige|jarig|jr|years?|yrs?|maanden|maand|months?|mnd)\b", re.IGNORECASE)


@dataclass
class Intake:
    product_group: str | None = None
    value_eur: float | None = None
    value_basis: str | None = None            # "total" or "per year" (as the buyer gave it)
    duration_months: int | None = None
    framework_agreement: bool | None = None
    lots: bool | None = None
    jurisdiction: str | None = None           # an id of advisor/knowledge/jurisdictions.toml ("be", "nl")
    jurisdiction_assumed: bool = False
    non_eu_products: bool | None = None
    other_groups: list[str] = field(default_factory=list)
    outside_purchase: str | None = None       # a purchase in no group of the framework ("juridisch advies")
    carried: list[str] = field(default_factory=list)   # FIELDS whose value came from earlier turns

    FIELDS = ("product_group", "value_eur", "duration_months", "framework_agreement", "lots", "jurisdiction",
              "non_eu_products")
    ASKED = ("product_group", "value_eur", "duration_months")   # what the advisor asks for when missing

    @property
    def missing(self) -> list[str]:
        return [f for f in self.ASKED if getattr(self, f) is None
                and not (f == "product_group" and self.outside_purchase)]

    def merged(self, newer: "Intake") -> "Intake":
        """This intake with every field the newer one knows replaced by the newer value."""
        values = asdict(self)
        for f in fields(self):
            value = getattr(newer, f.name)
            if value not in (None, [], False) or (f.name in {"framework_agreement", "lots"} and value is False):
                values[f.name] = value
        if newer.value_eur is not None:
            values["value_basis"] = newer.value_basis
        return Intake(**values)

    def summary(self, kb: Knowledge | None = None) -> model.Intake:
        """The intake as the answer reports it, with what the knowledge says about its group and value."""
        kb = kb or knowledge()
        group = kb.product_groups.get(self.product_group) if self.product_group else None
        return model.Intake(
            **asdict(self), product_groups=[g for g in (self.product_group, *self.other_groups) if g],
            product_group_name=group.name_nl if group else None,
            reservation_priority_group=group.reservation_priority if group else None,
            above_threshold=None if self.value_eur is None else self.value_eur > kb.threshold.amount_eur,
            threshold_eur=kb.threshold.amount_eur, missing=self.missing)


def parse_amount(text: str, line: float | None = None) -> tuple[float, str] | None:
    """The largest euro amount in the text, and whether it is a total or per year; an amount equal to
    `line` (the framework's dividing line, when the text names it as one) is not the contract's."""
    best = None
    for m in _AMOUNT.finditer(text):
        mult = (m.group("mult") or "").lower()
        if not (m.group("pre") or m.group("post") or mult in _MULTIPLIERS and mult != "m"):
            continue
        if mult == "m" and not (m.group("pre") or m.group("post")):
            continue
        number = m.group("num").replace("\u00a0", " ").replace("\u202f", " ")
        if mult:
            value = float(number.replace(" ", "").replace(".", "").replace(",", ".")
                          if re.fullmatch(r"\d+[.,]\d{1,2}", number) and "," in number
                          else number.replace(" ", "").replace(",", "."))
            value *= _MULTIPLIERS[mult]
        elif re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", number):
            value = float(number.replace(" ", "").replace(".", "").replace(",", "."))
        elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number):
            value = float(number.replace(",", ""))
        else:
            value = float(number.replace(",", "."))
        if _THRESHOLD_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
            continue  # "boven € 139.000": a dividing line, not this contract's value
        if line is not None and abs(value - line) < 0.5:
            continue  # "Waarom ligt de grens op € 139.000?": the line itself, not this contract's value
        basis = "per year" if _PER_YEAR.match(text[m.end():]) else "total"
        if value >= 100 and (best is None or value > best[0]):
            best = (value, basis)
    return best


def parse_duration(text: str) -> int | None:
    for m in _DURATION.finditer(text):
        raw = m.group("n").lower()
        n = _NUMBER_WORDS.get(raw) or float(raw.replace(",", "."))
        before = text[max(0, m.start() - 12):m.start()].lower()
        if re.search(r"(sinds|since|na|after|elke|every|per)\s*$", before):
            continue
        months = n * 12 if m.group("unit").lower().startswith(("j", "y")) else n
        if 0 < months <= 240:
            return int(round(months))
    return None


def match_group(text: str, kb: Knowledge | None = None) -> tuple[str | None, list[str]]:
    """The product group the text names most specifically, and the other groups the contract covers."""
    groups = _recognise_bundled(text) if kb is None or kb is knowledge() else tuple(recognise(text, kb))
    return (groups[0] if groups else None), list(groups[1:])


@lru_cache(maxsize=512)
def _recognise_bundled(text: str) -> tuple[str, ...]:
    """The bundled knowledge's reading of a text, remembered: a request reads each turn several times."""
    return tuple(recognise(text, knowledge()))


def extract(text: str, kb: Knowledge | None = None) -> Intake:
    """What `text` says of the contract (of a long text, its first 600 and last 400 characters). A
    request reads each text several times (the conversation, the intake, the advice): the bundled
    knowledge's reading is remembered per text, and each call gets its own copy."""
    text = clipped(text)  # the start and end of a long text: its reading is bounded
    if kb is None or kb is knowledge():
        return copy.deepcopy(_extract_bundled(text))
    return _extract(text, kb)


@lru_cache(maxsize=512)
def _extract_bundled(text: str) -> Intake:
    return _extract(text, knowledge())


def _extract(text: str, kb: Knowledge) -> Intake:
    group, others = match_group(text, kb)
    amount = parse_amount(text, kb.threshold.amount_eur if kb.cues["dividing_line"].search(text) else None)
    intake = Intake(product_group=group, other_groups=others, duration_months=parse_duration(text),
                    outside_purchase=None if group else outside_purchase(text, kb))
    if amount:
        intake.value_eur, intake.value_basis = amount
    if kb.cues["no_framework_agreement"].search(text):
        intake.framework_agreement = False
    elif kb.cues["framework_agreement"].search(text):
        intake.framework_agreement = True
    if kb.cues["lots"].search(text):
        intake.lots = True
    if kb.cues["non_eu_products"].search(text):
        intake.non_eu_products = True
    counts = {j.id: len(j.cues.findall(text)) for j in kb.jurisdictions.values()}
    leaders = [j for j, n in counts.items() if n == max(counts.values()) and n > 0]
    if len(leaders) == 1:  # the jurisdiction the text points to most; a tie leaves it open
        intake.jurisdiction = leaders[0]
    return intake


def build(question: str, history: list[dict] | None = None, explicit: dict | None = None,
          kb: Knowledge | None = None) -> Intake:
    """Intake from the conversation (oldest first), the question, then explicit fields."""
    earlier = Intake()
    for turn in history or ():
        if turn.get("role") == "user" and turn.get("content"):
            earlier = earlier.merged(extract(turn["content"], kb))
    now = extract(question, kb)
    if explicit:
        unknown = set(explicit) - set(Intake.FIELDS)
        if unknown:
            raise ValueError(f"unknown intake fields {sorted(unknown)}; known: {', '.join(Intake.FIELDS)}")
        now = now.merged(Intake(**{k: v for k, v in explicit.items() if v is not None}))
        if explicit.get("value_eur") is not None:
            now.value_basis = "total"
    intake = earlier.merged(now)
    intake.carried = carried_fields(earlier, now)
    if intake.value_basis == "per year" and intake.value_eur and intake.duration_months:
        intake.value_eur = round(intake.value_eur * intake.duration_months / 12, 2)
        intake.value_basis = "total (per year × duration)"
    if intake.jurisdiction is None:  # a buyer who does not say is taken to be under the framework
        intake.jurisdiction, intake.jurisdiction_assumed = (kb or knowledge()).framework["jurisdiction"], True
    return intake


def carried_fields(earlier: Intake, now: Intake) -> list[str]:
    """The fields the earlier turns said and the current question (with explicit fields) leaves open
    or only repeats ('coffee' in a follow-up on the same catering contract)."""
    return [f for f in Intake.FIELDS if getattr(earlier, f) is not None and getattr(now, f) in (None, getattr(earlier, f))]


def declines_reservation(question: str) -> bool:
    """The buyer says they will not reserve ('We reserveren niet; welke criteria ...')."""
    return bool(knowledge().cues["declines_reservation"].search(question))


def asks_reservation(question: str) -> bool:
    """The question itself asks whether the contract may be reserved, in those words or as giving it to
    the social economy without competition (a follow-up that asks it again is read in its
    conversation: advisor/conversation.py)."""
    cues = knowledge().cues
    if declines_reservation(question):
        return False
    text = cues["already_reserved"].sub(" ", question)   # 'onze voorbehouden schoonmaak' is reserved already
    company = cues["social_company"].search(text) and (cues["yes_no_question"].search(text)
                                                       or cues["asks_leave"].search(text))
    return bool(cues["asks_reservation"].search(text) or company or cues["asks_direct_award"].search(question))


def about_own_contract(question: str) -> bool:
    """The question speaks of the asker's own contract: says it is theirs, asks leave for it, or gives its
    value or duration."""
    said = extract(question)
    cues = knowledge().cues
    return bool(cues["own_contract"].search(question) or cues["asks_leave"].search(question)) \
        or said.value_eur is not None or said.duration_months is not None


def defines_notion(question: str) -> bool:
    """The question opens by asking what a notion is or means and asks no leave: the contract it names
    ('... voor een schoonmaak van € 50.000') is the setting of the notion, not a contract to advise on."""
    cues = knowledge().cues
    text = " ".join(question.split())
    return bool(cues["defines_notion"].search(text)) and not cues["asks_leave"].search(text)


def asks_criteria(question: str) -> bool:
    return bool(knowledge().cues["asks_criteria"].search(question))


# What the question analysis (advisor.answer.analysis) says decides whether to advise at all: a
# question that explains a notion ("Wat is een voorbehouden opdracht?", "Verschil tussen social
# return en voorbehouden?") gets the passages that explain it, even when it names a product group.
# A verdict belongs only to a question about this contract's reservation ("Mag ik ...", a follow-up
# "en als het € 200.000 is?"), never to a list or fact question ("Welke alternatieven zijn er voor
# een voorbehouden opdracht?", "Hoeveel vakantiedagen heeft een werknemer in een maatwerkbedrijf?"),
# which may still get a criteria menu ("Welke criteria neem ik op in ons cateringbestek?").
# A verdict is asked only of the asker's own contract: a question that says so ("Mag ik ...", "onze
# schoonmaak", a value or duration given; intake.toml `own_contract`), or one of no notion type that
# names a product group. A how or why question that only names a group ("Hoe pak je het aan om een
# schoonmaakopdracht voor te behouden?", "Waarom wil het kader drukwerk reserveren?") asks how
# reserving works or why the framework does it; "Hoe kan ik onze schoonmaak van € 80.000 voorbehouden?"
# asks about this contract.
NO_VERDICT = frozenset({"list", "fact"})
VERDICT_FOR_OWN_CONTRACT = frozenset({"procedure", "reason"})


def asks_for_thing(question: str) -> bool:
    """The question opens by asking for a thing other than the reservation's own advice, options or
    conditions ('Welke betalingstermijn geldt voor een voorbehouden drukwerkopdracht van € 20.000?'):
    it asks that thing, not whether its contract may be reserved."""
    return bool(knowledge().cues["asks_for_thing"].search(" ".join(question.split())))


def explains_notion(analysis: Analysis, question: str = "") -> bool:
    """A definition, or a comparison of two notions (a 'different contract now' is no comparison); or a
    question worded as a definition that the analysis reads as advice because it names a reserved contract
    and an amount ('What does reserved contract mean for catering worth €200,000?')."""
    return analysis.type == "definition" or analysis.type == "comparison" and len(analysis.focus) >= 2 \
        or bool(question) and defines_notion(question)


def asks_verdict(question: str, analysis: Analysis) -> bool:
    """A question about this contract's reservation (a follow-up that asks again is the
    conversation's to decide: advisor.conversation)."""
    if explains_notion(analysis, question) or analysis.type in NO_VERDICT or not asks_reservation(question) \
            or asks_for_thing(question):
        return False
    if about_own_contract(question):
        return True
    # a question of no notion type that names a product group is about a contract of that group, unless it
    # asks what the documents say or allow of such contracts, or names the framework's dividing line
    cues = knowledge().cues
    return analysis.type not in VERDICT_FOR_OWN_CONTRACT and extract(question).product_group is not None \
        and not (cues["about_sources"].search(question) or cues["dividing_line"].search(question))


def asks_menu(question: str, analysis: Analysis) -> bool:
    """A question about this contract's criteria, or one whose buyer has ruled reservation out."""
    return not explains_notion(analysis, question) and (asks_criteria(question) or declines_reservation(question))
