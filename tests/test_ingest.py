"""Ingest identity: unchanged is a no-op, a change replaces, a removal removes — in every index."""

from __future__ import annotations

import json

import pytest

from advisor.config import load_settings
from advisor.index import Index, Layout
from advisor.vectorstores import get_vector_store
from ingest.pipeline import ingest

FRAMEWORK = "002_361c7d8553f89014.txt"


def _snapshot(layout: Layout) -> dict:
    return {p: p.read_bytes() for p in [layout.manifest, layout.passages, *layout.lexical.iterdir()]}


def test_reingesting_an_unchanged_corpus_changes_nothing(tmp_path, corpus_copy):
    settings = load_settings(data_dir=tmp_path / "data")
    first = ingest([corpus_copy], settings)
    assert len(first.added) == 5 and first.passages > 30
    before = _snapshot(Layout(settings.data_dir))
    again = ingest([corpus_copy], settings)
    assert again.unchanged == first.added and not again.changed
    assert _snapshot(Layout(settings.data_dir)) == before


def test_changed_document_replaces_its_passages_and_removed_document_goes(tmp_path, corpus_copy):
    settings = load_settings(data_dir=tmp_path / "data")
    ingest([corpus_copy], settings)
    old = Index(settings.data_dir)
    old_framework = {pid for pid, p in old.passages.items() if p.doc_id == "regio-brugge-kader-duurzaam-aankopen"}

    path = corpus_copy / FRAMEWORK
    path.write_text(path.read_text(encoding="utf-8").replace("Nieuwe verlichting dient 100% LED te zijn",
                                                             "Nieuwe verlichting dient 90% LED te zijn"),
                    encoding="utf-8")
    (corpus_copy / "004_11642ecbfd5014a3.txt").unlink()
    manifest = corpus_copy / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[:text.index('[[documents]]\nid = "normaalste-zaak')], encoding="utf-8")

    report = ingest([corpus_copy], settings)
    assert report.updated == ["regio-brugge-kader-duurzaam-aankopen"]
    assert report.removed == ["normaalste-zaak-sociale-inkoop"]
    new = Index(settings.data_dir)
    texts = [p.text for p in new.passages.values()]
    assert len(texts) == len(set(new.passages)), "duplicate passages"
    assert any("90% LED" in t for t in texts) and not any("100% LED" in t for t in texts)
    assert not any(p.doc_id == "normaalste-zaak-sociale-inkoop" for p in new.passages.values())
    new_framework = {pid for pid, p in new.passages.items() if p.doc_id == "regio-brugge-kader-duurzaam-aankopen"}
    assert 0 < len(old_framework - new_framework) < 3, "only the changed chunk gets a new id"
    assert "normaalste-zaak-sociale-inkoop" not in json.loads(Layout(settings.data_dir).manifest.read_text())["documents"]
    assert new.lexical.ids == list(new.passages)


def test_adding_a_single_file_keeps_the_corpus(tmp_path, corpus_copy):
    settings = load_settings(data_dir=tmp_path / "data")
    ingest([corpus_copy], settings)
    extra = tmp_path / "notitie.md"
    extra.write_text("# Sociale clausules\n\nEen sociale clausule is een bijzondere uitvoeringsvoorwaarde.\n",
                     encoding="utf-8")
    report = ingest([extra], settings)
    assert report.added == ["notitie"] and not report.removed
    assert len(Index(settings.data_dir).documents) == 6


@pytest.mark.slow
def test_vector_store_follows_the_passages(tmp_path, corpus_copy):
    """A real Chroma store with the real USE embedder holds exactly the current passage ids."""
    settings = load_settings(data_dir=tmp_path / "data", embedder="use")
    first = ingest([corpus_copy], settings)
    assert first.embedded == first.passages
    store = get_vector_store(settings, Layout(settings.data_dir).folder, "use")
    assert store.ids() == set(Index(settings.data_dir).passages)

    assert ingest([corpus_copy], settings).embedded == 0
    path = corpus_copy / FRAMEWORK
    path.write_text(path.read_text(encoding="utf-8") + "\n\nNieuwe alinea over herstelbaarheid van meubilair.\n",
                    encoding="utf-8")
    report = ingest([corpus_copy], settings)
    assert 1 <= report.embedded <= 2
    assert get_vector_store(settings, Layout(settings.data_dir).folder, "use").ids() == set(Index(settings.data_dir).passages)


def test_rebuild_starts_from_scratch(tmp_path, corpus_copy):
    settings = load_settings(data_dir=tmp_path / "data")
    ingest([corpus_copy], settings)
    report = ingest([corpus_copy], settings, rebuild=True)
    assert len(report.added) == 5 and not report.unchanged
