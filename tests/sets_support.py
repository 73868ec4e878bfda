"""What the checks of the hand-written evaluation sets (evals/sets/) share: reading a JSONL set and
the corpus documents it quotes. Only files are read; the advisor is never imported."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "evals" / "sets"
MANIFEST = ROOT / "corpus" / "manifest.toml"


def load_jsonl(path: Path) -> list[dict]:
    """Every non-blank line as a JSON object; a line that is not one fails the test, naming it."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - reported as a failure
            pytest.fail(f"{path.name}:{number}: invalid JSON: {exc}")
        assert isinstance(row, dict), f"{path.name}:{number}: not a JSON object"
        rows.append(row)
    return rows


def corpus_documents() -> dict[str, str]:
    """The bundled documents' texts by id, as the manifest lists them."""
    manifest = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))
    return {d["id"]: (MANIFEST.parent / d["file"]).read_text(encoding="utf-8") for d in manifest["documents"]}
