"""The scope probe (issue #15): a linear probe on the question's e5 vector, one more signal of the
scope decision with ADVISOR_SCOPE_PROBE=e5. Its weights are a checked data file; the real probe and
the real e5 model over the bundled corpus."""

from __future__ import annotations

import numpy as np
import pytest

from advisor import scope, scope_probe
from advisor.config import load_settings
from advisor.core import Advisor
from advisor.errors import ConfigError

PROBE_TOML = scope.read_text("advisor.resources", "scope_probe.toml")


@pytest.fixture(scope="module")
def probing(corpus_settings, corpus_index):
    """The bundled-corpus advisor with the probe's second opinion (BM25 retrieval as by default)."""
    return Advisor(load_settings(data_dir=corpus_settings.data_dir, scope_probe="e5"), corpus_index)


def test_the_shipped_probe_loads_and_a_dump_reads_back():
    probe = scope_probe.load_probe()
    assert probe.model == "e5" and probe.weights.shape == (384,)
    again = scope_probe.load_probe(scope_probe.dump(probe.bias, probe.weights, {"split": "dev"}))
    assert again.bias == pytest.approx(probe.bias, rel=1e-5)
    assert np.allclose(again.weights, probe.weights, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace('model = "e5"', 'model = "minilm"'), "model 'minilm' unknown"),
    (lambda t: t.replace("weights = [\n", "weights = [\n  0.5,\n", 1), "must be 384 numbers"),
    (lambda t: t.replace("bias = ", "bias = true #", 1), "bias must be a finite number"),
    (lambda t: t.replace("bias = ", "bisa = ", 1), "needs model, bias and weights"),
])
def test_a_bad_probe_file_says_what_to_fix(edit, message):
    with pytest.raises(ConfigError, match="scope_probe.toml") as err:
        scope_probe.load_probe(edit(PROBE_TOML))
    assert message in str(err.value)


def test_scope_toml_needs_the_probe_weights_too():
    text = scope.read_text("advisor.resources", "scope.toml").replace("dense = ", "dens = ")
    with pytest.raises(ConfigError, match=r"\[weights_probe\].*missing \['dense'\]"):
        scope.load_rules(text)


def test_training_is_deterministic_and_separates_what_it_can():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 5))
    y = x[:, 0] > 0
    first, second = scope_probe.train(x, y, 0.001), scope_probe.train(x, y, 0.001)
    assert first[0] == second[0] and np.array_equal(first[1], second[1])
    assert first[1][0] > 5 * np.abs(first[1][1:]).max()
    # a stronger penalty keeps the weights smaller
    assert np.linalg.norm(scope_probe.train(x, y, 1.0)[1]) < np.linalg.norm(first[1])


def test_an_unknown_probe_setting_is_refused():
    with pytest.raises(ConfigError, match="ADVISOR_SCOPE_PROBE: Input should be 'none' or 'e5'"):
        load_settings(scope_probe="bert")


def test_without_the_setting_no_dense_signal_is_measured(advisor):
    question = "Welk percentage van het onderhoudsbudget wijst Hasselt toe aan de sociale economie?"
    hits = advisor.retriever.search(question, 6, "nl")
    from advisor.concepts import concepts

    decision = advisor.scope(question, concepts(question, advisor.index.lexical, "nl"), hits, "nl")
    assert "dense" not in decision.signals


def test_the_probe_tells_a_general_question_from_an_answerable_one(probing):
    """Two dev questions: a general-knowledge question that shares no topic with the sources and an
    in-scope look-alike about a city's budget. The probe's signal orders them, weighs in the
    decision ([weights_probe]) and the advisor refuses the one and answers the other."""
    from advisor.concepts import concepts

    lexical = probing.index.lexical
    measured = {}
    asked = ("Hoeveel provincies telt Vlaanderen?",
             "Welk percentage van het onderhoudsbudget wijst Hasselt toe aan de sociale economie?")
    for question in asked:
        hits = probing.retriever.search(question, 6, "nl")
        measured[question] = probing.scope(question, concepts(question, lexical, "nl"), hits, "nl")
    general, answerable = measured.values()
    assert 0 <= general.signals["dense"] < answerable.signals["dense"] <= 1
    assert scope.probability(general.signals) == pytest.approx(general.probability)
    without = {k: v for k, v in general.signals.items() if k != "dense"}
    assert scope.probability(without) != pytest.approx(general.probability)  # [weights] is another model
    assert probing.ask(asked[0]).refused and not probing.ask(asked[1]).refused
