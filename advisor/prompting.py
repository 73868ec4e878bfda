"""LLM prompts from prompts/llm.toml (loaded and validated by advisor.phrases), filled with passages."""

from __future__ import annotations

from advisor.phrases import phrases, render as fill


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at the last sentence end when there is one."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(". "), head.rfind(".\n"), head.rfind("? "), head.rfind("! "))
    return head[:end + 1] if end >= limit // 3 else head.rsplit(" ", 1)[0]


def render(language: str, question: str, passages: list[str], advice: str | None) -> list[dict]:
    numbered = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(passages, start=1))
    context = fill("llm", language, "context_advice", advice=advice) if advice else ""
    return [{"role": "system", "content": phrases("llm")[language]["system"]},
            {"role": "user", "content": fill("llm", language, "answer", question=question, passages=numbered,
                                             context=context)}]
