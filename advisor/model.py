"""The answer contract: what the advisor returns, as typed pydantic models.

The core builds these objects and every edge renders the same ones: the HTTP API (its OpenAPI
schema is generated from them), the OpenAI-compatible endpoint's `advisor` field, the CLI's
`--json`, the chat page and the LangChain runnable. This module imports nothing of the advisor,
so every layer can import it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer

if TYPE_CHECKING:
    from advisor.passage import Passage

Language = Literal["nl", "en"]
Reservable = Literal["yes", "conditional", "no", "unknown"]
Place = Literal["reservation", "subject", "selection", "specification", "award", "performance"]
Level = Literal["basis", "significant", "ambitious"]


class Citation(BaseModel):
    """A numbered source of the answer: a verbatim quote and the passage it comes from."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "n": 1, "doc_id": "brugge-aankopen-sociale-impact", "title": "Aankopen met sociale impact",
        "page": 12, "section": "Voorbehouden opdrachten", "quote": "Een opdracht kan voorbehouden worden aan ...",
        "text": "Een opdracht kan voorbehouden worden aan ... (the whole passage)", "url": None,
        "passage_id": "3f2c9a0d1e2b4c5d6e7f", "start": 20415, "end": 20510}]})

    n: int = Field(description="The number of the [n] markers in the answer text that cite it.", examples=[1])
    doc_id: str = Field(description="The document, as listed by GET /v1/documents.")
    title: str = Field(description="The document's title.")
    page: int | None = Field(None, description="The page the passage starts on (PDF documents).")
    section: str = Field("", description="The heading the passage sits under.")
    quote: str = Field(description="Verbatim: an exact substring of the source document's text.")
    text: str = Field(description="The whole passage the quote comes from.")
    url: str | None = Field(None, description="Where the document is published.")
    passage_id: str = Field(description="The passage, as served by GET /v1/passages/{passage_id}.")
    start: int = Field(description="Offset of the quote in the document's source text (GET /v1/documents/{doc_id}"
                                   "?include_text=true).")
    end: int = Field(description="Offset just after the quote: text[start:end] == quote.")
    _passage: Passage | None = PrivateAttr(None)

    @classmethod
    def of(cls, n: int, passage: Passage, quote: str, start: int, end: int) -> Citation:
        """Citation n of `quote`, the source text [start:end] inside `passage`."""
        citation = cls(n=n, doc_id=passage.doc_id, title=passage.title, page=passage.page, section=passage.section,
                       quote=quote, text=passage.text, url=passage.url, passage_id=passage.id, start=start, end=end)
        citation._passage = passage
        return citation

    @property
    def passage(self) -> Passage:
        """The cited passage (in-process only; over the wire it is the fields above)."""
        if self._passage is None:
            raise AttributeError("this citation was not built from a passage (Citation.of); use its fields")
        return self._passage

    def renumbered(self, n: int) -> Citation:
        return self.model_copy(update={"n": n})  # the private passage is copied too


class Reason(BaseModel):
    """One reason for the verdict, with the citations that support it."""
    text: str = Field(description="The reason, in the asker's language.",
                      examples=["Schoonmaak is een prioritaire productgroep voor voorbehouden opdrachten."])
    cites: list[int] = Field(description="Numbers of the citations that support it; empty for the project's own "
                                         "guidance, which names its `source` instead.", examples=[[1, 2]])
    source: str | None = Field(None, description="For the project's own guidance (no citations): the law or "
                                                 "official guide it rests on, named, never quoted.",
                               examples=["Aanbestedingswet 2012, artikel 2.82"])


class Verdict(BaseModel):
    """May this contract be reserved for the social economy?"""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reservable": "conditional",
        "reasons": [{"text": "Schoonmaak is een prioritaire productgroep.", "cites": [1]}],
        "checks": ["Is de opdracht van een aard die sociale-economiebedrijven kunnen uitvoeren?"]}]})

    reservable: Reservable = Field(description="yes, conditional (on the checks), no, or unknown (no product group).")
    reasons: list[Reason] = Field(default_factory=list, description="Why; each reason cites its sources.")
    checks: list[str] = Field(default_factory=list, description="What the buyer still has to check.")


class LegalBasis(BaseModel):
    """A legal-basis card: legislation named, never quoted."""
    id: str = Field(examples=["be_wet_2016_art15"])
    title: str = Field(description="The legislation, in the asker's language.",
                       examples=["Wet overheidsopdrachten 17 juni 2016, art. 15"])
    source: str = Field(description="Where the legislation is published.")


class Criterion(BaseModel):
    """An entry of the criteria menu: an instrument that fits the contract, with a draft clause."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "lots", "title": "Verdeling in percelen", "why": "Kleinere percelen maken deelname haalbaar.",
        "legal_basis": [{"id": "be_wet_2016_art58", "title": "Wet overheidsopdrachten, art. 58",
                         "source": "https://www.ejustice.just.fgov.be"}],
        "draft_clause": "Opdeling in percelen: de opdracht bestaat uit [n] percelen: ...", "cites": [2],
        "place": "subject", "level": None}]})

    id: str = Field(description="The criterion's id in the catalogue (GET /v1/criteria).")
    title: str = Field(description="Its name, in the asker's language.")
    why: str = Field(description="Why it fits this contract, in the asker's language.")
    legal_basis: list[LegalBasis] = Field(default_factory=list, description="The legislation it rests on.")
    draft_clause: str = Field(description="A clause to adapt for the tender documents (Dutch); not a quotation. "
                                          "It opens with its place in the tender.")
    cites: list[int] = Field(default_factory=list, description="Numbers of the citations that support it.")
    place: Place | None = Field(None, description="Where it goes in the tender, as the MVI / MVOO criteria tools "
                                "order criteria: reservation, subject (subject and lots of the contract), selection, "
                                "specification (technical specification / minimum requirement), award, performance "
                                "(contract performance clause).", examples=["performance"])
    level: Level | None = Field(None, description="Ambition level (basis, significant, ambitious) where a source "
                                "supports one; null otherwise.", examples=[None])


class Intake(BaseModel):
    """What the advisor understood about the contract (from the conversation and explicit fields)."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "product_group": "cleaning", "value_eur": 80000.0, "value_basis": "total", "duration_months": 24,
        "framework_agreement": None, "lots": None, "jurisdiction": "be", "jurisdiction_assumed": True,
        "non_eu_products": None, "other_groups": [], "product_groups": ["cleaning"], "product_group_name": "schoonmaak",
        "reservation_priority_group": True, "above_threshold": False, "threshold_eur": 143000.0,
        "missing": [], "carried": []}]})

    product_group: str | None = Field(None, description="A product-group id from GET /v1/criteria.")
    value_eur: float | None = Field(None, description="Estimated value in euro, excluding VAT.")
    value_basis: str | None = Field(None, description="How the value was given: total, per year, or "
                                                      "total (per year × duration).")
    duration_months: int | None = None
    framework_agreement: bool | None = None
    lots: bool | None = None
    jurisdiction: Literal["be", "nl"] | None = Field(None, description="be (Flemish/Belgian) or nl (Dutch) law.")
    jurisdiction_assumed: bool = Field(False, description="True when the jurisdiction was not said and be is assumed.")
    non_eu_products: bool | None = None
    other_groups: list[str] = Field(default_factory=list, description="Other product groups the contract covers "
                                                                       "(besides product_group).")
    product_groups: list[str] = Field(default_factory=list, description="Every product group the contract covers, "
                                      "product_group first: a contract of several groups (e.g. cleaning and green "
                                      "maintenance in two lots) lists each.")
    outside_purchase: str | None = Field(None, description="A purchase the buyer named that is in no product group "
                                                           "of the framework (e.g. legal advice), as written.")
    product_group_name: str | None = Field(None, description="The product group's Dutch name.")
    reservation_priority_group: bool | None = Field(None, description="Whether the framework gives the group "
                                                                      "priority for reservation.")
    above_threshold: bool | None = Field(None, description="Whether the value is above the European threshold.")
    threshold_eur: float = Field(description="The European threshold the value is compared with.")
    missing: list[str] = Field(default_factory=list, description="Fields the advisor would like to know.")
    carried: list[str] = Field(default_factory=list, description="Fields taken from earlier turns of the "
                                                                 "conversation (the current question left them open).")


class Validation(BaseModel):
    """What the validator removed from an LLM reply before anyone saw it."""
    removed_markers: int = Field(description="Citation markers that named no given passage or one that does not "
                                             "support the statement.")
    dropped_statements: int = Field(description="Statements without support, or written at the assistant.")


class Timings(BaseModel):
    """Milliseconds per stage; a stage the answer did not go through is null."""
    retrieve: float | None = None
    compose: float | None = None
    generate: float | None = None
    total: float | None = None

    def stages(self) -> dict[str, float]:
        """The stages that ran, by name."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Answer(BaseModel):
    """A grounded answer: text with [n] markers, the citations, and for advice questions the verdict,
    criteria menu and intake."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "answer_id": "9b1f0c6d2e3a4b5c8d7e6f5a4b3c2d1e", "generator": "extractive", "fallback_reason": None,
        "validation": None, "answer": "Social return is ... [1]", "language": "nl", "refused": False,
        "citations": [Citation.model_config["json_schema_extra"]["examples"][0]], "criteria": [],
        "verdict": None, "intake": None, "timings_ms": {"retrieve": 3.1, "compose": 4.2, "generate": None,
                                                        "total": 7.5},
        "refusal_reason": None, "coverage": 0.8}]})

    answer_id: str = Field(default_factory=lambda: uuid.uuid4().hex, description="Send it with POST /v1/feedback.")
    generator: str = Field("extractive", description="Who wrote the prose: extractive, openai, ollama, or "
                           "extractive-fallback when an LLM reply failed validation or the backend failed.")
    fallback_reason: str | None = Field(None, description="Why the LLM's reply was not used: 'validation: …', "
                                                          "'timeout: …' or 'backend error: …'.")
    validation: Validation | None = Field(None, description="For LLM answers: what the validator removed.")
    answer: str = Field(description="The answer, with [n] markers pointing at `citations`.")
    language: Language = Field(description="The asker's language; the answer is in it.")
    refused: bool = Field(description="True when the sources do not cover the question (see refusal_reason).")
    citations: list[Citation] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list, description="The criteria menu (advice questions).")
    verdict: Verdict | None = Field(None, description="The reservation verdict (reservation questions).")
    intake: Intake | None = Field(None, description="What the advisor understood about the contract.")
    timings_ms: Timings = Field(default_factory=Timings)
    refusal_reason: str | None = Field(None, examples=["not covered by the sources"])
    coverage: float | None = Field(None, description="Share of the question's concepts the best passages cover.")
    nearby: list[str] = Field(default_factory=list, description="For a refusal: what the sources cover close to "
                              "the question (titles and sections of the closest passages; names, not quotes).")
    suggestions: list[str] = Field(default_factory=list, description="For a refusal: questions the advisor can "
                                   "answer from its sources, closest to the one asked first.")

    @field_serializer("coverage")
    def _rounded(self, value: float | None) -> float | None:
        return None if value is None else round(value, 3)


class Hit(BaseModel):
    """A passage found by retrieval, with its fused score and the rankings it was fused from."""
    id: str = Field(description="The passage id (GET /v1/passages/{id}).")
    doc_id: str
    title: str
    page: int | None = None
    section: str = ""
    url: str | None = None
    text: str
    score: float = Field(description="Weighted reciprocal-rank fusion of the rankings below.")
    lexical_rank: int | None = Field(None, description="1-based BM25 rank; null when BM25 did not find it.")
    lexical_score: float = 0.0
    dense_rank: int | None = Field(None, description="1-based embedding rank; null without an embedder.")
    dense_score: float = 0.0
