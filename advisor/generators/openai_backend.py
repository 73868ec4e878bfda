"""Any OpenAI-compatible server (OpenAI, Azure OpenAI, vLLM, llama.cpp's server) via langchain-openai."""

from __future__ import annotations

from advisor.errors import BackendTimeout, ConfigError
from advisor.generators import to_langchain


class OpenAIGenerator:
    name = "openai"

    def __init__(self, settings):
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ConfigError("generator 'openai' needs langchain-openai: pip install langchain-openai") from exc
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        # langchain-openai sends its max_tokens as 'max_completion_tokens', which llama.cpp's server
        # ignores (it then writes until the context is full); send the limit under the name the
        # server reads instead
        self._model = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model, api_key=key,
                                 timeout=settings.llm_timeout_s, max_retries=0, temperature=0.2,
                                 extra_body={settings.llm_token_param: settings.llm_max_tokens})
        self.last_usage: dict | None = None

    def generate(self, messages: list[dict], timeout_s: float) -> str:
        # a reply cut at the token limit is returned as is: the validator keeps its complete,
        # supported sentences or rejects it
        from openai import APITimeoutError  # installed with langchain-openai

        try:
            reply = self._model.invoke(to_langchain(messages), config={"timeout": timeout_s})
        except APITimeoutError as exc:
            raise BackendTimeout.after(timeout_s, exc) from None
        self.last_usage = dict(reply.usage_metadata or {})
        return reply.content if isinstance(reply.content, str) else str(reply.content)
