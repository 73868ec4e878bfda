"""The one passage type that flows from ingest to answer."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Passage:
    """A chunk of one document.

    `text` is the verbatim slice `source_text[start:end]` of the document's extracted text, so any
    quote taken from it can be checked against the source. `index_text` is the same content with
    PDF line breaks repaired and page furniture dropped; it is what retrieval sees.
    """

    id: str
    doc_id: str
    title: str
    start: int
    end: int
    text: str
    index_text: str
    section: str = ""
    page: int | None = None
    url: str | None = None
    language: str = "nl"
    meta: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Passage":
        return cls(**data)


def passage_id(doc_id: str, text: str, occurrence: int = 0) -> str:
    """Content-addressed id: unchanged text from the same document keeps its id across ingests."""
    digest = hashlib.sha256(f"{doc_id}\0{text}\0{occurrence}".encode()).hexdigest()
    return digest[:20]
