"""The embedded Chroma store's HNSW settings, on a real store in a temp dir."""

from __future__ import annotations

from advisor.config import get_settings
from advisor.vectorstores.chroma import ChromaStore


def test_search_ef_setting_reaches_new_and_existing_collections(tmp_path, monkeypatch):
    created = ChromaStore(tmp_path, "use", search_ef=123)
    hnsw = created._collection.configuration_json["hnsw"]
    assert (hnsw["ef_search"], hnsw["space"]) == (123, "cosine")
    monkeypatch.setenv("ADVISOR_HNSW_SEARCH_EF", "321")
    get_settings.cache_clear()
    reopened = ChromaStore(tmp_path, "use")  # the default comes from the settings
    assert reopened._collection.configuration_json["hnsw"]["ef_search"] == 321
