"""Whether a source sentence carries a step (what to do) or a cause (why), from the cue patterns of
advisor/resources/procedures.toml (validated at load). A procedure or reason answer leads with such a
sentence when it meets the question about as well as the best one."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from advisor.answer.analysis import compile_patterns
from advisor.errors import ConfigError
from advisor.package_data import read_text
from advisor.text import fold

SOURCE = "advisor/resources/procedures.toml"
KINDS = ("step", "reason", "cause")


def load(text: str | None = None) -> dict[str, tuple]:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "procedures.toml"))
    if set(data) != set(KINDS):
        raise ConfigError(f"{SOURCE}: expected exactly the sections {', '.join(KINDS)}, got {sorted(data)}")
    return {k: compile_patterns(SOURCE, k, data[k].get("patterns")) for k in KINDS}


@lru_cache(maxsize=1)
def _cues() -> dict[str, tuple]:
    return load()


def carries(sentence: str, kind: str) -> bool:
    """Whether `sentence` says what to do (`kind` "step"), why ("reason": a cause or a purpose), or
    the cause outright ("cause": 'vergt', 'staat haaks op', 'omdat')."""
    folded = " ".join(fold(sentence).split())
    return any(p.search(folded) for p in _cues()[kind])
