from __future__ import annotations

from fastapi import APIRouter

from advisor.api.deps import StateDep
from advisor.api.errors import Problem
from advisor.api.schemas import FeedbackIn, FeedbackOut

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses={422: {"model": Problem}})
def feedback(body: FeedbackIn, state: StateDep) -> FeedbackOut:
    """Thumbs up or down on an answer, with an optional comment (stored in SQLite in the data dir)."""
    row = state.record_feedback(body.answer_id, 1 if body.rating == "up" else -1, body.comment)
    return FeedbackOut(id=row, answer_id=body.answer_id, stored=True)
