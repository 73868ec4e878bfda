"""A local Ollama server via langchain-ollama."""

from __future__ import annotations

from advisor.errors import BackendTimeout, ConfigError
from advisor.generators import to_langchain


class OllamaGenerator:
    name = "ollama"

    def __init__(self, settings):
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise ConfigError("generator 'ollama' needs langchain-ollama: pip install langchain-ollama") from exc
        self._model = ChatOllama(base_url=settings.llm_base_url, model=settings.llm_model, temperature=0.2,
                                 num_predict=settings.llm_max_tokens,
                                 client_kwargs={"timeout": settings.llm_timeout_s})

    def generate(self, messages: list[dict], timeout_s: float) -> str:
        import httpx  # the ollama client's transport

        try:
            reply = self._model.invoke(to_langchain(messages))
        except httpx.TimeoutException as exc:
            raise BackendTimeout.after(timeout_s, exc) from None
        return reply.content if isinstance(reply.content, str) else str(reply.content)
