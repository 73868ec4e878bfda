"""The work one request causes is bounded by the limits, whatever text it sends.

Measured as the characters handed to the stemmer (the cost of compound splitting, which once made a
single 4,000-character word cost seconds of CPU), not as time: timings live in
benchmarks/adversarial.py.
"""

from __future__ import annotations

import random
import string

import pytest

import advisor.text as text
from advisor.lexical import MAX_SPLIT_WORDS

RNG = random.Random(11)


def _word(n: int) -> str:
    return "".join(RNG.choice(string.ascii_lowercase) for _ in range(n))


@pytest.fixture
def stemmed(monkeypatch):
    """Every word stemmed from here on (cache misses only), as a list of lengths."""
    lengths: list[int] = []
    real = text._stemmer

    class Counting:
        def __init__(self, stemmer):
            self.stemmer = stemmer

        def stemWord(self, word):  # noqa: N802 - snowball's name
            lengths.append(len(word))
            return self.stemmer.stemWord(word)

    monkeypatch.setattr(text, "_stemmer", lambda language: Counting(real(language)))
    text.stem.cache_clear()
    yield lengths
    text.stem.cache_clear()


def test_a_long_word_is_cut_before_stemming():
    tokens = text.words("Wat is " + "x" * 5000 + "?")
    assert max(map(len, tokens)) == text.MAX_WORD_CHARS


def test_one_huge_word_costs_no_more_than_a_short_one(advisor, stemmed):
    advisor.ask(_word(advisor.settings.max_question_chars))
    assert max(stemmed) <= text.MAX_WORD_CHARS
    assert sum(stemmed) <= 2 * text.MAX_WORD_CHARS ** 2  # one word: its split points, in two passes at most


def test_many_long_words_split_at_most_a_bounded_number(advisor, stemmed):
    question = " ".join(_word(text.MAX_WORD_CHARS) for _ in range(advisor.settings.max_question_chars // 49))
    advisor.ask(question)
    words = len(question.split())
    # every word stemmed whole in each language, plus the split points of at most MAX_SPLIT_WORDS words
    bound = 4 * words * text.MAX_WORD_CHARS + MAX_SPLIT_WORDS * text.MAX_WORD_CHARS ** 2
    assert sum(stemmed) <= bound


def test_history_is_read_up_to_its_limit_newest_first(advisor):
    budget = advisor.settings.max_history_chars
    turns = [{"role": "user", "content": "a" * (budget // 2)},
             {"role": "assistant", "content": "b" * budget},
             {"role": "user", "content": "c" * (budget // 2)},
             {"role": "user", "content": "d" * 10}]
    kept = advisor.recent_history(turns)
    assert [t["content"][0] for t in kept] == ["c", "d"]  # the oldest user turn no longer fits
    assert sum(len(t["content"]) for t in kept) <= budget


def test_a_history_bomb_is_not_read(advisor, stemmed):
    bomb = [{"role": "user", "content": _word(14_000)}]
    answer = advisor.ask("Wat is social return?", bomb)
    plain = advisor.ask("Wat is social return?")
    assert answer.answer == plain.answer
    assert max(stemmed) <= text.MAX_WORD_CHARS


def test_words_are_cut_on_entry_so_no_pattern_reads_a_longer_one(advisor):
    question = advisor.validate("Mag ik " + "x" * 3000 + " voorbehouden?")
    assert max(len(w) for w in question.split()) == text.MAX_WORD_CHARS
    turns = advisor.recent_history([{"role": "user", "content": "y" * 3000}])
    assert len(turns[0]["content"]) == text.MAX_WORD_CHARS


def test_the_intake_reads_a_long_text_s_start_and_end_only(advisor, monkeypatch):
    """The intake's cues, product groups and jurisdictions once read every 4,000-character turn whole,
    several times a request; each text is now read once, clipped."""
    import advisor.intake as intake

    read: list[int] = []
    real = intake._extract
    monkeypatch.setattr(intake, "_extract", lambda t, kb: read.append(len(t)) or real(t, kb))
    intake._extract_bundled.cache_clear()
    history = [{"role": "user", "content": " ".join(_word(40) for _ in range(95))} for _ in range(2)]
    advisor.ask("en als het 200.000 euro is?", history)
    assert read and max(read) <= len(text.clipped("x" * 10_000))
    assert len(read) <= 3  # each text once: the two turns and the question
    intake._extract_bundled.cache_clear()


def test_no_data_pattern_starts_with_an_unbounded_word_run():
    """'\\w*belasting' searched over a long word tries every start and scans on from each: quadratic."""
    from advisor.scope import rules

    for _, pattern in rules().neighbour:
        assert not pattern.pattern.startswith(("\\w*", "\\w+")), pattern.pattern
