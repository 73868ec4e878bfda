"""Load and validate golden sets: JSONL files, one question per line.

Fields: id, suite, split (dev|test), language (nl|en), question, history (earlier turns),
evidence [{doc_id, anchor}] (the anchor is a verbatim string of the document), evidence_mode
("any": one entry suffices, "all": every entry must be found), facts (a list of alternatives
lists: each inner list is one fact, any alternative satisfies it), refuse (bool), verdict
(acceptable verdicts), criteria (expected criteria ids), forbidden (strings the answer must not
contain).
"""

from __future__ import annotations

import json
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from advisor.package_data import folder

GOLDEN_DIR = folder("evals") / "golden"
FIELDS = {"id", "suite", "split", "language", "question", "evidence", "evidence_mode", "facts", "refuse",
          "history", "verdict", "criteria", "forbidden"}
SUITES = {"facts", "advice", "multi", "refusal", "adversarial", "followup", "language"}


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
    evidence_mode: str = "any"
    verdict: list[str] | None = None
    criteria: list[str] | None = None
    forbidden: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict]:
    """Every non-blank line of a JSONL file as an object; a line that is not one raises, naming it."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: invalid JSON: {exc}") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path}:{n}: not a JSON object")
        rows.append(row)
    return rows


def load(path: Path | None = None, split: str | None = None, suite: str | list[str] | None = None) -> list[GoldenItem]:
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
            if data.get("suite") not in SUITES:
                raise ValueError(f"{p}:{n}: suite must be one of {sorted(SUITES)}, got {data.get('suite')!r}")
            if data.get("evidence_mode", "any") not in {"any", "all"}:
                raise ValueError(f"{p}:{n}: evidence_mode must be 'any' or 'all'")
            items.append(GoldenItem(**data))
    ids = [i.id for i in items]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate golden ids: {sorted(duplicates)}")
    suites = {suite} if isinstance(suite, str) else set(suite or ())
    return [i for i in items if (split is None or i.split == split) and (not suites or i.suite in suites)]


@contextmanager
def bundled_advisor():
    """An advisor over the bundled corpus, ingested into a temporary data folder for the run."""
    from advisor.config import BUNDLED_CORPUS, load_settings
    from advisor.core import Advisor
    from ingest.pipeline import ingest

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        ingest([BUNDLED_CORPUS], settings)
        yield Advisor(settings)
