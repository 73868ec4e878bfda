"""Dutch-like procurement text for scale benchmarks, composed from the bundled corpus's own words.

A word-bigram chain learnt from the bundled corpus writes the sentences, so word frequencies,
function words and phrasing look like the real documents. Each section (a '# ' heading and four
paragraphs) has a topic, 30 content words from a fixed pool of 1,000 topics that about a third
of its content words are drawn from, so passages cluster by subject as real ones do (without
topics every passage is a random mix of one vocabulary and has no real nearest neighbours).
Now and then two content words are joined into a new compound ('schoonmaakperceel'), so the
vocabulary keeps growing with the corpus as in real Dutch text. Deterministic for a seed.
Paragraphs are 500-850 characters, so each becomes about one passage. Questions draw their
words from the same topics.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from advisor.config import BUNDLED_CORPUS
from advisor.text import stopwords

_TOKEN = re.compile(r"[A-Za-zÀ-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*|[.?!]")
COMPOUND_RATE = 0.04
TOPICS, TOPIC_WORDS, TOPIC_RATE, SECTION = 1000, 30, 0.35, 4
QUESTION_TEMPLATES = [
    "Welke regels gelden voor {a} bij {b}?",
    "Hoe pak ik {a} aan in een opdracht voor {b}?",
    "Mag ik {a} opnemen als criterium voor {b}?",
    "Wat zegt het kader over {a} en {b}?",
    "Kan een lokaal bestuur {a} combineren met {b} en {c}?",
    "Welke voorbeelden zijn er van {a} in {b}?",
]


@lru_cache
def _model() -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Successors of each word, the words that open a sentence, and the content words (with repeats)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt")))
    tokens = _TOKEN.findall(text)
    successors: dict[str, list[str]] = defaultdict(list)
    openers = []
    for previous, token in zip(["."] + tokens, tokens):
        successors[previous.lower()].append(token)
        if previous in ".?!" and token[0].isupper():
            openers.append(token)
    stops = stopwords("nl") | stopwords("en")
    content = [t.lower() for t in tokens if len(t) >= 5 and t.lower() not in stops and t.isalpha()]
    return dict(successors), openers, content


@lru_cache
def _topics() -> list[list[str]]:
    """The topic pool: the same for every seed, so questions and corpora share their subjects."""
    rng = random.Random(12345)
    words = sorted(set(_model()[2]))
    return [rng.sample(words, TOPIC_WORDS) for _ in range(TOPICS)]


class TextGenerator:
    def __init__(self, seed: int = 0):
        self.random = random.Random(seed)
        self.successors, self.openers, self.content = _model()
        self.content_words = frozenset(self.content)
        self.topics = _topics()
        self.topic = self.random.choice(self.topics)

    def word(self) -> str:
        return self.random.choice(self.content)

    def compound(self) -> str:
        head, tail = self.word(), self.word()
        return head + ("s" if self.random.random() < 0.3 else "") + tail

    def sentence(self) -> str:
        words = [self.random.choice(self.openers)]
        while len(words) < 28:
            following = self.successors.get(words[-1].lower())
            token = self.random.choice(following) if following else "."
            if token in ".?!":
                if len(words) >= 6:
                    break
                token = self.word()
            elif token in self.content_words:
                draw = self.random.random()
                if draw < TOPIC_RATE:
                    token = self.random.choice(self.topic)
                elif draw < TOPIC_RATE + COMPOUND_RATE:
                    token = self.compound()
            words.append(token)
        return " ".join(words) + "."

    def paragraph(self) -> str:
        target = self.random.randint(500, 850)
        sentences = [self.sentence()]
        while sum(len(s) + 1 for s in sentences) < target:
            sentences.append(self.sentence())
        text = " ".join(sentences)
        return text if len(text) <= 880 else text[:text.rfind(".", 0, 880) + 1] or text[:880]

    def paragraphs(self, count: int):
        """(heading, paragraph) pairs; a section opens with a new topic every SECTION paragraphs."""
        for n in range(count):
            heading = None
            if n % SECTION == 0:
                self.topic = self.random.choice(self.topics)
                heading = "# " + " ".join(self.random.sample(self.topic, self.random.randint(2, 4))).capitalize()
            yield heading, self.paragraph()

    def document(self, paragraphs: int) -> str:
        parts = []
        for heading, paragraph in self.paragraphs(paragraphs):
            parts.extend([heading, paragraph] if heading else [paragraph])
        return "\n\n".join(parts) + "\n"

    def question(self) -> str:
        template = self.random.choice(QUESTION_TEMPLATES)
        a, b, c = self.random.sample(self.random.choice(self.topics), 3)
        return template.format(a=a, b=b, c=c)


def write_corpus(directory: Path, passages: int, seed: int = 0, per_document: int = 250) -> int:
    """Markdown documents holding about `passages` paragraphs; returns the number of files."""
    directory.mkdir(parents=True, exist_ok=True)
    generator = TextGenerator(seed)
    files = 0
    for start in range(0, passages, per_document):
        count = min(per_document, passages - start)
        (directory / f"doc-{files:05d}.md").write_text(generator.document(count), encoding="utf-8")
        files += 1
    return files


def questions(count: int, seed: int = 1) -> list[str]:
    generator = TextGenerator(seed)
    return [generator.question() for _ in range(count)]
