"""The BM25 index against a reference implementation, its files, and its Dutch handling."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from advisor.lexical import BM25Index, split_compound
from advisor.text import content_words, document_terms, stem, words

DOCS = [
    "De stad reserveert opdrachten voor de sociale economie.",
    "Schoonmaak en onderhoud van gebouwen, straatmeubilair en wagenpark.",
    "Deel grotere opdrachten op in percelen voor maatwerkbedrijven.",
    "Social return: de opdrachtnemer zet kwetsbare werkzoekenden in.",
    "Groenonderhoud en catering zijn prioritaire productgroepen.",
    "Fietsen en deelsystemen voor een CO2-efficiënte mobiliteit.",
]


class LuceneIdfBM25(BM25Okapi):
    """rank_bm25 with the (always positive) Lucene IDF our index uses."""

    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


@pytest.mark.parametrize("query", ["opdrachten sociale economie", "percelen", "schoonmaak gebouwen",
                                   "kwetsbare werkzoekenden social return", "fietsen mobiliteit catering"])
def test_scores_match_reference_implementation(query):
    tokenized = [document_terms(d, "nl") for d in DOCS]
    reference = LuceneIdfBM25(tokenized, k1=1.2, b=0.75)
    ours = BM25Index.build([str(i) for i in range(len(DOCS))], DOCS, ["nl"] * len(DOCS))
    terms = document_terms(query, "nl")
    expected = reference.get_scores(terms)
    # compare on a corpus without compounds to split, so both see identical term counts
    plain = BM25Index([str(i) for i in range(len(DOCS))], *_plain_arrays(tokenized))
    np.testing.assert_allclose(plain.scores(terms), expected, rtol=1e-5)
    assert int(np.argmax(ours.scores(terms))) == int(np.argmax(expected))


def _plain_arrays(tokenized):
    vocab = {t: i for i, t in enumerate(sorted({t for d in tokenized for t in d}))}
    postings = [[] for _ in vocab]
    for d, doc in enumerate(tokenized):
        for t in sorted(set(doc)):
            postings[vocab[t]].append((d, doc.count(t)))
    indptr = np.concatenate([[0], np.cumsum([len(p) for p in postings])]).astype(np.int64)
    docs = np.array([d for p in postings for d, _ in p], dtype=np.int32)
    tfs = np.array([tf for p in postings for _, tf in p], dtype=np.float32)
    df = np.diff(indptr).astype(np.float32)
    doc_len = np.array([len(d) for d in tokenized], dtype=np.float32)
    return vocab, df, indptr, docs, tfs, doc_len


def test_saved_index_is_readable_files_and_round_trips(tmp_path):
    index = BM25Index.build([f"p{i}" for i in range(len(DOCS))], DOCS, ["nl"] * len(DOCS))
    index.save(tmp_path)
    assert sorted(f.name for f in tmp_path.iterdir()) == ["doc_len.npy", "docs.npy", "indptr.npy", "meta.json", "tfs.npy"]
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["ids"][0] == "p0" and stem("percelen", "nl") in meta["vocab"]
    for f in tmp_path.glob("*.npy"):
        np.load(f, allow_pickle=False)  # no pickled objects inside
    loaded = BM25Index.load(tmp_path)
    q = loaded.query_terms("schoonmaakopdracht voor de sociale economie")
    np.testing.assert_array_equal(loaded.scores(q), index.scores(q))


def test_dutch_compounds_meet_their_parts():
    index = BM25Index.build([f"p{i}" for i in range(len(DOCS))], DOCS, ["nl"] * len(DOCS))
    terms = index.query_terms("Mag ik deze schoonmaakopdracht voorbehouden?")
    assert stem("schoonmaak", "nl") in terms and stem("opdracht", "nl") in terms
    assert index.search("schoonmaakopdracht", 1)[0][0] == "p1"
    assert split_compound("gunningscriteria", {stem("criteria", "nl")}, "nl", open_head=True)[1] == stem("criteria", "nl")


def test_objective_codes_and_numbers_are_single_tokens():
    # each objective code is one token, followed by its ambition's code, which a question names ('K2')
    assert words("S.1.1. en K 2.1 en C.2.6") == ["s1.1", "s1", "en", "k2.1", "k2", "en", "c2.6", "c2"]
    assert words("AMBITIE K.3: en S1") == ["ambitie", "k3", "en", "s1"]
    assert "139000" in words("opdrachten < € 139.000")
    assert "de" not in content_words("de opdracht", "nl")


def test_terms_of_a_passage_match_a_scan_of_every_posting(corpus_index):
    """terms_of reads a transposed copy of the postings; it must give what a full scan gives."""
    lexical = corpus_index.lexical
    inverse = list(lexical.vocab)
    for position in range(len(lexical.ids)):
        slots = np.nonzero(lexical.docs == position)[0]
        expected = {inverse[t] for t in np.searchsorted(lexical.indptr, slots, side="right") - 1}
        assert lexical.terms_of(position) == expected


def test_build_counts_the_terms_of_each_passage_token_by_token(corpus_index):
    """build splits each distinct long word once; the counts must be those of splitting every token."""
    from advisor.index import retrieval_text

    passages = list(corpus_index.passages.values())
    texts, languages = [retrieval_text(p) for p in passages], [p.language for p in passages]
    index = BM25Index.build([p.id for p in passages], texts, languages)
    tokens = [content_words(t, lang) for t, lang in zip(texts, languages)]
    known = {stem(w, lang) for ws, lang in zip(tokens, languages) for w in ws if len(stem(w, lang)) >= 4}
    for position, (words_, lang) in enumerate(zip(tokens, languages)):
        terms = [stem(w, lang) for w in words_]
        for w in words_:
            if len(w) >= 9:
                terms += [p for p in split_compound(w, known, lang, open_head=True) if p != stem(w, lang)]
        assert index.terms_of(position) == set(terms) and index.doc_len[position] == len(terms)
