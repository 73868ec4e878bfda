"""The advisory engine: reservation verdict, criteria menu with draft clauses, legal basis.

It works from the intake and the knowledge files. Every statement is one of two kinds: a reason or
criterion that carries a citation to the corpus passage saying it (one whose passage the index lacks
is left out; a claim about a list cites the list whole), or the project's own guidance, shown as such
with the law it rests on named (`Reason.source`), never with a corpus marker. Legal-basis cards are
named as legislation, never as quotations. A buyer outside the Bruges framework's jurisdiction is not
argued with the framework: their own law and the general sources speak instead.

The menu is shown grouped by where each instrument goes in the tender (knowledge.PLACES, the order
of the MVI / MVOO criteria tools); when the buyer has ruled reservation out, it comes before any verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor import model
from advisor.citations import CitationList
from advisor.intake import Intake
from advisor.knowledge import PLACES, Criterion, Knowledge, ProductGroup
from advisor.phrases import say

BASE_CHECKS = ("check_nature", "check_duration", "check_proximity", "check_cost")


@dataclass
class Advice:
    intake: Intake
    verdict: model.Verdict | None
    criteria: list[model.Criterion]
    lines: list[str] = field(default_factory=list)


def _euro(amount: float, language: str) -> str:
    whole = f"{amount:,.0f}"
    return f"€ {whole.replace(',', '.')}" if language == "nl" else f"€{whole}"


def _marked(text: str, *numbers: int | None) -> str:
    marks = "".join(f" [{n}]" for n in dict.fromkeys(n for n in numbers if n))
    return text + marks


def applicable(criterion: Criterion, intake: Intake, group: ProductGroup | None, kb: Knowledge) -> bool:
    targets = set(criterion.applies_to)
    fits_group = "*" in targets or (group is not None and (group.id in targets or targets & set(group.ambitions)))
    if criterion.non_eu_products and intake.non_eu_products:
        fits_group = True
    named = group is not None or intake.outside_purchase is not None
    if criterion.reservation and named and intake.jurisdiction != kb.framework["jurisdiction"]:
        fits_group = True  # the buyer's own law decides, and it is not limited to the framework's groups
    if not fits_group:
        return False
    if criterion.value == "above" and not (intake.value_eur and intake.value_eur > kb.threshold.amount_eur):
        return False
    if criterion.value == "below" and not (intake.value_eur and intake.value_eur <= kb.threshold.amount_eur):
        return False
    if criterion.framework_agreement and not intake.framework_agreement:
        return False
    if criterion.jurisdiction and criterion.jurisdiction != intake.jurisdiction:
        return False
    if criterion.framework_only and intake.jurisdiction != kb.framework["jurisdiction"]:
        return False
    return True


def menu(intake: Intake, kb: Knowledge, citations: CitationList, language: str, reservable: str | None,
         size: int = 5, without_reservation: bool = False, criteria_asked: bool = True) -> list[model.Criterion]:
    """The `size` best-ranked instruments that fit the intake and have a supporting passage. With a
    "yes, reserve" verdict and no criteria asked, the instruments for a contract that is not reserved
    (a regular contractor's) are no alternative the verdict calls for, and are left out."""
    group = kb.product_groups.get(intake.product_group) if intake.product_group else None
    reserving = reservable == "yes" and not criteria_asked
    chosen = [c for c in kb.criteria.values() if applicable(c, intake, group, kb)
              and not (c.reservation and (reservable == "no" or without_reservation))
              and not (c.not_reserved and reserving)]
    above = intake.value_eur is not None and intake.value_eur > kb.threshold.amount_eur
    chosen.sort(key=lambda c: (c.rank_above if above and c.rank_above else c.rank, c.id))
    out = []
    for c in chosen:
        if len(out) >= size:
            break
        why, evidence = c.why(language), c.evidence
        if c.reservation and intake.jurisdiction != kb.framework["jurisdiction"]:
            # the framework's aim to reserve is no reason for a buyer it does not bind: what makes a
            # contract fit for reservation is
            why, evidence = say(language, "why_reservation_suitability"), c.roles["suitability"]
        cites = [n for n in (citations.evidence(ev) for ev in evidence) if n]
        if not cites:
            continue  # no supporting passage in this index: the instrument is not put forward
        cards = [kb.legal[i] for i in c.legal_basis.get(intake.jurisdiction or "be", ())]
        out.append(model.Criterion(
            id=c.id, title=c.title(language), why=why, place=c.place, level=c.level,
            legal_basis=[model.LegalBasis(id=card.id, title=card.title_en if language == "en" else card.title,
                                          source=card.source) for card in cards],
            draft_clause=c.draft_clause_nl[intake.jurisdiction or "be"], cites=cites))
    return out


def _reason_line(r: model.Reason, language: str) -> str:
    if r.cites:
        return _marked(r.text, *r.cites)
    return say(language, "guidance", text=r.text, source=r.source)


def _by_place(items: list[model.Criterion], language: str) -> list[str]:
    """The menu under one heading per place in the tender, in the order a tender reads; within a
    place, in the menu's ranked order."""
    lines = []
    for place in PLACES:
        here = [i for i in items if i.place == place]
        if here:
            lines.append(say(language, f"place_{place}"))
            lines += [f"- {_marked(_item(i, language), *i.cites)}" for i in here]
    lines += [f"- {_marked(_item(i, language), *i.cites)}" for i in items if i.place not in PLACES]
    return lines


def _item(i: model.Criterion, language: str) -> str:
    title = say(language, "with_level", title=i.title, level=say(language, f"level_{i.level}")) if i.level else i.title
    return say(language, "menu_item", title=title, why=i.why)


def _cite(citations: CitationList, evidence) -> list[int]:
    """The markers of each piece of evidence found (a list or tuple: its first passage found)."""
    return [n for n in (citations.first(e) if isinstance(e, (list, tuple)) else citations.evidence(e)
                        for e in evidence) if n]


def verdict(intake: Intake, kb: Knowledge, citations: CitationList, language: str) -> model.Verdict:
    group = kb.product_groups.get(intake.product_group) if intake.product_group else None
    reasons: list[model.Reason] = []

    def reason(text: str, *evidence) -> None:
        cites = _cite(citations, evidence)
        if cites:
            reasons.append(model.Reason(text=text, cites=cites))

    def note(text: str, source: str) -> None:
        """The project's own guidance: no corpus marker, its source named."""
        reasons.append(model.Reason(text=text, cites=[], source=source))

    suitability = kb.reservation.roles["suitability"]
    checks = [say(language, key) for key in BASE_CHECKS]
    checks.append(say(language, f"check_reservation_{intake.jurisdiction}"))

    if group is None and intake.outside_purchase is None:
        reason(say(language, "reason_suitability"), suitability)
        return model.Verdict(reservable="unknown", reasons=reasons, checks=checks)

    name = group.name(language) if group else intake.outside_purchase
    if intake.jurisdiction != kb.framework["jurisdiction"]:  # the framework does not apply; the buyer's own law does
        card = kb.legal[kb.jurisdictions[intake.jurisdiction].reservation_card]
        note(say(language, f"reason_outside_framework_{intake.jurisdiction}"), card.source)
        if card.corpus_evidence:
            reason(say(language, f"reason_law_in_corpus_{intake.jurisdiction}"), *card.corpus_evidence)
        reason(say(language, "reason_suitability"), suitability)
        return model.Verdict(reservable="conditional", reasons=reasons, checks=checks)

    # a claim about the list of priority groups (on it or not) cites the list whole
    if group is None or not group.reservation_priority:   # a group off the list, or a purchase in no group
        reason(say(language, "reason_not_priority", group=name[:1].upper() + name[1:]), *kb.reservation_groups_evidence)
        reason(say(language, "reason_reserve_objective"), kb.reservation.roles["objective"])
        if group and any(a != kb.framework["reservation_ambition"] for a in group.ambitions):
            reason(say(language, "reason_other_ambitions", group=name), group.evidence)
        return model.Verdict(reservable="no", reasons=reasons, checks=[])

    reason(say(language, "reason_priority", group=name[:1].upper() + name[1:]), *kb.reservation_groups_evidence)
    reason(say(language, "reason_reserve_objective"), kb.reservation.roles["objective"])
    threshold = _euro(kb.threshold.amount_eur, language)
    if intake.value_eur is not None:
        above = intake.value_eur > kb.threshold.amount_eur
        key, evidence = ("reason_above", kb.threshold.above_evidence) if above else ("reason_below", kb.threshold.below_evidence)
        reason(say(language, key, value=_euro(intake.value_eur, language), threshold=threshold), *evidence)
    reason(say(language, "reason_suitability"), suitability)
    reservable = "yes" if intake.value_eur is not None and intake.value_eur <= kb.threshold.amount_eur else "conditional"
    return model.Verdict(reservable=reservable, reasons=reasons, checks=checks)


def _standing(intake: Intake, group: ProductGroup, kb: Knowledge, citations: CitationList,
              language: str) -> list[str]:
    """Where a contract stands in the framework, for a criteria question that asks no verdict: whether
    its group is on the list of priority groups for reserving (citing the list whole) and, for a group
    on it, which side of the value line the contract is on. Only what a passage carries is said."""
    name = group.name(language)
    key = "reason_priority" if group.reservation_priority else "reason_not_priority"
    lines = [(say(language, key, group=name[:1].upper() + name[1:]), kb.reservation_groups_evidence)]
    if group.reservation_priority and intake.value_eur is not None:
        above = intake.value_eur > kb.threshold.amount_eur
        key, evidence = ("reason_above", kb.threshold.above_evidence) if above else ("reason_below", kb.threshold.below_evidence)
        lines.append((say(language, key, value=_euro(intake.value_eur, language),
                          threshold=_euro(kb.threshold.amount_eur, language)), evidence))
    out = [f"- {_marked(text, *cites)}" for text, evidence in lines if (cites := _cite(citations, evidence))]
    return [say(language, "standing"), *out] if out else []


def _fallback(intake: Intake, group: ProductGroup | None, kb: Knowledge, citations: CitationList, language: str,
              shown: set[str], size: int) -> list[str]:
    """After a "yes" verdict that still asks for the checks: the instruments the sources give for a
    contract that is not reserved, by title only and cited, for when the checks rule reserving out
    ('Is de opdracht reserveren toch niet de juiste manier, overweeg dan ...'). They are no part of
    the menu the verdict calls for."""
    chosen = sorted((c for c in kb.criteria.values() if c.not_reserved and c.id not in shown
                     and applicable(c, intake, group, kb)), key=lambda c: (c.rank, c.id))
    regular = []
    for c in chosen[:size]:
        cites = [citations.evidence(ev) for ev in c.evidence]
        if all(cites):   # a title shown without all its evidence would say more than its quotes
            regular.append((c.title(language), cites))
    if not regular:
        return []
    return [say(language, "fallback"), *(f"- {_marked(title, *cites)}" for title, cites in regular)]


def advise(intake: Intake, kb: Knowledge, citations: CitationList, language: str, reservation: bool,
           declined_reservation: bool = False, menu_size: int = 5, criteria_asked: bool = True) -> Advice:
    """Verdict (for a reservation question) and criteria menu. `declined_reservation`: the buyer
    said they will not reserve, so the menu leaves reservation out; `criteria_asked`: the buyer asked
    for criteria, so the menu offers every route, not only the one the verdict takes."""
    group = kb.product_groups.get(intake.product_group) if intake.product_group else None
    result = verdict(intake, kb, citations, language) if reservation else None
    items = menu(intake, kb, citations, language, result.reservable if result else None, menu_size,
                 declined_reservation, criteria_asked)
    verdict_lines: list[str] = []
    if result is None and group is not None and intake.jurisdiction == kb.framework["jurisdiction"]:
        # criteria asked, no verdict: the buyer still learns whether the framework lists the group for
        # reserving and which side of its line the contract is on, each cited (the list whole)
        verdict_lines += _standing(intake, group, kb, citations, language)
    if result:
        verdict_lines.append(say(language, f"verdict_{result.reservable}"))
        if result.reasons:
            verdict_lines.append(say(language, "why"))
            verdict_lines += [f"- {_reason_line(r, language)}" for r in result.reasons]
        if result.checks:
            verdict_lines.append(say(language, "checks"))
            verdict_lines += [f"- {c}" for c in result.checks]
    shown = items
    menu_lines: list[str] = []
    if shown:
        heading = ("menu_declined" if declined_reservation else
                   "menu_alternatives" if result and result.reservable == "no" else "menu")
        menu_lines.append(say(language, heading))
        menu_lines += _by_place(shown, language)
    if result and result.reservable == "yes" and not criteria_asked and not declined_reservation:
        menu_lines += _fallback(intake, group, kb, citations, language, {i.id for i in shown}, menu_size)
    # what the buyer ruled out is not what the answer opens with: the alternatives come first
    lines = menu_lines + verdict_lines if declined_reservation else verdict_lines + menu_lines
    if group and group.example:
        n = citations.evidence(group.example)
        if n:
            quote = " ".join(citations.items[n - 1].quote.split())
            lines.append(say(language, "example"))
            lines.append(f"- {_marked('„' + quote + '”', n)}")
    card_ids = []
    if result and result.reservable != "no":
        card_ids += list(kb.reservation.legal_basis.get(intake.jurisdiction, ()))
    if shown:
        card_ids += [b.id for i in shown for b in i.legal_basis]
    card_ids = list(dict.fromkeys(card_ids))
    if card_ids:
        titles = "; ".join(kb.legal[c].title_en if language == "en" else kb.legal[c].title for c in card_ids)
        assumption = say(language, ("assumed_" if intake.jurisdiction_assumed else "given_") + intake.jurisdiction)
        lines.append(say(language, "legal", cards=titles, assumption=assumption))
    if intake.missing:
        names = ", ".join(say(language, f"field_{f}") for f in intake.missing)
        lines.append(say(language, "missing", fields=names))
    return Advice(intake, result, items, lines)
