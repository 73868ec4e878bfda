"""Scope (issue "Conversation and scope"): is a question the sources do not cover refused, and is a
question they do cover answered, whatever words the two share.

    .venv/bin/python -m evals.scope [--split dev|test] [--show]

Runs every question of evals/sets/scope.jsonl (out-of-scope questions of three kinds: general
knowledge, other legal domains, near-domain procurement notions the corpus does not cover; in-scope
look-alikes; fair questions with an instruction to the assistant in them) through `Advisor.ask`.
A refusal counts only when it is clean (no citations), as in the golden suites. Metric functions are
pure: they take the items and their answers.
"""

from __future__ import annotations

import argparse

from advisor.model import Answer
from advisor.package_data import folder
from evals.golden import bundled_advisor, read_jsonl
from evals.limits import out_of_bounds as limits_out_of_bounds, suite_limits

REFUSE_KINDS = ("general_knowledge", "other_legal_domain", "near_domain")
ANSWER_KINDS = ("in_scope", "mixed")
KINDS = (*REFUSE_KINDS, *ANSWER_KINDS)
METRICS = ("refusal precision", "refusal recall", "false refusal rate", "on topic")


def _norm(text: str) -> str:
    return " ".join(text.split())


def refused(answer: Answer) -> bool:
    """A clean refusal: refused, nothing cited."""
    return answer.refused and not answer.citations


def on_topic(item: dict, answer: Answer) -> bool | None:
    """An answerable question answered from the passage its evidence is in (a cited passage holds an anchor)."""
    if item["refuse"] or refused(answer):
        return None
    return any(c.doc_id == e["doc_id"] and _norm(e["anchor"]) in _norm(c.text)
               for c in answer.citations for e in item.get("evidence") or ())


def _share(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def metrics(items: list[dict], answers: list[Answer]) -> dict[str, float | None]:
    """Refusal precision (of the refused, the share that should be), recall (of those to refuse, the
    share refused), the false refusal rate (of the answerable, the share refused) and, of the
    answerable questions answered, the share citing their evidence."""
    pairs = list(zip(items, answers))
    return {
        "refusal precision": _share([i["refuse"] for i, a in pairs if refused(a)]),
        "refusal recall": _share([refused(a) for i, a in pairs if i["refuse"]]),
        "false refusal rate": _share([refused(a) for i, a in pairs if not i["refuse"]]),
        "on topic": _share([v for i, a in pairs if (v := on_topic(i, a)) is not None]),
    }


def table(items: list[dict], answers: list[Answer]) -> dict[str, dict[str, float | None]]:
    """Per kind (and `all`). A kind holds only refusable or only answerable questions, so its row
    shows recall or the false refusal rate; precision is a property of the whole set."""
    rows = {}
    for kind in (*KINDS, "all"):
        chosen = [(i, a) for i, a in zip(items, answers) if kind in ("all", i["kind"])]
        if chosen:
            rows[kind] = metrics([i for i, _ in chosen], [a for _, a in chosen])
    return rows


def floors(split: str = "test") -> dict[str, float]:
    """The limits of the "all" row (evals/thresholds.toml [suites.scope.<split>]); the false refusal
    rate is a ceiling, the others floors."""
    return suite_limits("scope", split, METRICS)


def out_of_bounds(row: dict[str, float | None], limits: dict[str, float]) -> list[str]:
    return limits_out_of_bounds(row, limits, ceilings={"false refusal rate"})


def load(split: str | None, prefix: str | None = None) -> list[dict]:
    """The items of a split (all when None), optionally only those whose id starts with `prefix`
    (`scope-` the first batch, `scope2-` the second, `scope3-` the third; several joined by commas:
    `scope-,scope2-`)."""
    rows = read_jsonl(folder("evals") / "sets" / "scope.jsonl")
    prefixes = tuple(p.strip() for p in (prefix or "").split(",")) if prefix else ("",)
    return [r for r in rows if split in (None, r["split"]) and r["id"].startswith(prefixes)]


def query_of(advisor, question: str, history: list[dict] | None = None) -> str | None:
    """What the advisor searches and decides scope on for a question (None when an instruction or a
    task, not coverage, decides it)."""
    from advisor import scope

    question, _ = scope.without_steering(advisor.validate(question))
    if not question or scope.is_offtopic_task(question):
        return None
    return advisor.turn(question, [h for h in history or () if h.get("role") == "user"]).retrieval_query()


def signals_of(advisor, question: str, history: list[dict] | None = None, neighbours: bool = False):
    """The scope decision the advisor takes on a question (None when an instruction or a task, not
    coverage, decides it, and unless `neighbours`, when it names a neighbouring-domain notion)."""
    from advisor import scope
    from advisor.concepts import concepts
    from advisor.text import detect_language

    query = query_of(advisor, question, history)
    if query is None:
        return None
    language = detect_language(scope.without_steering(advisor.validate(question))[0])
    hits = advisor.retriever.search(query, max(advisor.settings.top_k, advisor.settings.max_citations + 2), language)
    decision = advisor.scope(query, concepts(query, advisor.index.lexical, language), hits, language)
    return None if scope.neighbour_notion(query) and not neighbours else decision


def fit(signals: list[dict[str, float]], answerable: list[bool], l2: float = 0.003,
        answer_weight: float = 2.0, names: tuple[str, ...] | None = None) -> dict[str, float]:
    """Logistic regression by Newton's method (numpy only): the weights of scope.toml [weights].
    A wrongly refused answerable question costs `answer_weight` times a wrongly answered one; `l2`
    keeps the weights small (the dev split is a few hundred questions). `names`: the signals fitted
    (scope.SIGNALS, or scope.PROBE_SIGNALS for [weights_probe])."""
    import numpy as np

    from advisor.scope import SIGNALS

    names = names or SIGNALS
    x = np.array([[s[n] for n in names] for s in signals])
    x = np.hstack([np.ones((len(x), 1)), x])
    y = np.array(answerable, dtype=float)
    cost = np.where(y == 1, answer_weight, 1.0) / len(y)
    penalty = l2 * np.diag([0.0] + [1.0] * len(names))
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (cost * (p - y)) + penalty @ w
        hessian = (x * (cost * p * (1 - p))[:, None]).T @ x + penalty + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"bias": float(w[0]), **{n: float(v) for n, v in zip(names, w[1:])}}


L2_GRID = (0.001, 0.003, 0.01, 0.03)
ANSWER_WEIGHT_GRID = (1.0, 1.5, 2.0, 3.0)


def cross_validate(signals: list[dict[str, float]], answerable: list[bool], refused_anyway: list[bool],
                   l2: float, answer_weight: float, folds: int = 10, repeats: int = 5,
                   names: tuple[str, ...] | None = None) -> dict[str, float]:
    """Refusal precision, recall and false refusal rate of `fit` with these settings, each question
    scored by a model fitted without it (`folds`-fold, averaged over `repeats` shuffles). A question
    the neighbour rule refuses (`refused_anyway`) counts as refused whatever the score."""
    import numpy as np

    from advisor.scope import SIGNALS

    names = names or SIGNALS
    x = np.array([[s[n] for n in names] for s in signals])
    y = np.array(answerable, dtype=bool)
    forced = np.array(refused_anyway, dtype=bool)
    figures = []
    for seed in range(repeats):
        order = np.random.default_rng(seed).permutation(len(y))
        p = np.zeros(len(y))
        for k in range(folds):
            held = order[k::folds]
            kept = np.setdiff1d(order, held)
            w = fit([signals[i] for i in kept], [bool(y[i]) for i in kept], l2, answer_weight, names)
            z = w["bias"] + x[held] @ np.array([w[n] for n in names])
            p[held] = 1 / (1 + np.exp(-z))
        refused = (p < 0.5) | forced
        figures.append(((refused & ~y).sum() / max(refused.sum(), 1), (refused & ~y).sum() / max((~y).sum(), 1),
                        (refused & y).sum() / max(y.sum(), 1)))
    mean = np.mean(figures, axis=0)
    return {"refusal precision": float(mean[0]), "refusal recall": float(mean[1]),
            "false refusal rate": float(mean[2])}


def choose(table: dict[tuple[float, float], dict[str, float]], ceiling: float = 0.02) -> tuple[float, float]:
    """The settings with the best cross-validated refusal recall among those whose false refusal rate
    stays within `ceiling` (the issue's limit), precision breaking ties; the lowest false refusal
    rate when none does."""
    within = {k: v for k, v in table.items() if v["false refusal rate"] <= ceiling}
    if not within:
        return min(table, key=lambda k: table[k]["false refusal rate"])
    return max(within, key=lambda k: (round(within[k]["refusal recall"], 3), within[k]["refusal precision"]))


def labelled(split: str = "dev", training: bool = False) -> list[tuple[str, list[dict] | None, bool]]:
    """Every question of the split whose set says whether it should be answered: (question, history,
    answerable). This set; the golden sets (their `refuse` labels); answer_types.jsonl (all
    answerable); question_types.jsonl (answerable unless of type `out_of_scope`); with `training`
    (the dev split only), the training questions of scope_train.jsonl, which no evaluation reads."""
    from evals import golden

    sets = folder("evals") / "sets"
    rows = [(i["question"], None, not i["refuse"]) for i in load(split)]
    if training and split == "dev":
        rows += [(r["question"], None, not r["refuse"]) for r in read_jsonl(sets / "scope_train.jsonl")]
    rows += [(g.question, g.history, not g.refuse) for g in golden.load(split=split)]
    rows += [(r["question"], None, True) for r in read_jsonl(sets / "answer_types.jsonl") if r["split"] == split]
    rows += [(r["question"], None, r["type"] != "out_of_scope")
             for r in read_jsonl(sets / "question_types.jsonl") if r["split"] == split]
    return rows


def calibrate(advisor, split: str = "dev", verbose: bool = True) -> dict[str, float]:
    """Fit the weights on the split's labelled questions (`labelled`), with the regularisation and
    the cost of a false refusal chosen by cross-validation on the same questions."""
    rows = labelled(split)
    measured = []
    for question, history, answerable in rows:
        decision = signals_of(advisor, question, history, neighbours=True)
        if decision is not None:
            measured.append((decision.signals, answerable, bool(decision.neighbour)))
    # a question the neighbour rule refuses is still fitted: its signals say how such questions look
    signals, answerable, forced = ([m[k] for m in measured] for k in range(3))
    table = {(l2, aw): cross_validate(signals, answerable, forced, l2, aw)
             for l2 in L2_GRID for aw in ANSWER_WEIGHT_GRID}
    l2, answer_weight = choose(table)
    if verbose:
        print(f"# {len(signals)} {split} questions; cross-validated (10-fold, 5 shuffles) refusal precision / "
              "recall / false refusal rate:")
        for (a, b), row in table.items():
            mark = "  <- chosen" if (a, b) == (l2, answer_weight) else ""
            print(f"#   l2 {a:<6} answer_weight {b:<4} " + " / ".join(f"{v:.3f}" for v in row.values()) + mark)
    return {"l2": l2, "answer_weight": answer_weight, **fit(signals, answerable, l2, answer_weight)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--prefix", default=None,
                        help="only the items whose id starts with this (scope- the first batch, scope2- the second, "
                             "scope3- the third; several joined by commas)")
    parser.add_argument("--show", action="store_true", help="print each question the advisor got wrong")
    parser.add_argument("--calibrate", action="store_true",
                        help="fit the weights of advisor/resources/scope.toml on this split (dev) and print them")
    args = parser.parse_args(argv)
    items = load(args.split, args.prefix)
    with bundled_advisor() as advisor:
        if args.calibrate:
            if args.split != "dev":
                parser.error("calibrate on the dev split only (--split dev): the test split measures the result")
            weights = calibrate(advisor, args.split)
            print(f"[weights]  # paste into advisor/resources/scope.toml (l2 {weights.pop('l2')}, "
                  f"answer_weight {weights.pop('answer_weight')})")
            print("\n".join(f"{k} = {v:.2f}" for k, v in weights.items()))
            return
        answers = [advisor.ask(i["question"]) for i in items]
    if args.show:
        for item, answer in zip(items, answers):
            wrong = refused(answer) != item["refuse"] or on_topic(item, answer) is False
            mark = "FAIL" if refused(answer) != item["refuse"] else ("off " if wrong else "ok  ")
            why = answer.refusal_reason or (answer.answer.splitlines() or [""])[-1][:120]
            print(f"{mark} [{item['id']}] {item['question']}\n     refused={answer.refused} "
                  f"coverage={answer.coverage} → {why}")
            if mark != "ok  ":
                decision = signals_of(advisor, item["question"])
                if decision is not None:
                    print(f"     p={decision.probability:.2f} " +
                          " ".join(f"{k}={v:.2f}" for k, v in decision.signals.items()))
    print(f"\n{len(items)} questions ({args.split or 'all splits'}{', ' + args.prefix + '*' if args.prefix else ''})\n")
    print("| kind | n | " + " | ".join(METRICS) + " |")
    print("|---|---|" + "---|" * len(METRICS))
    counts = {k: sum(i["kind"] == k for i in items) for k in KINDS} | {"all": len(items)}
    for kind, row in table(items, answers).items():
        print(f"| {kind} | {counts[kind]} | " + " | ".join("—" if v is None else f"{v:.2f}" for v in row.values())
              + " |")


if __name__ == "__main__":
    main()
