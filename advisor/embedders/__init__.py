"""Dense embedders: one protocol, one module per backend, selected by name or local path.

Adding a backend means one module with a class that has `name`, `dimension` and `embed`, and
one line in EMBEDDERS. Models load from installed packages or local paths, never from a hub.
An asymmetric model (e5: "query: " / "passage: ") also has `embed_query`; `embed` is for passages.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from advisor.errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text (passages, for an asymmetric model)."""
        ...


def embed_queries(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Question vectors: `embed_query` where the model has one, else `embed`."""
    return getattr(embedder, "embed_query", embedder.embed)(texts)


def _use():
    from advisor.embedders.use import UseEmbedder

    return UseEmbedder()


def _minilm():
    from advisor.embedders.sentence_transformers import MiniLMEmbedder

    return MiniLMEmbedder()


def _e5(path: str | None = None):
    from advisor.embedders.e5 import E5Embedder, E5SentenceTransformerEmbedder

    from advisor.config import get_settings

    return E5SentenceTransformerEmbedder(path) if path else E5Embedder(threads=get_settings().e5_threads)


# name -> factory; 'none' means lexical retrieval only.
EMBEDDERS = {"none": None, "use": _use, "minilm": _minilm, "e5": _e5}
# names that also take a local model directory: `e5:/models/multilingual-e5-small`
WITH_PATH = {"e5"}


def is_known(value: str) -> bool:
    """A valid ADVISOR_EMBEDDER value: a name, `name:<dir>` for WITH_PATH, or a model directory."""
    base, sep, path = value.partition(":")
    if sep and base in WITH_PATH:
        return Path(path).expanduser().is_dir()
    return value in EMBEDDERS or Path(value).expanduser().is_dir()


_loaded: dict[str, Embedder] = {}
_loading = threading.Lock()  # two first requests at once load a model once


def get_embedder(name: str) -> Embedder | None:
    """The embedder for a setting value, loaded once per process."""
    if name == "none":
        return None
    with _loading:
        return _loaded[name] if name in _loaded else _load(name)


def _load(name: str) -> Embedder:
    if name not in _loaded:
        base, sep, path = name.partition(":")
        if name in EMBEDDERS:
            _loaded[name] = EMBEDDERS[name]()
        elif sep and base in WITH_PATH and Path(path).expanduser().is_dir():
            _loaded[name] = EMBEDDERS[base](str(Path(path).expanduser()))
        elif Path(name).expanduser().is_dir():
            from advisor.embedders.sentence_transformers import SentenceTransformerEmbedder

            _loaded[name] = SentenceTransformerEmbedder(str(Path(name).expanduser()))
        else:
            raise ConfigError(f"unknown embedder {name!r}: use one of {', '.join(sorted(EMBEDDERS))}, "
                              "e5:<directory of a local multilingual-e5-small> "
                              "or the path of a local sentence-transformers model directory")
    return _loaded[name]


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
