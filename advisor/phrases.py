"""Load the phrase templates in prompts/ and check them: same keys in every language, and each
phrase uses only the placeholders the engine fills."""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from pathlib import Path

from advisor.errors import ConfigError
from advisor.package_data import folder

PROMPTS = folder("advisor.prompts")  # prompts/ of the repository, installed as package data
PLACEHOLDERS = {"group", "ambitions", "value", "threshold", "fields", "cards", "assumption", "text", "title", "why"}


@lru_cache
def phrases(name: str = "advice", directory: Path = PROMPTS) -> dict[str, dict[str, str]]:
    path = directory / f"{name}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    languages = sorted(data)
    keys = {lang: set(data[lang]) for lang in languages}
    reference = keys[languages[0]]
    for lang in languages:
        if keys[lang] != reference:
            raise ConfigError(f"{path}: [{lang}] differs from [{languages[0]}] in keys "
                              f"{sorted(keys[lang] ^ reference)}")
        for key, template in data[lang].items():
            used = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            if used - PLACEHOLDERS:
                raise ConfigError(f"{path}: [{lang}] {key} uses unknown placeholders {sorted(used - PLACEHOLDERS)}")
    return data


def say(language: str, key: str, **values) -> str:
    """A filled phrase; a placeholder the phrase needs but was not given raises."""
    template = phrases()[language][key]
    try:
        return template.format(**values)
    except KeyError as exc:
        raise ConfigError(f"prompts/advice.toml [{language}] {key}: no value for {exc}") from None
