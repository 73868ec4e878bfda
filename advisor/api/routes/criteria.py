from __future__ import annotations

from fastapi import APIRouter

from advisor.api.deps import AdvisorDep
from advisor.api.errors import Problem
from advisor.api.schemas import (CatalogueOut, ConditionsOut, CriterionOut, ProductGroupOut, SuggestRequest,
                                 ThresholdOut)
from advisor.knowledge import knowledge
from advisor.model import Answer

router = APIRouter(prefix="/v1/criteria", tags=["criteria"])


@router.get("", response_model=CatalogueOut)
def catalogue() -> CatalogueOut:
    """The criteria catalogue, the framework's product groups and threshold, and the legal-basis cards."""
    kb = knowledge()
    return CatalogueOut(
        criteria=[CriterionOut(
            id=c.id, title_nl=c.title_nl, title_en=c.title_en, applies_to=list(c.applies_to),
            conditions=ConditionsOut(value=c.value, framework_agreement=c.framework_agreement or None,
                                     jurisdiction=c.jurisdiction, framework_only=c.framework_only or None),
            legal_basis={k: list(v) for k, v in c.legal_basis.items()}, why_nl=c.why_nl, why_en=c.why_en,
            draft_clause_nl=c.draft_clause_nl, evidence=list(c.evidence), place=c.place, level=c.level,
            level_evidence=c.level_evidence) for c in kb.criteria.values()],
        product_groups=[ProductGroupOut(id=g.id, name_nl=g.name_nl, name_en=g.name_en, ambitions=list(g.ambitions),
                                        reservation_priority=g.reservation_priority)
                        for g in kb.product_groups.values()],
        threshold=ThresholdOut(amount_eur=kb.threshold.amount_eur, as_of=kb.threshold.as_of,
                               source=kb.threshold.source),
        legal_basis=list(kb.legal.values()))


@router.post("/suggest", response_model=Answer, responses={422: {"model": Problem}})
def suggest(body: SuggestRequest, advisor: AdvisorDep) -> Answer:
    """The ranked criteria menu (and with `reservation: true` the verdict) for a structured intake."""
    fields = body.model_dump(exclude={"language", "reservation"})
    return advisor.suggest(fields, body.language, body.reservation)
