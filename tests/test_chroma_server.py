"""Chroma's client/server mode: the advisor against a real `chroma run` on loopback."""

from __future__ import annotations


import uuid

import httpx
import pytest

from advisor.config import BUNDLED_CORPUS, load_settings
from advisor.core import Advisor
from advisor.errors import RetrievalError
from advisor.vectorstores import get_vector_store
from advisor.vectorstores.chroma import ChromaStore
from ingest.pipeline import ingest
from tests.server import chroma_server, running_server
from tests.vectorstore_contract import VectorStoreContract


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as (url, _):
        yield url


@pytest.mark.slow
class TestChromaServerStore(VectorStoreContract):
    """The vector-store contract against the server: each test gets its own collection."""

    @pytest.fixture
    def store(self, chroma_url, tmp_path):
        store = get_vector_store(load_settings(chroma_url=chroma_url), tmp_path, f"test-{uuid.uuid4().hex[:8]}")
        assert store.shared
        return store


@pytest.mark.slow
def test_ingest_and_serve_through_a_chroma_server(chroma_url, tmp_path):
    settings = load_settings(data_dir=tmp_path / "data", embedder="use", chroma_url=chroma_url)
    report = ingest([BUNDLED_CORPUS], settings)
    assert report.embedded == report.passages > 0
    assert not (tmp_path / "data" / "chroma").exists(), "vectors went to the server, not the local store"
    store = get_vector_store(settings, tmp_path / "unused", "use")
    assert store.shared and len(store.ids()) == report.passages
    hits = Advisor(settings).search("Can I reserve a cleaning contract for sheltered workshops?", 5)
    assert any(h.dense_rank for h in hits)
    env = {"ADVISOR_EMBEDDER": "use", "ADVISOR_CHROMA_URL": chroma_url}
    with running_server(settings.data_dir, workers=2, timeout=120, **env) as base:
        for _ in range(4):
            body = httpx.post(f"{base}/v1/search", json={"query": "fairtrade catering", "k": 5}, timeout=30).json()
            assert any(p["dense_rank"] for p in body["passages"])


def test_unreachable_chroma_server_is_a_clear_error(tmp_path):
    with pytest.raises(RetrievalError, match="cannot reach the Chroma server at http://127.0.0.1:9"):
        ChromaStore(tmp_path, "use", "http://127.0.0.1:9")
