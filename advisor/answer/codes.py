"""Framework codes as a comparison names them ('K 2.1', 'K.2.2', 'S1', 'ambitie C2'): one key per
code however it is spaced or dotted, so a side named 'K 2.1' is answered by the objective line that
opens with 'K 2.1.' and the side 'K.2.2' by the one that opens with 'K.2.2.'."""

from __future__ import annotations

import re

# a letter and one to three numbers ('K 2.1', 'S.1.3', 'C1'); the letter stands alone
CODE = re.compile(r"(?<![\w.])([A-Za-z])\s?\.?\s?(\d{1,2})(?:\s?\.\s?(\d{1,2}))?(?:\s?\.\s?(\d{1,2}))?(?![\w])")
# a sentence that opens with a code ('K 2.1. Bij aankoop…', 'K 3.1 - Kleine toestellen…', '• S1 – …')
OPENING = re.compile(r"^(?:•\s*)?" + CODE.pattern + r"\.?\s?[-–:]?\s")


def key(match: re.Match) -> str:
    return "".join(g for g in match.groups() if g).lower()


def as_asked(side: str, question: str) -> str | None:
    """The objective code of a comparison side as the question wrote it ('doelstellingen k 3 1' →
    'K.3.1'), or None when the side is not one. An ambition ('ambitie K2') is left to its concept card."""
    words = side.split()
    while words and words[0].isalpha() and len(words[0]) > 1:  # 'doelstellingen', 'objectives'
        words = words[1:]
    compact = "".join(words).lower()
    for m in CODE.finditer(question):
        if m.group(3) and key(m) == compact:
            return m.group(0).strip()
    return None


def opening(sentence: str) -> str | None:
    """The key of the code a sentence opens with ('K 2.1. Bij aankoop…' → 'k21'), or None."""
    m = OPENING.match(sentence)
    return key(m) if m else None


def of_label(label: str) -> str | None:
    """The key of a side label that is a code alone ('K 2.1' → 'k21'; 'ambitie K2' → None)."""
    m = CODE.fullmatch(label.strip())
    return key(m) if m else None
