"""Chroma, embedded and persistent in the data directory. Vectors are computed by our embedder."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np

from advisor.errors import RetrievalError


def collection_name(embedder_name: str) -> str:
    """One collection per embedder, so switching embedders never mixes vector spaces. Not the document
    slug rule (ingest.sources.slug) on purpose: this name is a storage key, and a new rule would orphan
    the vectors of every existing store built with a local model path."""
    slug = re.sub(r"[^a-zA-Z0-9._-]", "-", embedder_name)[:40].strip("-._") or "model"
    digest = hashlib.sha256(embedder_name.encode()).hexdigest()[:8]
    return f"passages-{slug}-{digest}"


class ChromaStore:
    BATCH = 1000

    @classmethod
    def from_settings(cls, settings, folder: Path, embedder_name: str,
                      copy_from: Path | None = None) -> "ChromaStore":
        """The store of the index version in `folder` (the registry's factory): ADVISOR_CHROMA_URL's
        server, or an embedded store in `folder`/chroma, first copied from `copy_from`/chroma if it exists."""
        path = Path(folder) / "chroma"
        previous = Path(copy_from) / "chroma" if copy_from is not None else None
        if settings.chroma_url is None and previous is not None and previous.is_dir():
            shutil.copytree(previous, path)  # the served version's store is never written
        return cls(path, embedder_name, settings.chroma_url, search_ef=settings.chroma_hnsw_search_ef)

    def __init__(self, path: Path, embedder_name: str, url: str | None = None, search_ef: int | None = None):
        """Embedded and persistent at `path`, or a `chroma run` server at `url` (http://host:port).

        `search_ef` (default: ADVISOR_CHROMA_HNSW_SEARCH_EF) is stored in the collection's configuration.
        Chroma 1.5 reads it when it loads the index, so a new value reaches an embedded store at the
        next process start, and a `chroma run` server only when it restarts.
        """
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.shared = bool(url)  # a server: every index version reads the same collection

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if url:
            from urllib.parse import urlparse

            parsed = urlparse(url)
            try:
                self._client = chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                                   ssl=parsed.scheme == "https", settings=settings)
                self._client.heartbeat()
            except Exception as exc:  # connection errors come in many types
                raise RetrievalError(f"cannot reach the Chroma server at {url} ({exc}); start it with "
                                     "'chroma run --path DIR --port PORT' or unset ADVISOR_CHROMA_URL") from exc
        else:
            path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(path), settings=settings)
        if search_ef is None:
            from advisor.config import get_settings

            search_ef = get_settings().chroma_hnsw_search_ef
        self._collection = self._client.get_or_create_collection(
            collection_name(embedder_name), embedding_function=None, metadata={"hnsw:space": "cosine"},
            configuration={"hnsw": {"space": "cosine", "ef_search": search_ef}})
        if (self._collection.configuration_json.get("hnsw") or {}).get("ef_search") != search_ef:
            self._collection.modify(configuration={"hnsw": {"ef_search": search_ef}})  # an existing collection

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        count = self._collection.count()
        if not count:
            return []
        try:
            result = self._collection.query(query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                                            n_results=min(k, count), include=["distances"])
        except Exception as exc:  # chroma raises its own error types
            raise RetrievalError(f"vector search failed ({exc}); rebuild with 'advisor ingest --rebuild'") from exc
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0])]

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict]) -> None:
        for i in range(0, len(ids), self.BATCH):
            self._collection.upsert(ids=ids[i:i + self.BATCH], embeddings=vectors[i:i + self.BATCH],
                                    metadatas=metadatas[i:i + self.BATCH])

    def close(self) -> None:
        """Release the database (a writer does this before its version is published)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), self.BATCH):
            self._collection.delete(ids=ids[i:i + self.BATCH])
