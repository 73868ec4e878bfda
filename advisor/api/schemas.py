"""Request schemas of the HTTP API, and the responses that are not the answer contract.

Answers, citations, verdicts, criteria, intakes and search hits are advisor.model's types,
the same objects the core returns; problem documents are advisor.api.errors.Problem."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from advisor.knowledge import Evidence, LegalCard
from advisor.model import Answer, Hit, Level, Place



def sse_content(events: list[str], data: str) -> dict:
    """The OpenAPI content of a Server-Sent Events reply (with `stream: true`): the schema of one event."""
    return {"text/event-stream": {"schema": {
        "type": "object", "required": ["data"], "description": "One Server-Sent Event.",
        "properties": {"event": {"type": "string", "enum": events}, "data": {"type": "string", "description": data}}}}}


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


class ConditionsOut(BaseModel):
    """When a criterion applies, beyond its product groups; null means no condition."""
    value: Literal["above", "below"] | None = Field(None, description="Only above / below the European threshold.")
    framework_agreement: bool | None = Field(None, description="Only for framework agreements.")
    jurisdiction: Literal["be", "nl"] | None = None
    framework_only: bool | None = Field(None, description="Only under the regional framework's jurisdiction.")


class CriterionOut(BaseModel):
    id: str
    title_nl: str
    title_en: str
    applies_to: list[str] = Field(description="Product-group ids or ambitions; * for every group.")
    conditions: ConditionsOut
    legal_basis: dict[str, list[str]] = Field(description="Legal-basis card ids per jurisdiction (be, nl).")
    why_nl: str
    why_en: str
    draft_clause_nl: dict[str, str] = Field(description="The draft clause per jurisdiction (be, nl).")
    evidence: list[Evidence] = Field(description="Where the corpus supports it: a document and an anchor text "
                                                 "(the citation is cut around it; with `through`, the span from "
                                                 "the anchor to that second text, a list or table whole).")
    place: Place | None = Field(None, description="Where it goes in the tender: reservation, subject, selection, "
                                                  "specification, award or performance.")
    level: Level | None = Field(None, description="Ambition level (basis, significant, ambitious) where a source "
                                                  "supports one; null otherwise.")
    level_evidence: Evidence | None = Field(None, description="The source of the level.")


class ProductGroupOut(BaseModel):
    id: str
    name_nl: str
    name_en: str
    ambitions: list[str]
    reservation_priority: bool


class ThresholdOut(BaseModel):
    amount_eur: float = Field(description="The European threshold for the contracts concerned, in euro.")
    as_of: str
    source: str


class CatalogueOut(BaseModel):
    criteria: list[CriterionOut]
    product_groups: list[ProductGroupOut]
    threshold: ThresholdOut
    legal_basis: list[LegalCard] = Field(description="The legal-basis cards (legislation named, never quoted).")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"query": "percelen sociale economie", "k": 3}]})
    query: PlainText = Field(min_length=1)
    k: int = Field(5, ge=1, le=50)


class SearchResponse(BaseModel):
    query: str
    passages: list[Hit] = Field(description="Best first.")


class PassagePosition(BaseModel):
    id: str
    page: int | None
    section: str
    start: int
    end: int


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
    passages: int = Field(description="How many passages the document has.")
    passage_list: list[PassagePosition] | None = Field(None, description="Its passages, in order (one document).")
    text: str | None = Field(None, description="The source text, with include_text=true; citations' start/end "
                                              "are offsets into it.")


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


class IngestFailure(BaseModel):
    path: str
    error: str


class IngestWarning(BaseModel):
    doc_id: str
    warning: str


class IngestReportOut(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    failed: list[IngestFailure]
    warnings: list[IngestWarning]
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


class ContentPart(BaseModel):
    """One part of a message's content, as OpenAI sends it; only text parts are read."""
    model_config = ConfigDict(extra="allow")
    type: str = "text"
    text: str | None = None


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[ContentPart] | None = None

    @field_validator("content", mode="before")
    @classmethod
    def _parts_have_text(cls, value):
        """One clear error per malformed part (a `text` that is a number, a part that is not an
        object), instead of an error for every branch of the union."""
        if isinstance(value, list):
            for n, part in enumerate(value):
                if not isinstance(part, dict):
                    raise ValueError(f"part {n} must be an object like {{\"type\": \"text\", \"text\": \"…\"}}")
                if part.get("text") is not None and not isinstance(part["text"], str):
                    raise ValueError(f"part {n}: `text` must be a string, not {type(part['text']).__name__}")
        return value

    @field_validator("content")
    @classmethod
    def _plain(cls, value):
        texts = [value] if isinstance(value, str) else [p.text for p in value or []]
        for text in texts:
            if isinstance(text, str):
                plain_text(text)
        return value

    def text(self) -> str:
        """The message's text: its string, or its text parts joined."""
        if isinstance(self.content, list):
            return " ".join(p.text for p in self.content if p.text)
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI-compatible chat completion request; sampling parameters are accepted and ignored."""
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": "social-procurement-advisor", "messages": [{"role": "user", "content": "Wat is social return?"}]}]})
    model: str = "social-procurement-advisor"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class ChatReply(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer with its [n] markers, then the sources (Bronnen / Sources).")


class ChatChoice(BaseModel):
    index: int = 0
    finish_reason: Literal["stop"] = "stop"
    message: ChatReply


class Usage(BaseModel):
    """Always zero: the extractive advisor counts no tokens."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    """An OpenAI chat completion, with the structured answer in the extra field `advisor`."""
    id: str = Field(description="chatcmpl- and the answer id.")
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage = Field(default_factory=Usage)
    advisor: Answer = Field(description="The structured answer: citations, verdict, criteria, intake. When "
                                        "streaming it rides on the last chunk.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "advisor"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


PAGE_DESCRIPTION = ("The chat page at /: built after the API starts serving (importing Gradio takes seconds), so "
                    "\"starting\" for a few seconds, then \"ready\"; \"failed\" when it could not be built (the "
                    "server log says why), \"off\" when it is not served. The API does not wait for it.")
PageStatus = Literal["starting", "ready", "failed", "off"]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    index_loaded: bool
    passages: int | None = Field(None, description="Passages in the loaded index.")
    documents: int | None = Field(None, description="Documents in the loaded index.")
    page: PageStatus = Field("off", description=PAGE_DESCRIPTION)


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    passages: int
    page: PageStatus = Field("off", description=PAGE_DESCRIPTION)


class NotReady(BaseModel):
    status: Literal["not ready"] = "not ready"
    detail: str = Field(description="Why: the index is missing or the probe query found nothing.")
