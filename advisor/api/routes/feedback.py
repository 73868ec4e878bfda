from __future__ import annotations

from fastapi import APIRouter

from advisor.api.deps import StateDep
from advisor.api.schemas import FeedbackIn, FeedbackOut, Problem

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses={422: {"model": Problem}})
def feedback(body: FeedbackIn, state: StateDep) -> dict:
    """Thumbs up or down on an answer, with an optional comment (stored in SQLite in the data dir)."""
    known = state.answers.get(body.answer_id)
    question, answer = known if known else (None, None)
    row = state.feedback.add(body.answer_id, 1 if body.rating == "up" else -1, body.comment, question, answer)
    return {"id": row, "answer_id": body.answer_id, "stored": True}
