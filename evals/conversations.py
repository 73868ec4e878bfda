"""Multi-turn conversations (issue "Conversation and scope"): does a follow-up keep the contract,
does a new notion or a new contract start fresh, is the last question answered.

    .venv/bin/python -m evals.conversations [--split dev|test] [--show]

Runs every case of evals/sets/conversations.jsonl (written from the documents before the advisor
ever answered them) through `Advisor.ask(question, history)`, turn by turn, the way a chat client
sends them: each earlier user turn followed by the advisor's answer to it. Only the last turn is
scored. Each check is a pure function of the case and the last Answer, None where the case says
nothing about it; a case passes when every check that applies passes, and the conversation score
is the share of cases that pass.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from advisor.model import Answer
from advisor.package_data import folder
from evals.golden import bundled_advisor, read_jsonl
from evals.limits import suite_limits

CONTRACT_FIELDS = ("product_group", "value_eur", "duration_months")
KINDS = ("continuation", "topic_change", "contract_change", "english_follow_up", "refusal_then_in_scope",
         "in_scope_then_out_of_scope")


def _norm(text: str) -> str:
    return " ".join(text.split())


def refusal(case: dict, answer: Answer) -> bool:
    """Refused exactly when the last question is out of scope."""
    return answer.refused == case["expect"]["refuse"]


def verdict(case: dict, answer: Answer) -> bool:
    """A reservation verdict exactly when the last question asks one."""
    return (answer.verdict is not None) == case["expect"]["verdict_expected"]


def criteria(case: dict, answer: Answer) -> bool | None:
    """A criteria menu when one is asked; none on a notion, fact or refusal answer. A verdict answer
    may name alternatives, so a menu beside a verdict is not held against it."""
    expect = case["expect"]
    if expect["criteria_expected"]:
        return bool(answer.criteria)
    if expect["verdict_expected"]:
        return None
    return not answer.criteria


def contract(case: dict, answer: Answer) -> bool:
    """Product group, value and duration as the case expects them; null means nothing may be there."""
    expect, intake = case["expect"], answer.intake
    for name in CONTRACT_FIELDS:
        got = getattr(intake, name) if intake is not None else None
        want = expect[name]
        if want is None and got is not None:
            return False
        if want is not None and (got is None or (got != want if name == "product_group" else abs(got - want) > 0.5)):
            return False
    return True


def carried(case: dict, answer: Answer) -> bool:
    """The intake marks the fields the case says come from earlier turns, and no other contract field.
    The jurisdiction is the buyer's, read from cues the intake set measures (a Flemish word such as
    'maatwerkbedrijf' counts there, not in this set): marking it carried is required when the case
    expects it and not held against an answer otherwise."""
    marked = set(getattr(answer.intake, "carried", None) or []) if answer.intake is not None else set()
    expected = set(case["expect"]["carried"])
    return expected <= marked and marked - {"jurisdiction"} <= expected


def no_leak(case: dict, answer: Answer) -> bool | None:
    """None of the strings the case forbids (a verdict label, an old amount) is in the answer text."""
    forbidden = case["expect"].get("forbidden") or []
    if not forbidden:
        return None
    return not any(f in answer.answer for f in forbidden)


def evidence(case: dict, answer: Answer) -> bool | None:
    """The topic is answered: a cited passage holds one of the case's evidence anchors."""
    anchors = case["expect"].get("evidence") or []
    if not anchors or case["expect"]["refuse"]:
        return None
    return any(c.doc_id == a["doc_id"] and _norm(a["anchor"]) in _norm(c.text)
               for c in answer.citations for a in anchors)


CHECKS = {"refusal": refusal, "verdict": verdict, "criteria": criteria, "contract": contract,
          "carried": carried, "no leak": no_leak, "evidence": evidence}


def per_case(case: dict, answer: Answer) -> dict[str, bool | None]:
    return {name: check(case, answer) for name, check in CHECKS.items()}


def passed(results: dict[str, bool | None]) -> bool:
    return all(v is not False for v in results.values())


def score(cases: list[dict], answers: list[Answer]) -> float:
    """The conversation score: the share of cases whose every applicable check passes."""
    if not cases:
        return 0.0
    return sum(passed(per_case(c, a)) for c, a in zip(cases, answers)) / len(cases)


def table(cases: list[dict], answers: list[Answer]) -> dict[str, dict[str, float | None]]:
    """Per kind (and `all`): the pass rate of each check and of whole cases."""
    rows: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for case, answer in zip(cases, answers):
        results = per_case(case, answer)
        for kind in (case["kind"], "all"):
            for name, value in results.items():
                if value is not None:
                    rows[kind][name].append(value)
            rows[kind]["case"].append(passed(results))
    return {k: {m: (sum(v) / len(v) if (v := rows[k].get(m)) else None) for m in (*CHECKS, "case")}
            for k in (*KINDS, "all") if k in rows}


def floor(split: str = "test") -> float:
    """The conversation score the split must reach (evals/thresholds.toml [suites.conversations.<split>])."""
    return suite_limits("conversations", split, ("conversation_score",))["conversation_score"]


def load(split: str | None) -> list[dict]:
    rows = read_jsonl(folder("evals") / "sets" / "conversations.jsonl")
    return [r for r in rows if split in (None, r["split"])]


def run(advisor, case: dict) -> Answer:
    """The last turn's answer, each earlier turn asked (and answered) first, as a chat client does."""
    history: list[dict] = []
    answer = None
    for turn in case["turns"]:
        answer = advisor.ask(turn["content"], history)
        history += [{"role": "user", "content": turn["content"]}, {"role": "assistant", "content": answer.answer}]
    return answer


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--show", action="store_true", help="print each failing case with what went wrong")
    args = parser.parse_args(argv)
    cases = load(args.split)
    with bundled_advisor() as advisor:
        answers = [run(advisor, c) for c in cases]
    if args.show:
        for case, answer in zip(cases, answers):
            results = per_case(case, answer)
            failed = [n for n, v in results.items() if v is False]
            mark = "ok  " if not failed else "FAIL"
            intake = answer.intake
            got = ({f: getattr(intake, f) for f in CONTRACT_FIELDS} | {"carried": getattr(intake, "carried", None)}
                   if intake else None)
            print(f"{mark} [{case['id']}] {case['turns'][-1]['content']}")
            if failed:
                first = answer.answer.splitlines()[0] if answer.answer else ""
                print(f"     failed: {', '.join(failed)}; verdict={answer.verdict is not None} "
                      f"criteria={len(answer.criteria)} refused={answer.refused} intake={got}\n     → {first[:140]}")
    print(f"\n{len(cases)} conversations ({args.split or 'all splits'}); "
          f"conversation score {score(cases, answers):.3f}\n")
    print("| kind | " + " | ".join((*CHECKS, "case")) + " |")
    print("|---|" + "---|" * (len(CHECKS) + 1))
    for kind, row in table(cases, answers).items():
        print(f"| {kind} | " + " | ".join("—" if v is None else f"{v:.2f}" for v in row.values()) + " |")


if __name__ == "__main__":
    main()
