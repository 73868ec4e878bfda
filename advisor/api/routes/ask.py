from __future__ import annotations

from fastapi import APIRouter

from advisor.api.deps import AdvisorDep
from advisor.api.schemas import AskRequest, AskResponse, Problem

router = APIRouter(prefix="/v1", tags=["ask"])


@router.post("/ask", response_model=AskResponse,
             responses={422: {"model": Problem}, 413: {"model": Problem}, 503: {"model": Problem}})
def ask(body: AskRequest, advisor: AdvisorDep) -> dict:
    """Answer a question with numbered citations to verbatim passages (or a refusal)."""
    history = [m.model_dump() for m in body.history]
    explicit = body.intake.model_dump(exclude_none=True) if body.intake else None
    return advisor.ask(body.question, history, explicit or None).to_dict()
