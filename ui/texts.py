"""Interface texts from texts.toml, checked: both languages have the same keys."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("nl", "en")


@lru_cache
def texts() -> dict[str, dict[str, str]]:
    path = Path(__file__).with_name("texts.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if set(data) != set(LANGUAGES):
        raise ValueError(f"{path}: expected tables {LANGUAGES}, got {sorted(data)}")
    if set(data["nl"]) != set(data["en"]):
        raise ValueError(f"{path}: [nl] and [en] differ in {sorted(set(data['nl']) ^ set(data['en']))}")
    return data


def t(language: str, key: str, **values) -> str:
    text = texts()[language if language in LANGUAGES else "nl"][key]
    return text.format(**values) if values else text
