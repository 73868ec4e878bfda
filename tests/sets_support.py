"""What the checks of the hand-written evaluation sets (evals/sets/) share: reading a JSONL set and
the corpus documents it quotes. Only files are read; the advisor is never run."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from evals.golden import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "evals" / "sets"
MANIFEST = ROOT / "corpus" / "manifest.toml"


def load_jsonl(path: Path) -> list[dict]:
    """Every non-blank line as a JSON object; a line that is not one fails the test, naming it."""
    try:
        return read_jsonl(path)
    except ValueError as exc:
        pytest.fail(str(exc))


def corpus_documents() -> dict[str, str]:
    """The bundled documents' texts by id, as the manifest lists them."""
    manifest = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))
    return {d["id"]: (MANIFEST.parent / d["file"]).read_text(encoding="utf-8") for d in manifest["documents"]}
