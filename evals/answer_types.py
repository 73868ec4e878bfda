r"""What users see, per kind of question (issue "Answers that answer"): is the asked thing in the
answer's first statement and inside a quote it shows, is a list complete, is there filler, is an
English question answered in English prose.

    .venv/bin/python -m evals.answer_types [--split dev|test|holdout] [--show] [--ids REGEX]

Runs the advisor in process on evals/sets/answer_types.jsonl (written from the documents before the
advisor ever answered them) and prints one row per question type, then how often the question
analysis gives the labelled type (question_types.jsonl and answer_types.jsonl; the hold-out:
question_types_holdout.jsonl). `--ids` keeps the items whose id matches a regular expression, to
score one batch of items apart (`--ids 'type-fact-1[1-3]\d|qt-fact-0[2-9]\d'`). Metric functions are
pure: they take an item and the Answer.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict

from advisor.compose import is_filler
from advisor.model import Answer
from advisor.package_data import folder
from advisor.text import detect_language, fold
from evals.golden import bundled_advisor, read_jsonl
from evals.limits import out_of_bounds as limits_out_of_bounds, suite_limits

MARKER = re.compile(r"\[\d+\]")
QUOTED = re.compile(r"[„“\"‘][^„“”\"’]*[”\"’]")
# A quoted statement, whole to its marker (a Dutch quote may hold ’ or “…” of its own)
STATEMENT_QUOTE = re.compile(r"„[^\n]*”(?=\s*\[\d+\])")
TYPES = ("definition", "list", "comparison", "fact", "procedure", "reason")


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


def statements(answer: Answer) -> list[str]:
    """The answer's lines that carry a citation marker: what it states from its sources."""
    return [line.strip() for line in answer.answer.splitlines() if MARKER.search(line)]


def shown_quotes(answer: Answer) -> list[str]:
    return [_norm(c.quote) for c in answer.citations]


def gold_in_quote(item: dict, answer: Answer) -> float | None:
    """1 when the words that carry the answer are inside a quote the answer shows."""
    if not item.get("gold"):
        return None
    gold = _norm(item["gold"])
    return float(not answer.refused and any(gold in q for q in shown_quotes(answer)))


def fact_first(item: dict, answer: Answer) -> float | None:
    """Fact questions: 1 when the asked value is in the answer's first statement."""
    if item["type"] != "fact" or not item.get("value"):
        return None
    first = statements(answer)[:1]
    return float(bool(first) and _norm(item["value"]) in _norm(first[0]))


def list_completeness(item: dict, answer: Answer) -> float | None:
    """List questions: the share of the expected items the answer shows (in its text or its quotes)."""
    if item["type"] != "list" or not item.get("items"):
        return None
    if answer.refused:
        return 0.0
    shown = _norm(answer.answer) + " " + " ".join(shown_quotes(answer))
    return sum(_norm(i) in shown for i in item["items"]) / len(item["items"])


def steps_shown(item: dict, answer: Answer) -> float | None:
    """Procedure and why questions: the share of the expected steps (or the sentences that carry the
    cause) inside a quote the answer shows."""
    if item["type"] not in ("procedure", "reason") or not item.get("steps"):
        return None
    quotes = [] if answer.refused else shown_quotes(answer)
    return sum(any(_norm(s) in q for q in quotes) for s in item["steps"]) / len(item["steps"])


def sides_shown(item: dict, answer: Answer) -> float | None:
    """Comparisons: the share of the two sides whose describing words are inside a quote the answer shows."""
    if item["type"] != "comparison" or not item.get("sides"):
        return None
    quotes = [] if answer.refused else shown_quotes(answer)
    return sum(any(_norm(s["anchor"]) in q for q in quotes) for s in item["sides"]) / len(item["sides"])


def gold_first(item: dict, answer: Answer) -> float | None:
    """Procedure and why questions: 1 when the words that carry the answer are in the first quote
    shown: the answer leads with the way or the cause, not with a sentence around it."""
    if item["type"] not in ("procedure", "reason") or not item.get("gold"):
        return None
    quotes = [] if answer.refused else shown_quotes(answer)
    return float(bool(quotes) and _norm(item["gold"]) in quotes[0])


def filler_rate(item: dict, answer: Answer) -> float | None:
    """The share of the answer's statements that are navigation or page furniture."""
    lines = statements(answer)
    if not lines:
        return None
    return sum(is_filler(MARKER.sub("", s)) for s in lines) / len(lines)


def english_prose(item: dict, answer: Answer) -> float | None:
    """English questions: 1 when the answer says something of its own in English: its text with the
    quotes, the markers and the fixed frame every answer carries (prompts/answer.toml) removed
    still has a few words, and they read as English. A refusal counts as no prose."""
    if item["language"] != "en":
        return None
    from advisor.phrases import phrases

    own = QUOTED.sub(" ", MARKER.sub(" ", STATEMENT_QUOTE.sub(" ", answer.answer)))
    for fixed in phrases("answer")["en"].values():
        own = own.replace(fixed, " ")
    return float(not answer.refused and len(own.split()) >= 4 and detect_language(own) == "en")


METRICS = {"gold in quote": gold_in_quote, "fact first": fact_first, "list completeness": list_completeness,
           "filler rate": filler_rate, "English prose": english_prose, "steps shown": steps_shown,
           "sides shown": sides_shown, "gold first": gold_first}


def floors(split: str = "test") -> dict[str, float]:
    """The limits of the "all" row (evals/thresholds.toml [suites.answer_types.<split>])."""
    return suite_limits("answer_types", split, METRICS)


def out_of_bounds(row: dict[str, float | None], limits: dict[str, float]) -> list[str]:
    """The metrics of `row` below their floor (filler rate: above its ceiling)."""
    return limits_out_of_bounds(row, limits, ceilings={"filler rate"})


def load(split: str | None) -> list[dict]:
    """The items of a split of answer_types.jsonl (None: both), or, for "holdout", every item of
    answer_types_holdout.jsonl (written later from the documents alone, by someone who had not seen
    the composers: it says how far what was built on dev carries)."""
    if split == "holdout":
        return read_jsonl(folder("evals") / "sets" / "answer_types_holdout.jsonl")
    rows = read_jsonl(folder("evals") / "sets" / "answer_types.jsonl")
    return [r for r in rows if split in (None, r["split"])]


def labelled_questions(split: str | None) -> list[dict]:
    """Questions labelled with a type the analysis knows, of a split (as tests/test_analysis.py reads them)."""
    from advisor.answer.analysis import TYPES as KNOWN

    sets = folder("evals") / "sets"
    names = ("question_types_holdout.jsonl",) if split == "holdout" else ("question_types.jsonl", "answer_types.jsonl")
    rows = [r for name in names for r in read_jsonl(sets / name)]
    wanted = "test" if split == "holdout" else split
    return [r for r in rows if wanted in (None, r["split"]) and r["type"] in KNOWN]


def type_accuracy(rows: list[dict]) -> dict[str, tuple[int, int]]:
    """Right / asked, over all rows and per labelled type."""
    from advisor.answer.analysis import analyse

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        hit = int(analyse(r["question"]).type == r["type"])
        for key in ("all", r["type"]):
            counts[key][0] += hit
            counts[key][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def table(items: list[dict], answers: list[Answer]) -> dict[str, dict[str, float | None]]:
    per_type: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item, answer in zip(items, answers):
        for name, metric in METRICS.items():
            value = metric(item, answer)
            if value is not None:
                per_type[item["type"]][name].append(value)
                per_type["all"][name].append(value)
    return {t: {m: (sum(v) / len(v) if (v := per_type[t].get(m)) else None) for m in METRICS}
            for t in (*TYPES, "all")}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "holdout"], default=None)
    parser.add_argument("--show", action="store_true", help="print each question with its first statement")
    parser.add_argument("--ids", default=None, help="only the items whose id matches this regular expression")
    args = parser.parse_args(argv)
    keep = re.compile(args.ids).fullmatch if args.ids else bool
    items = [i for i in load(args.split) if keep(i["id"])]
    with bundled_advisor() as advisor:
        answers = [advisor.ask(i["question"]) for i in items]
    if args.show:
        for item, answer in zip(items, answers):
            first = (statements(answer) or [answer.answer.splitlines()[0]])[0]
            print(f"[{item['id']}] {item['question']}\n    → {first[:160]}")
    print(f"\n{len(items)} questions ({args.split or 'all splits'})\n")
    print("| type | " + " | ".join(METRICS) + " |")
    print("|---|" + "---|" * len(METRICS))
    for kind, row in table(items, answers).items():
        print(f"| {kind} | " + " | ".join("—" if v is None else f"{v:.2f}" for v in row.values()) + " |")
    accuracy = type_accuracy([r for r in labelled_questions(args.split) if keep(r["id"])])
    if accuracy:
        print("\nquestion type right: " + ", ".join(
            f"{kind} {right}/{asked} = {right / asked:.3f}" for kind, (right, asked) in sorted(
                accuracy.items(), key=lambda kv: (kv[0] != "all", kv[0]))))


if __name__ == "__main__":
    main()
