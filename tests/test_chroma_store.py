"""The Chroma backend, a real embedded store in a temp dir: the vector-store contract, the
registry, and the HNSW settings."""

from __future__ import annotations

import pytest

from advisor.config import get_settings, load_settings
from advisor.errors import ConfigError
from advisor.vectorstores import VECTOR_STORES, get_vector_store
from advisor.vectorstores.chroma import ChromaStore
from tests.vectorstore_contract import VectorStoreContract, unit_vectors


class TestChromaStore(VectorStoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return get_vector_store(load_settings(), tmp_path / "version", "test-model")

    def test_local_store_lives_in_the_version_folder(self, tmp_path):
        store = get_vector_store(load_settings(), tmp_path / "v1", "test-model")
        assert isinstance(store, ChromaStore) and not store.shared
        assert (tmp_path / "v1" / "chroma").is_dir()

    def test_a_new_version_starts_from_a_copy_of_the_previous_one(self, tmp_path):
        settings = load_settings()
        first = get_vector_store(settings, tmp_path / "v1", "test-model")
        first.upsert(["a", "b"], unit_vectors(2), [{"doc_id": "d", "page": 0}] * 2)
        first.close()
        second = get_vector_store(settings, tmp_path / "v2", "test-model", copy_from=tmp_path / "v1")
        second.delete(["a"])
        assert second.ids() == {"b"}
        second.close()
        assert get_vector_store(settings, tmp_path / "v1", "test-model").ids() == {"a", "b"}


def test_the_registry_names_the_valid_stores(tmp_path):
    assert "chroma" in VECTOR_STORES
    with pytest.raises(ConfigError, match="ADVISOR_VECTOR_STORE: .*unknown vector store 'faiss': use one of chroma"):
        load_settings(vector_store="faiss")
    settings = load_settings().model_copy(update={"vector_store": "faiss"})  # bypassing validation
    with pytest.raises(ConfigError, match="unknown vector store 'faiss'; use one of chroma"):
        get_vector_store(settings, tmp_path, "test-model")


def test_search_ef_setting_reaches_new_and_existing_collections(tmp_path, monkeypatch):
    created = ChromaStore(tmp_path, "use", search_ef=123)
    hnsw = created._collection.configuration_json["hnsw"]
    assert (hnsw["ef_search"], hnsw["space"]) == (123, "cosine")
    monkeypatch.setenv("ADVISOR_CHROMA_HNSW_SEARCH_EF", "321")
    get_settings.cache_clear()
    reopened = ChromaStore(tmp_path, "use")  # the default comes from the settings
    assert reopened._collection.configuration_json["hnsw"]["ef_search"] == 321


@pytest.mark.parametrize("variable", ["ADVISOR_CHROMA_HNSW_SEARCH_EF", "ADVISOR_HNSW_SEARCH_EF"])
def test_search_ef_is_read_under_its_name_and_its_older_name(variable, monkeypatch):
    monkeypatch.setenv(variable, "250")
    assert load_settings().chroma_hnsw_search_ef == 250
    monkeypatch.setenv(variable, "0")
    with pytest.raises(ConfigError, match="ADVISOR_CHROMA_HNSW_SEARCH_EF: Input should be greater than or equal to 1"):
        load_settings()
