"""Decide whether a question is one the advisor should answer from its sources.

Two checks: the question is not an attempt to steer the assistant (requests to ignore its
instructions or reveal its configuration), and the best passages cover enough of it.
"""

from __future__ import annotations

import re
from pathlib import Path

_PATTERNS_FILE = Path(__file__).parent / "resources" / "steering_patterns.txt"


def _load_patterns() -> list[re.Pattern]:
    lines = _PATTERNS_FILE.read_text(encoding="utf-8").splitlines()
    return [re.compile(line.strip(), re.IGNORECASE) for line in lines if line.strip() and not line.startswith("#")]


STEERING = _load_patterns()


def is_steering(question: str) -> bool:
    """True for questions that try to change the assistant's instructions or extract its setup."""
    return any(p.search(question) for p in STEERING)
