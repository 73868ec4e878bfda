"""Vector stores: one protocol, one module per backend, chosen by ADVISOR_VECTOR_STORE.

Adding a backend means one module with a class that implements VectorStore, its settings in
advisor.config named after it (ADVISOR_<STORE>_…), and one line in VECTOR_STORES. The factory
gets the settings, the folder of the index version being read or written (where a local store
keeps its files) and the embedder's model name (one collection per model, so vector spaces never mix).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from advisor.errors import ConfigError


class VectorStore(Protocol):
    shared: bool
    """True when the vectors live outside the index version (a server every version uses): then a
    writer leaves stale vectors until the new version is published, and checks ignore extra ones."""

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k nearest passage ids with their cosine similarity, best first."""
        ...

    def ids(self) -> set[str]: ...

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def close(self) -> None:
        """Release the store (a writer does this before its version is published)."""
        ...


def _chroma(settings, folder: Path, embedder_name: str, copy_from: Path | None) -> VectorStore:
    from advisor.vectorstores.chroma import ChromaStore

    return ChromaStore.from_settings(settings, folder, embedder_name, copy_from)


# name -> factory(settings, folder, embedder_name, copy_from)
VECTOR_STORES = {"chroma": _chroma}


def get_vector_store(settings, folder: Path, embedder_name: str, copy_from: Path | None = None) -> VectorStore:
    """The configured store for the vectors of one index version. `folder` is the version's folder;
    `copy_from`, the previous version's, which a local store starts from (so the served one is never written)."""
    name = settings.vector_store
    if name not in VECTOR_STORES:
        raise ConfigError(f"unknown vector store {name!r}; use one of {', '.join(VECTOR_STORES)}")
    return VECTOR_STORES[name](settings, Path(folder), embedder_name, copy_from)
