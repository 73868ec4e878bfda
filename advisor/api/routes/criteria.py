from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from advisor.api.deps import AdvisorDep
from advisor.api.schemas import AskResponse, CatalogueOut, Problem, SuggestRequest
from advisor.knowledge import knowledge

router = APIRouter(prefix="/v1/criteria", tags=["criteria"])


@router.get("", response_model=CatalogueOut)
def catalogue() -> dict:
    """The criteria catalogue, the framework's product groups and threshold, and the legal-basis cards."""
    kb = knowledge()
    return {
        "criteria": [{"id": c.id, "title_nl": c.title_nl, "title_en": c.title_en, "applies_to": list(c.applies_to),
                      "conditions": {k: v for k, v in {"value": c.value, "framework_agreement": c.framework_agreement,
                                                       "jurisdiction": c.jurisdiction,
                                                       "framework_only": c.framework_only or None}.items() if v},
                      "legal_basis": {k: list(v) for k, v in c.legal_basis.items()}, "why_nl": c.why_nl,
                      "why_en": c.why_en, "draft_clause_nl": c.draft_clause_nl,
                      "evidence": [asdict(e) for e in c.evidence]} for c in kb.criteria.values()],
        "product_groups": [{"id": g.id, "name_nl": g.name_nl, "name_en": g.name_en, "ambitions": list(g.ambitions),
                            "reservation_priority": g.reservation_priority} for g in kb.product_groups.values()],
        "threshold": {"amount_eur": kb.threshold.amount_eur, "as_of": kb.threshold.as_of, "source": kb.threshold.source},
        "legal_basis": [asdict(card) for card in kb.legal.values()],
    }


@router.post("/suggest", response_model=AskResponse, responses={422: {"model": Problem}})
def suggest(body: SuggestRequest, advisor: AdvisorDep) -> dict:
    """The ranked criteria menu (and with `reservation: true` the verdict) for a structured intake."""
    fields = body.model_dump(exclude={"language", "reservation"})
    return advisor.suggest(fields, body.language, body.reservation).to_dict()
