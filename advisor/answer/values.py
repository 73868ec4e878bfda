"""Values of the kinds a fact question asks for (a percentage, a date, an e-mail address, a name…),
found in source text by the patterns of advisor/resources/values.toml (validated at load).

The composer leads a fact answer with the sentence that holds a value of the asked kind, and
names that value, verbatim, in its first line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from advisor.answer.analysis import VALUE_KINDS, compile_patterns
from advisor.errors import ConfigError
from advisor.package_data import read_text

SOURCE = "advisor/resources/values.toml"


@dataclass(frozen=True)
class Value:
    kind: str
    start: int   # offsets in the text searched
    end: int
    text: str


def load_values(text: str | None = None) -> dict[str, tuple[re.Pattern, ...]]:
    data = tomllib.loads(text if text is not None else read_text("advisor.resources", "values.toml"))
    if set(data) != set(VALUE_KINDS):
        raise ConfigError(f"{SOURCE}: needs one table per value kind ({', '.join(VALUE_KINDS)}); "
                          f"missing {sorted(set(VALUE_KINDS) - set(data))}, unknown {sorted(set(data) - set(VALUE_KINDS))}")
    out = {}
    for kind in VALUE_KINDS:
        table = data[kind]
        if set(table) - {"patterns", "case"} or not isinstance(table.get("case", False), bool):
            raise ConfigError(f"{SOURCE} [{kind}]: only `patterns` (a list) and `case` (true/false) are known")
        out[kind] = compile_patterns(SOURCE, kind, table.get("patterns"), case=table.get("case", False))
    return out


@lru_cache(maxsize=1)
def patterns() -> dict[str, tuple[re.Pattern, ...]]:
    return load_values()


def find(kind: str, text: str) -> list[Value]:
    """The values of `kind` in `text`, in order, overlapping matches merged into the longest."""
    spans = sorted((m.start(), m.end()) for p in patterns().get(kind, ()) for m in p.finditer(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Value(kind, s, e, text[s:e].strip()) for s, e in merged if text[s:e].strip()]
