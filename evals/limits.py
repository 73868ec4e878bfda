"""Limits of the suites that have their own runner (evals/thresholds.toml `[suites.<suite>.<split>]`):
one reader and one check for all of them, so every suite's gate fails the same way."""

from __future__ import annotations

import tomllib

from advisor.package_data import folder


def suite_limits(suite: str, split: str, metrics) -> dict[str, float]:
    """The limits of `suite` on `split`, each named after one of `metrics`; a missing or unknown one
    raises naming the table and the fix."""
    path = folder("evals") / "thresholds.toml"
    limits = tomllib.loads(path.read_text(encoding="utf-8")).get("suites", {}).get(suite, {}).get(split)
    if not limits or set(limits) - set(metrics):
        raise KeyError(f"{path}: [suites.{suite}.{split}] needs limits named after the metrics "
                       f"({', '.join(metrics)}); set them at what the split reaches now")
    return {k: float(v) for k, v in limits.items()}


def out_of_bounds(row: dict[str, float | None], limits: dict[str, float], ceilings=()) -> list[str]:
    """The metrics of `row` below their floor, or above it for a metric in `ceilings`."""
    failing = []
    for name, limit in limits.items():
        value = row.get(name)
        if value is None or (value > limit if name in ceilings else value < limit):
            failing.append(f"{name}: {value} (limit {limit})")
    return failing
