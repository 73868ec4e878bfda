"""Vector stores: one protocol, one module per backend."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class VectorStore(Protocol):
    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k nearest passage ids with their cosine similarity, best first."""
        ...

    def ids(self) -> set[str]: ...

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...
