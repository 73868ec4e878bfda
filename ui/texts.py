"""Interface texts from texts.toml, checked: both languages have the same keys."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from advisor.package_data import read_text

LANGUAGES = ("nl", "en")


@lru_cache
def texts() -> dict[str, dict[str, str]]:
    path = "ui/texts.toml"
    data = tomllib.loads(read_text("ui", "texts.toml"))
    if set(data) != set(LANGUAGES):
        raise ValueError(f"{path}: expected tables {LANGUAGES}, got {sorted(data)}")
    if set(data["nl"]) != set(data["en"]):
        raise ValueError(f"{path}: [nl] and [en] differ in {sorted(set(data['nl']) ^ set(data['en']))}")
    return data


def t(language: str, key: str, **values) -> str:
    text = texts()[language if language in LANGUAGES else "nl"][key]
    return text.format(**values) if values else text
