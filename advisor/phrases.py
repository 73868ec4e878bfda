"""The one loader and renderer of the templates in prompts/: the answers' phrases and the LLM prompts.

Each file is checked when it is first read: a table per language (nl, en) with the same keys, and
each template uses only the placeholders the program fills (for the LLM prompts: exactly them).
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from pathlib import Path

from advisor.errors import ConfigError
from advisor.package_data import folder

PROMPTS = folder("advisor.prompts")  # prompts/ of the repository, installed as package data
LANGUAGES = ("nl", "en")
PLACEHOLDERS = {"group", "ambitions", "value", "threshold", "fields", "cards", "assumption", "text", "title", "why",
                "source", "level"}
# Per file, what its templates may use: a set (any of them, in any key), or per key the exact set
# (then the file has exactly those keys).
RULES: dict[str, set[str] | dict[str, set[str]]] = {
    "advice": PLACEHOLDERS,
    "answer": {"terms", "label", "value", "count", "side", "topics"},
    "llm": {"system": set(), "answer": {"question", "passages", "context"}, "context_advice": {"advice"}},
}


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@lru_cache
def phrases(name: str = "advice", directory: Path = PROMPTS) -> dict[str, dict[str, str]]:
    """The templates of prompts/<name>.toml, one table per language, validated."""
    if name not in RULES:
        raise ConfigError(f"no rules for template file {name!r}; known: {', '.join(RULES)}")
    rule = RULES[name]
    path = directory / f"{name}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if sorted(data) != sorted(LANGUAGES):
        raise ConfigError(f"{path}: needs exactly the tables {list(LANGUAGES)}, has {sorted(data)}")
    reference = set(rule) if isinstance(rule, dict) else set(data[LANGUAGES[0]])
    for language in LANGUAGES:
        table = data[language]
        if set(table) != reference:
            raise ConfigError(f"{path}: [{language}] differs from the expected keys in {sorted(set(table) ^ reference)}")
        for key, template in table.items():
            used = _placeholders(template)
            if isinstance(rule, dict) and used != rule[key]:
                raise ConfigError(f"{path}: [{language}] {key} uses {sorted(used)}, expected {sorted(rule[key])}")
            if not isinstance(rule, dict) and used - rule:
                raise ConfigError(f"{path}: [{language}] {key} uses unknown placeholders {sorted(used - rule)}")
    return data


def render(name: str, language: str, key: str, **values) -> str:
    """A filled template; a placeholder the template needs but was not given raises."""
    template = phrases(name)[language][key]
    try:
        return template.format(**values)
    except KeyError as exc:
        raise ConfigError(f"prompts/{name}.toml [{language}] {key}: no value for {exc}") from None


def say(language: str, key: str, **values) -> str:
    """A filled phrase of the advisory answer (prompts/advice.toml)."""
    return render("advice", language, key, **values)
