"""Dense embedders: one protocol, one module per backend, selected by name or local path.

Adding a backend means one module with a class that has `name`, `dimension` and `embed`, and
one line in EMBEDDERS. Models load from installed packages or local paths, never from a hub.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from advisor.errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...


def _use():
    from advisor.embedders.use import UseEmbedder

    return UseEmbedder()


def _minilm():
    from advisor.embedders.sentence_transformers import MiniLMEmbedder

    return MiniLMEmbedder()


# name -> factory; 'none' means lexical retrieval only.
EMBEDDERS = {"none": None, "use": _use, "minilm": _minilm}

_loaded: dict[str, Embedder] = {}


def get_embedder(name: str) -> Embedder | None:
    """The embedder for a setting value, loaded once per process."""
    if name == "none":
        return None
    if name not in _loaded:
        if name in EMBEDDERS:
            _loaded[name] = EMBEDDERS[name]()
        elif Path(name).expanduser().is_dir():
            from advisor.embedders.sentence_transformers import SentenceTransformerEmbedder

            _loaded[name] = SentenceTransformerEmbedder(str(Path(name).expanduser()))
        else:
            raise ConfigError(f"unknown embedder {name!r}: use one of {', '.join(sorted(EMBEDDERS))} "
                              "or the path of a local sentence-transformers model directory")
    return _loaded[name]


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
