"""LLM prompts from prompts/llm.toml, validated: each template uses exactly its placeholders."""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from importlib.abc import Traversable

from advisor.errors import ConfigError
from advisor.package_data import file

REQUIRED = {"system": set(), "answer": {"question", "passages", "context"}, "context_advice": {"advice"}}


@lru_cache
def prompts(path: Traversable = file("advisor.prompts", "llm.toml")) -> dict[str, dict[str, str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for language in ("nl", "en"):
        table = data.get(language)
        if table is None or set(table) != set(REQUIRED):
            raise ConfigError(f"{path}: [{language}] must have exactly the keys {sorted(REQUIRED)}")
        for key, needed in REQUIRED.items():
            used = {f for _, f, _, _ in string.Formatter().parse(table[key]) if f}
            if used != needed:
                raise ConfigError(f"{path}: [{language}] {key} uses {sorted(used)}, expected {sorted(needed)}")
    return data


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at the last sentence end when there is one."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(". "), head.rfind(".\n"), head.rfind("? "), head.rfind("! "))
    return head[:end + 1] if end >= limit // 3 else head.rsplit(" ", 1)[0]


def render(language: str, question: str, passages: list[str], advice: str | None) -> list[dict]:
    p = prompts()[language]
    numbered = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(passages, start=1))
    context = p["context_advice"].format(advice=advice) if advice else ""
    return [{"role": "system", "content": p["system"]},
            {"role": "user", "content": p["answer"].format(question=question, passages=numbered, context=context)}]
