"""Ask the advisor (in process, bundled corpus) every question of a blind review and write what a buyer
sees: the answer text, then each citation's number, document and verbatim quote.

    .venv/bin/python -m evals.review.ask_review evals/review/questions-2026-11-29.jsonl > answers.txt
"""

from __future__ import annotations

import sys

from evals.golden import bundled_advisor, read_jsonl


def show(item: dict, answer) -> str:
    lines = ["=" * 100, f"{item['id']} {item['kind']} {item['language']} | {item['question']}",
             f"MUST: {item.get('must_contain') or item['must']}", f"--- refused={answer.refused}", answer.answer]
    lines += [f"  [{c.n}] {c.doc_id} | QUOTE: {' / '.join(c.quote.splitlines())}" for c in answer.citations]
    return "\n".join(lines)


def main(path: str) -> None:
    items = read_jsonl(path)
    with bundled_advisor() as advisor:
        for item in items:
            print(show(item, advisor.ask(item["question"])))


if __name__ == "__main__":
    main(sys.argv[1])
