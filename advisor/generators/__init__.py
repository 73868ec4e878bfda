"""Answer generators: one protocol, one module per backend, chosen by ADVISOR_GENERATOR.

`extractive` (the default) needs no model: the advisor composes answers from source sentences.
An LLM backend only writes prose from numbered passages; what it writes is validated before
anyone sees it, and the extractive answer stands in whenever it fails (see advisor.llm).
Adding a backend: one module with a class that has `name` and `generate`, and a registry line.
"""

from __future__ import annotations

from typing import Protocol

from advisor.errors import ConfigError


class Generator(Protocol):
    name: str

    def generate(self, messages: list[dict], timeout_s: float) -> str:
        """The model's reply to chat messages ({role: system|user|assistant, content}); raises on failure."""
        ...


def _openai(settings):
    from advisor.generators.openai_backend import OpenAIGenerator

    return OpenAIGenerator(settings)


def _ollama(settings):
    from advisor.generators.ollama_backend import OllamaGenerator

    return OllamaGenerator(settings)


GENERATORS = {"extractive": None, "openai": _openai, "ollama": _ollama}


def get_generator(settings) -> Generator | None:
    name = settings.generator
    if name not in GENERATORS:
        raise ConfigError(f"unknown generator {name!r}; use one of {', '.join(GENERATORS)}")
    factory = GENERATORS[name]
    return factory(settings) if factory else None


def to_langchain(messages: list[dict]):
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]
