"""Load and validate golden sets: JSONL files, one question per line.

Fields: id, suite, split (dev|test), language (nl|en), question, evidence [{doc_id, anchor}]
(any one of them counts as found; the anchor is a verbatim string of the document), facts
(a list of alternatives lists: each inner list is one fact, any alternative satisfies it),
refuse (bool).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
FIELDS = {"id", "suite", "split", "language", "question", "evidence", "facts", "refuse", "history",
          "verdict", "criteria"}


@dataclass(frozen=True)
class GoldenItem:
    id: str
    suite: str
    split: str
    language: str
    question: str
    evidence: list[dict] = field(default_factory=list)
    facts: list[list[str]] = field(default_factory=list)
    refuse: bool = False
    history: list[dict] = field(default_factory=list)
    verdict: str | None = None
    criteria: list[str] = field(default_factory=list)


def load(path: Path | None = None, split: str | None = None, suite: str | None = None) -> list[GoldenItem]:
    paths = [path] if path else sorted(GOLDEN_DIR.glob("*.jsonl"))
    items = []
    for p in paths:
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            data = json.loads(line)
            unknown = set(data) - FIELDS
            if unknown:
                raise ValueError(f"{p}:{n}: unknown fields {sorted(unknown)}; allowed: {sorted(FIELDS)}")
            if data.get("split") not in {"dev", "test"}:
                raise ValueError(f"{p}:{n}: split must be 'dev' or 'test', got {data.get('split')!r}")
            items.append(GoldenItem(**data))
    return [i for i in items if (split is None or i.split == split) and (suite is None or i.suite == suite)]
