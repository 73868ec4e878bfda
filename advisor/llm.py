"""LLM answers, never trusted: the reply is validated, and the extractive answer stands in when
the backend fails, times out, or writes something the validator cannot stand behind.

Validation: markers must name a passage that was given (others are removed and counted); a
statement must carry a marker whose passage shares content words with it, sentences written at an
assistant (planted instructions) not counting, and must neither address the assistant nor recite
the prompt (others are dropped and counted); the reply must be in the asker's language, not empty, not a repetition
loop, not cut off; it is capped in length. Each remaining marker becomes a citation whose quote is
the passage sentence closest to the statements that cite it, cut verbatim from the source.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import lru_cache

from advisor.phrases import phrases
from advisor.compose import passage_sentences
from advisor.errors import BackendError, BackendTimeout, ValidationFailed
from advisor.model import Citation
from advisor.passage import Passage
from advisor.scope import addresses_assistant
from advisor.text import LANGUAGES, content_words, detect_language, stem, words

MAX_CHARS = 2500
ECHO_WORDS = 6  # this many words in a row from a prompt make a statement an echo of the prompt
_MARKER_GROUP = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Þ\"“‘(\-•*])|\n+")


@dataclass
class Validated:
    text: str
    citations: list[Citation]
    removed_markers: int = 0
    dropped_statements: int = 0
    notes: list[str] = field(default_factory=list)


def _terms(text: str) -> set[str]:
    return {stem(w, lang) for w in content_words(text) for lang in LANGUAGES}


def _data_terms(passage: Passage) -> set[str]:
    """The terms of a passage's sentences, leaving out sentences written at an assistant: a
    planted instruction is data, so it can never back a statement of the answer."""
    return _terms(" ".join(s for s in _SENTENCE.split(passage.index_text) if not addresses_assistant(s)))


def _word_runs(text: str) -> set[tuple[str, ...]]:
    tokens = [w for w in words(text) if not w.isdigit()]
    return {tuple(tokens[i:i + ECHO_WORDS]) for i in range(len(tokens) - ECHO_WORDS + 1)}


@lru_cache(maxsize=1)
def _prompt_runs() -> frozenset[tuple[str, ...]]:
    return frozenset().union(*(_word_runs(template) for table in phrases("llm").values()
                               for template in table.values()))


def echoes_prompt(text: str) -> bool:
    """True when the text repeats the prompt (small models sometimes write out their instructions)."""
    return not _word_runs(text).isdisjoint(_prompt_runs())


def degenerate(text: str) -> str | None:
    """Why the text is unusable as an answer (empty, a repetition loop), or None."""
    if not text.strip():
        return "empty reply"
    tokens = text.lower().split()
    grams = Counter(tuple(tokens[i:i + 4]) for i in range(max(0, len(tokens) - 3)))
    if grams and grams.most_common(1)[0][1] > 3:
        return "repetition loop"
    lines = Counter(line.strip() for line in text.splitlines() if len(line.strip()) > 10)
    if lines and lines.most_common(1)[0][1] >= 3:
        return "repeated lines"
    return None


def validate(reply: str, passages: list[Passage], language: str, texts, renumber: bool = True) -> Validated:
    """Check an LLM reply against the passages it was given (numbered 1..len(passages)).

    With renumber=False the markers keep the numbers of the given passages and no citations are
    built (the caller's citation list already matches them)."""
    problem = degenerate(reply)
    if problem:
        raise ValidationFailed(problem)
    reply = reply.strip()[:MAX_CHARS * 2]
    if reply[-1] not in ".!?)]”\"" and not reply.rstrip().endswith(tuple(f"[{n}]" for n in range(1, 100))):
        cut = max(reply.rfind(". "), reply.rfind(".\n"), reply.rfind("]"))
        if cut < 0:
            raise ValidationFailed("truncated reply")
        reply = reply[:cut + 1]
    removed = dropped = 0
    support = [_data_terms(p) for p in passages]
    kept: list[tuple[str, list[int]]] = []
    for statement in (s.strip() for s in _SENTENCE.split(reply)):
        if not statement:
            continue
        numbers = [int(n) for group in _MARKER_GROUP.findall(statement) for n in re.split(r"[,;\s]+", group) if n]
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        removed += len(numbers) - len(valid)
        body = _MARKER_GROUP.sub("", statement).strip()
        words = _terms(body)
        supported = [n for n in dict.fromkeys(valid) if len(words & support[n - 1]) >= 2]
        removed += len(set(valid)) - len(supported)
        if addresses_assistant(body) or echoes_prompt(body):  # obeys an instruction or recites the prompt
            dropped += 1
            continue
        if len(content_words(body)) < 3 and not supported:
            continue  # a heading or filler, not a statement
        if not supported:
            dropped += 1
            continue
        kept.append((body, supported))
    if not kept:
        raise ValidationFailed("no statement is backed by a given passage")
    order: list[int] = []
    for _, numbers in kept:
        order += [n for n in numbers if n not in order]
    if not renumber:
        order = list(range(1, len(passages) + 1))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    lines, text_len = [], 0
    for body, numbers in kept:
        line = body + " " + "".join(f"[{mapping[n]}]" for n in numbers)
        if text_len + len(line) > MAX_CHARS:
            break
        lines.append(line)
        text_len += len(line)
    text = "\n".join(lines)
    if detect_language(text) != language:
        raise ValidationFailed(f"reply is not in the asker's language ({language})")
    used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text)}) if renumber else []
    citations = []
    for new in used:
        old = order[new - 1]
        statement_terms = set().union(*(_terms(b) for b, ns in kept if old in ns))
        citations.append(_cite(new, passages[old - 1], statement_terms, texts))
    return Validated(text, citations, removed, dropped)


def _cite(n: int, passage: Passage, wanted: set[str], texts) -> Citation:
    """The passage sentence that shares most words with what cites it, verbatim from the source."""
    source = texts(passage.doc_id)
    sentences = passage_sentences(passage, source, 1)
    if not sentences:
        return Citation.of(n, passage, passage.text, passage.start, passage.end)
    best = max(sentences, key=lambda s: (len(_terms(s.clean) & wanted), -s.start))
    return Citation.of(n, passage, source[best.start:best.end], best.start, best.end)


STATUS_HINTS = {401: "check ADVISOR_LLM_API_KEY", 403: "check ADVISOR_LLM_API_KEY",
                404: "check ADVISOR_LLM_BASE_URL and ADVISOR_LLM_MODEL", 429: "the LLM server is rate limiting"}


def describe_failure(exc: Exception) -> str:
    """A safe, useful summary of a backend exception: its type, the HTTP status and a hint."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int) and status > 0:
        hint = STATUS_HINTS.get(status, "the LLM server failed" if status >= 500 else "the LLM server refused it")
        return f"{name}: HTTP {status} from the LLM server; {hint}"
    if "connect" in name.lower() or isinstance(exc, ConnectionError):
        return f"{name}: the LLM server cannot be reached; check ADVISOR_LLM_BASE_URL and that the server runs"
    return f"{name}: the LLM call failed"


def generate_with_timeout(generator, messages: list[dict], timeout_s: float) -> str:
    """The backend's reply, or BackendTimeout after timeout_s (the call is abandoned, not waited
    for), or BackendError with a summary that carries nothing the server sent."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(generator.generate, messages, timeout_s)
    try:
        return future.result(timeout=timeout_s)
    except FutureTimeout:
        raise BackendTimeout.after(timeout_s) from None
    except BackendError:  # the backend's own typed error (BackendTimeout included): already safe
        raise
    except TimeoutError as exc:  # socket and asyncio timeouts
        raise BackendTimeout.after(timeout_s, exc) from None
    except Exception as exc:
        raise BackendError(describe_failure(exc)) from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
