"""Request and response schemas of the HTTP API (kept apart from the core's dataclasses)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "Mag ik deze schoonmaakopdracht voorbehouden aan de sociale economie?"},
        {"question": "en als het 200.000 euro is?", "history": [
            {"role": "user", "content": "Mag ik een schoonmaakopdracht van 80.000 euro voorbehouden?"},
            {"role": "assistant", "content": "…"}]},
    ]})
    question: str = Field(min_length=1, description="The buyer's question, in Dutch or English.")
    history: list[Message] = Field(default_factory=list, max_length=50,
                                   description="Earlier turns of the conversation, oldest first.")


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    page: int | None
    section: str
    quote: str = Field(description="Verbatim: an exact substring of the source document's text.")
    text: str = Field(description="The whole passage the quote comes from.")
    url: str | None
    passage_id: str


class AskResponse(BaseModel):
    answer: str
    language: Literal["nl", "en"]
    refused: bool
    citations: list[CitationOut]
    criteria: list[dict]
    verdict: dict | None
    intake: dict | None
    timings_ms: dict[str, float]
    refusal_reason: str | None = None
    coverage: float | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None
