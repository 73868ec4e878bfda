"""Request and response schemas of the HTTP API (kept apart from the core's dataclasses)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def plain_text(value: str) -> str:
    """Refuse NUL bytes, other control characters and unpaired surrogates: no question has them,
    and they break what stores or shows the text later (feedback export, logs, terminals)."""
    found = _NOT_TEXT.search(value)
    if found:
        raise ValueError(f"contains the control character U+{ord(found.group()):04X} at position {found.start()}; "
                         "send plain text (tabs and line breaks are fine)")
    return value


PlainText = Annotated[str, AfterValidator(plain_text)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: PlainText = Field(max_length=20000)


class IntakeIn(BaseModel):
    """Contract details sent explicitly; they win over what the question text says."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"product_group": "cleaning", "value_eur": 80000, "duration_months": 24, "framework_agreement": False}]})
    product_group: str | None = Field(None, description="A product-group id from GET /v1/criteria.")
    value_eur: float | None = Field(None, ge=0, le=1e11)
    duration_months: int | None = Field(None, ge=1, le=240)
    framework_agreement: bool | None = None
    lots: bool | None = None
    jurisdiction: Literal["be", "nl"] | None = None
    non_eu_products: bool | None = None

    @field_validator("product_group")
    @classmethod
    def _known_group(cls, value):
        from advisor.knowledge import knowledge

        groups = knowledge().product_groups
        if value is not None and value not in groups:
            raise ValueError(f"unknown product group {value!r}; known: {', '.join(groups)}")
        return value


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "Mag ik deze schoonmaakopdracht voorbehouden aan de sociale economie?"},
        {"question": "en als het 200.000 euro is?", "history": [
            {"role": "user", "content": "Mag ik een schoonmaakopdracht van 80.000 euro voorbehouden?"},
            {"role": "assistant", "content": "…"}]},
    ]})
    question: PlainText = Field(min_length=1, description="The buyer's question, in Dutch or English.")
    history: list[Message] = Field(default_factory=list, max_length=50,
                                   description="Earlier turns of the conversation, oldest first.")
    intake: IntakeIn | None = Field(None, description="Contract details; they win over the question text.")
    stream: bool = Field(False, description="Answer as Server-Sent Events (delta events, then a final event).")


class SuggestRequest(IntakeIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"product_group": "catering", "value_eur": 300000, "framework_agreement": True, "language": "nl"}]})
    language: Literal["nl", "en"] = "nl"
    reservation: bool = Field(False, description="Also give the reservation verdict.")


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
    answer_id: str = Field(description="Send it with POST /v1/feedback.")
    generator: str = Field("extractive", description="Who wrote the prose: extractive, openai, ollama, or "
                           "extractive-fallback when an LLM reply failed validation or the backend failed.")
    fallback_reason: str | None = None
    validation: dict | None = Field(None, description="For LLM answers: removed_markers, dropped_statements.")
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


class CriterionOut(BaseModel):
    id: str
    title_nl: str
    title_en: str
    applies_to: list[str]
    conditions: dict
    legal_basis: dict[str, list[str]]
    why_nl: str
    why_en: str
    draft_clause_nl: dict[str, str]
    evidence: list[dict]


class ProductGroupOut(BaseModel):
    id: str
    name_nl: str
    name_en: str
    ambitions: list[str]
    reservation_priority: bool


class CatalogueOut(BaseModel):
    criteria: list[CriterionOut]
    product_groups: list[ProductGroupOut]
    threshold: dict
    legal_basis: list[dict]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"query": "percelen sociale economie", "k": 3}]})
    query: PlainText = Field(min_length=1)
    k: int = Field(5, ge=1, le=50)


class PassageHit(BaseModel):
    id: str
    doc_id: str
    title: str
    page: int | None
    section: str
    url: str | None
    text: str
    score: float
    lexical_rank: int | None
    lexical_score: float
    dense_rank: int | None
    dense_score: float


class SearchResponse(BaseModel):
    query: str
    passages: list[PassageHit]


class DocumentOut(BaseModel):
    id: str
    title: str | None
    publisher: str | None = None
    kind: str | None = None
    language: str | None = None
    jurisdiction: str | None = None
    date: str | None = None
    url: str | None = None
    format: str | None = None
    pages: int | None = None
    passages: int
    passage_list: list[dict] | None = None
    text: str | None = None


class PassageOut(BaseModel):
    id: str
    doc_id: str
    title: str
    page: int | None
    section: str
    start: int
    end: int
    text: str
    url: str | None
    previous_id: str | None
    next_id: str | None


class IngestReportOut(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    failed: list[dict]
    warnings: list[dict]
    passages: int
    embedded: int
    seconds: float


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"answer_id": "3f2c9a…", "rating": "down", "comment": "Het voorbeeld van Gent ontbreekt."}]})
    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: PlainText = Field("", max_length=5000)


class FeedbackOut(BaseModel):
    id: int
    answer_id: str
    stored: bool = True


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict] | None = None

    @field_validator("content")
    @classmethod
    def _plain(cls, value):
        texts = [value] if isinstance(value, str) else [p.get("text") for p in value or [] if isinstance(p, dict)]
        for text in texts:
            if isinstance(text, str):
                plain_text(text)
        return value


class ChatRequest(BaseModel):
    """OpenAI-compatible chat completion request; sampling parameters are accepted and ignored."""
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": "social-procurement-advisor", "messages": [{"role": "user", "content": "Wat is social return?"}]}]})
    model: str = "social-procurement-advisor"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
