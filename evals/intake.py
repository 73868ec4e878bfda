"""The advisory engine measured on the hand-written sets (issue #16): does the intake read the
contract, and does the advisor give a verdict exactly when one is asked, with the right criteria.

    .venv/bin/python -m evals.intake [--split dev|test] [--set intake|advice|notions|all] [--show] [--ids REGEX]

- `intake`: evals/sets/intake.jsonl, read by `advisor.intake.build` (no index needed); per-field
  accuracy: the product groups (the set the contract covers, all of them), the primary group (in that
  set, or none when the set is empty), value, duration, framework agreement and jurisdiction (an
  assumed jurisdiction counts as none said).
- `advice`: evals/sets/advice.jsonl through the advisor over the bundled corpus: verdict accuracy
  (a row whose `verdict` is null must get none), criteria recall (of the minimum ids the row expects),
  criteria precision (the share of proposed ids that are not forbidden for the row) and the strict
  precision `advisor eval` uses (proposed ids that are among the expected minimum).
- `notions`: every non-advisory question of evals/sets/question_types.jsonl (definitions, lists,
  facts, out of scope, ...) and of evals/sets/notions.jsonl (such questions naming a product group or
  reservation): the share that carries no verdict (must be 1.0).

`--ids` keeps the rows whose id matches a regular expression, to score one batch apart from the rest
(`--ids 'notion-(04[7-9]|0[5-9]\\d)'` the fourth batch of notions; `--ids '(?!notion-(04[7-9]|0[5-9]\\d)).*'`
everything before it). Metric functions are pure: they take a labelled row and what the advisor returned.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from advisor.package_data import folder
from evals.golden import read_jsonl

INTAKE_FIELDS = ("product_groups", "primary_group", "value_eur", "duration_months", "framework_agreement",
                 "jurisdiction")
SETS = ("intake", "advice", "notions")


def load(name: str, split: str | None, ids: str | None = None) -> list[dict]:
    files = {"intake": ("intake.jsonl",), "advice": ("advice.jsonl",),
             "notions": ("question_types.jsonl", "notions.jsonl")}[name]
    rows = [row for file in files for row in read_jsonl(folder("evals") / "sets" / file)]
    if name == "notions":
        rows = [r for r in rows if r["type"] != "advisory"]
    keep = re.compile(ids).fullmatch if ids else bool
    return [r for r in rows if split in (None, r["split"]) and keep(r["id"])]


# --- intake ---------------------------------------------------------------------------------------

def read_contract(text: str) -> dict:
    """What the intake reads from one text, in the labelled set's terms."""
    from advisor.intake import build

    intake = build(text)
    groups = [g for g in (intake.product_group, *intake.other_groups) if g]
    return {"product_groups": groups, "value_eur": intake.value_eur, "duration_months": intake.duration_months,
            "framework_agreement": intake.framework_agreement,
            "jurisdiction": None if intake.jurisdiction_assumed else intake.jurisdiction}


def _same_number(a, b) -> bool:
    return a is None and b is None or a is not None and b is not None and abs(float(a) - float(b)) < 0.5


def intake_fields(row: dict, read: dict) -> dict[str, bool]:
    """Per field: did the intake read what the row labels."""
    expected = row["product_groups"]
    primary = read["product_groups"][0] if read["product_groups"] else None
    return {"product_groups": set(read["product_groups"]) == set(expected),
            "primary_group": primary in expected if expected else primary is None,
            "value_eur": _same_number(read["value_eur"], row["value_eur"]),
            "duration_months": _same_number(read["duration_months"], row["duration_months"]),
            "framework_agreement": read["framework_agreement"] == row["framework_agreement"],
            "jurisdiction": read["jurisdiction"] == row["jurisdiction"]}


def intake_table(rows: list[dict], reads: list[dict]) -> dict[str, float]:
    scored = [intake_fields(r, x) for r, x in zip(rows, reads)]
    return {f: sum(s[f] for s in scored) / len(scored) for f in INTAKE_FIELDS} if scored else {}


# --- advice ---------------------------------------------------------------------------------------

def verdict_correct(row: dict, verdict: str | None) -> float:
    """1 when the verdict is one the row accepts, or when the row asks none and none was given."""
    return float(verdict is None) if row["verdict"] is None else float(verdict in row["verdict"])


def criteria_recall(row: dict, proposed: list[str]) -> float | None:
    expected = set(row["criteria"])
    return len(expected & set(proposed)) / len(expected) if expected else None


def criteria_precision(row: dict, proposed: list[str]) -> float | None:
    """The share of proposed instruments the row does not forbid (`criteria` is a minimum, not the menu)."""
    if not proposed:
        return None
    return sum(c not in row["criteria_forbidden"] for c in proposed) / len(proposed)


def strict_precision(row: dict, proposed: list[str]) -> float | None:
    """As `advisor eval` scores it: the share of proposed instruments among the expected minimum."""
    if not proposed or not row["criteria"]:
        return None
    return len(set(proposed) & set(row["criteria"])) / len(proposed)


ADVICE_METRICS = {"verdict accuracy": verdict_correct, "criteria recall": criteria_recall,
                  "criteria precision": criteria_precision, "strict precision": strict_precision}


def advice_table(rows: list[dict], answers: list) -> dict[str, float | None]:
    table = {}
    for name, metric in ADVICE_METRICS.items():
        arg = (lambda a: a.verdict.reservable if a.verdict else None) if name == "verdict accuracy" else (
            lambda a: [c.id for c in a.criteria])
        values = [v for r, a in zip(rows, answers) if (v := metric(r, arg(a))) is not None]
        table[name] = sum(values) / len(values) if values else None
    return table


def no_verdict_rate(answers: list) -> float | None:
    """Of questions that ask no verdict, the share answered without one."""
    return sum(a.verdict is None for a in answers) / len(answers) if answers else None


# --- running --------------------------------------------------------------------------------------

FLOORS = folder("evals") / "thresholds_sets.toml"


def _advisor(tmp: str):
    from advisor.config import BUNDLED_CORPUS, load_settings
    from advisor.core import Advisor
    from ingest.pipeline import ingest

    settings = load_settings(data_dir=Path(tmp) / "data")
    ingest([BUNDLED_CORPUS], settings)
    return Advisor(settings)


def ask(advisor, row: dict):
    history = [{"role": "user", "content": turn} for turn in row.get("history", ())]
    return advisor.ask(row.get("question") or row["text"], history)


def run(split: str | None, advisor=None, which=SETS, show: bool = False,
        ids: str | None = None) -> dict[str, dict[str, float | None]]:
    """Scores per set; `advisor` is needed for the advice and notions sets."""
    results: dict[str, dict[str, float | None]] = {}
    if "intake" in which:
        rows = load("intake", split, ids)
        reads = [read_contract(r["text"]) for r in rows]
        for row, read in zip(rows, reads) if show else ():
            wrong = [f for f, ok in intake_fields(row, read).items() if ok is False]
            if wrong:
                print(f"[{row['id']}] {row['text']}\n    wrong: {', '.join(wrong)}; read {read}")
        results["intake"] = intake_table(rows, reads)
    if "advice" in which:
        rows = load("advice", split, ids)
        answers = [ask(advisor, r) for r in rows]
        for row, a in zip(rows, answers) if show else ():
            got, menu = (a.verdict.reservable if a.verdict else None), [c.id for c in a.criteria]
            scores = (verdict_correct(row, got), criteria_recall(row, menu), criteria_precision(row, menu))
            if any(v is not None and v < 1 for v in scores):
                print(f"[{row['id']}] {row['question'][:110]}\n    verdict {got} (want {row['verdict']}); menu {menu} "
                      f"(want {row['criteria']}, not {row['criteria_forbidden']})")
        results["advice"] = advice_table(rows, answers)
    if "notions" in which:
        rows = load("notions", split, ids)
        answers = [advisor.ask(r["question"]) for r in rows]
        for row, a in zip(rows, answers) if show else ():
            if a.verdict is not None:
                print(f"[{row['id']}] ({row['type']}) {row['question']}\n    verdict {a.verdict.reservable}")
        results["notions"] = {"no verdict": no_verdict_rate(answers)}
    return results


def load_floors(path: Path = FLOORS) -> dict[str, dict[str, float]]:
    import tomllib

    floors = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    known = {"intake": INTAKE_FIELDS, "advice": tuple(ADVICE_METRICS), "notions": ("no verdict",)}
    for name, table in floors.items():
        unknown = set(table) - set(known.get(name, ()))
        if name not in known or unknown:
            raise ValueError(f"{path}: [{name}] is not a set with metrics {sorted(unknown) or ''}; "
                             f"known: {', '.join(f'{k}: {list(v)}' for k, v in known.items())}")
    return floors


def below_floors(results: dict, floors: dict) -> list[str]:
    """Each metric under its floor, as a readable line (empty when all pass)."""
    return [f"{name} {metric}: {_fmt(results.get(name, {}).get(metric))} < {floor}"
            for name, table in floors.items() for metric, floor in table.items()
            if (results.get(name, {}).get(metric) or 0.0) < floor]


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all", dest="which")
    parser.add_argument("--show", action="store_true", help="print every row the advisor gets wrong")
    parser.add_argument("--ids", default=None, help="only the rows whose id matches this regular expression")
    args = parser.parse_args(argv)
    which = SETS if args.which == "all" else (args.which,)
    with tempfile.TemporaryDirectory() as tmp:
        advisor = _advisor(tmp) if set(which) - {"intake"} else None
        results = run(args.split, advisor, which, args.show, args.ids)
    sizes = {name: len(load(name, args.split, args.ids)) for name in results}
    for name, table in results.items():
        print(f"\n{name} ({sizes[name]} rows, {args.split or 'all splits'})\n")
        print("| " + " | ".join(table) + " |\n|" + "---|" * len(table))
        print("| " + " | ".join(_fmt(v) for v in table.values()) + " |")
    if args.split == "test" and not args.ids:
        failures = below_floors(results, load_floors())
        print("\n" + ("below evals/thresholds_sets.toml:\n" + "\n".join(failures) if failures
                      else "all floors of evals/thresholds_sets.toml met"))


if __name__ == "__main__":
    main()
