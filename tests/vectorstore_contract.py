"""What every vector store must do, written once: a backend's test class subclasses
VectorStoreContract and provides a `store` fixture (a fresh, empty store of its kind)."""

from __future__ import annotations

import numpy as np

from advisor.embedders import normalise


def unit_vectors(n: int, dim: int = 16, seed: int = 7) -> np.ndarray:
    return normalise(np.random.default_rng(seed).normal(size=(n, dim)))


class VectorStoreContract:
    def test_an_empty_store_finds_nothing(self, store):
        assert store.ids() == set()
        assert store.query(unit_vectors(1)[0], 5) == []

    def test_upsert_then_query_ranks_by_cosine_similarity(self, store):
        vectors = unit_vectors(20)
        ids = [f"p{i:02d}" for i in range(20)]
        store.upsert(ids, vectors, [{"doc_id": "d", "page": i} for i in range(20)])
        assert store.ids() == set(ids)
        hits = store.query(vectors[3], 5)
        assert hits[0][0] == "p03" and abs(hits[0][1] - 1.0) < 1e-4
        scores = [s for _, s in hits]
        assert scores == sorted(scores, reverse=True) and len(hits) == 5
        exact = sorted(((float(vectors[3] @ v), i) for i, v in zip(ids, vectors)), reverse=True)[:5]
        assert [i for _, i in exact] == [i for i, _ in hits]

    def test_query_asks_for_more_than_there_is(self, store):
        store.upsert(["a", "b"], unit_vectors(2), [{"doc_id": "d", "page": 0}] * 2)
        assert {i for i, _ in store.query(unit_vectors(1, seed=1)[0], 10)} == {"a", "b"}

    def test_upsert_replaces_and_delete_removes(self, store):
        vectors = unit_vectors(3)
        store.upsert(["a", "b", "c"], vectors, [{"doc_id": "d", "page": 0}] * 3)
        store.upsert(["a"], vectors[2:3], [{"doc_id": "d", "page": 1}])
        assert store.ids() == {"a", "b", "c"}
        assert {i for i, _ in store.query(vectors[2], 2)} == {"a", "c"}
        store.delete(["b", "c"])
        assert store.ids() == {"a"}
        store.delete(["not-there"])
        assert store.ids() == {"a"}

    def test_many_vectors_at_once(self, store):
        n = 2500  # more than one batch of most stores
        store.upsert([f"p{i}" for i in range(n)], unit_vectors(n, dim=8), [{"doc_id": "d", "page": 0}] * n)
        assert len(store.ids()) == n

    def test_declares_whether_shared_and_closes(self, store):
        assert isinstance(store.shared, bool)
        store.close()
