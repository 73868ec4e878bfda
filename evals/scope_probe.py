"""Train the scope probe (advisor/scope_probe.py) on the dev split and weigh it with the lexical signals.

    .venv/bin/python -m evals.scope_probe [--split dev] [--write]

Every labelled dev question (evals.scope.labelled: the scope set, the golden sets, answer_types and
question_types, and the training questions of evals/sets/scope_train.jsonl) is searched as the advisor searches it; its lexical scope signals are measured and
its search query embedded with e5. Then, for each probe regularisation of PROBE_L2_GRID:

1. each question's `dense` signal is the probability of a probe trained without it (10 folds), so the
   weights below learn how far an unseen question's probe can be trusted (stacking);
2. the weights of all signals with `dense` are cross-validated as `python -m evals.scope --calibrate`
   does (its l2 and answer-weight grids, 10 folds, 5 shuffles).

The setting with the best cross-validated refusal recall whose false refusal rate stays within 0.02
is chosen; the probe is then trained on every question with its regularisation. Prints the
cross-validated figures, the [weights_probe] table for scope.toml and, with --write, writes
advisor/resources/scope_probe.toml. Deterministic: fixed fold orders, Newton's method.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from evals.golden import bundled_advisor
from evals.scope import ANSWER_WEIGHT_GRID, L2_GRID, choose, cross_validate, fit, labelled, query_of, signals_of

PROBE_L2_GRID = (0.00003, 0.0001, 0.0003, 0.001, 0.003)
FOLDS = 10


def out_of_fold(vectors: np.ndarray, answerable: np.ndarray, l2: float, folds: int = FOLDS) -> np.ndarray:
    """Each question's probe probability from a probe trained on the other folds (a fixed order)."""
    from advisor.scope_probe import train

    order = np.random.default_rng(0).permutation(len(answerable))
    p = np.zeros(len(answerable))
    for k in range(folds):
        held = order[k::folds]
        kept = np.setdiff1d(order, held)
        bias, weights = train(vectors[kept], answerable[kept], l2)
        p[held] = 1 / (1 + np.exp(-np.clip(bias + vectors[held] @ weights, -60, 60)))
    return p


def measure(advisor, split: str = "dev"):
    """(signals without `dense`, e5 query vectors, answerable, refused by the neighbour rule) of the
    split's labelled questions."""
    from advisor.embedders import embed_queries, get_embedder

    e5 = get_embedder("e5")
    signals, vectors, answerable, forced = [], [], [], []
    for question, history, label in labelled(split, training=True):
        decision = signals_of(advisor, question, history, neighbours=True)
        if decision is None:
            continue
        signals.append({k: v for k, v in decision.signals.items() if k != "dense"})
        vectors.append(embed_queries(e5, [query_of(advisor, question, history)])[0])
        answerable.append(label)
        forced.append(bool(decision.neighbour))
    return signals, np.array(vectors, dtype=np.float64), np.array(answerable, dtype=bool), forced


def train_probe(advisor, split: str = "dev", verbose: bool = True) -> dict:
    """The chosen settings, the [weights_probe] table and the probe trained on every question."""
    from advisor.scope import PROBE_SIGNALS
    from advisor.scope_probe import train

    signals, vectors, answerable, forced = measure(advisor, split)
    table, dense = {}, {}
    for probe_l2 in PROBE_L2_GRID:
        dense[probe_l2] = out_of_fold(vectors, answerable, probe_l2)
        stacked = [{**s, "dense": float(d)} for s, d in zip(signals, dense[probe_l2])]
        for l2 in L2_GRID:
            for aw in ANSWER_WEIGHT_GRID:
                table[(probe_l2, l2, aw)] = cross_validate(stacked, list(answerable), forced, l2, aw,
                                                           names=PROBE_SIGNALS)
    chosen = choose(table)
    probe_l2, l2, aw = chosen
    if verbose:
        print(f"# {len(signals)} {split} questions; cross-validated (10-fold, 5 shuffles) refusal precision / "
              "recall / false refusal rate of the lexical signals with the probe's:")
        for key, row in table.items():
            mark = "  <- chosen" if key == chosen else ""
            print(f"#   probe l2 {key[0]:<6} l2 {key[1]:<6} answer_weight {key[2]:<4} "
                  + " / ".join(f"{v:.3f}" for v in row.values()) + mark)
    stacked = [{**s, "dense": float(d)} for s, d in zip(signals, dense[probe_l2])]
    weights = fit(stacked, list(answerable), l2, aw, PROBE_SIGNALS)
    bias, probe_weights = train(vectors, answerable, probe_l2)
    return {"probe_l2": probe_l2, "l2": l2, "answer_weight": aw, "questions": len(signals),
            "figures": table[chosen], "weights": weights, "probe": (bias, probe_weights)}


def main(argv=None) -> None:
    from advisor.scope_probe import dump

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev"], default="dev", help="train on the dev split only")
    parser.add_argument("--write", action="store_true", help="write advisor/resources/scope_probe.toml")
    args = parser.parse_args(argv)
    with bundled_advisor() as advisor:
        result = train_probe(advisor, args.split)
    figures = " / ".join(f"{v:.3f}" for v in result["figures"].values())
    print(f"[weights_probe]  # paste into advisor/resources/scope.toml (probe l2 {result['probe_l2']}, "
          f"l2 {result['l2']}, answer_weight {result['answer_weight']}; cross-validated {figures})")
    print("\n".join(f"{k} = {v:.2f}" for k, v in result["weights"].items()))
    if args.write:
        bias, weights = result["probe"]
        path = Path(__file__).resolve().parent.parent / "advisor" / "resources" / "scope_probe.toml"
        path.write_text(dump(bias, weights, {"split": args.split, "questions": result["questions"],
                                             "l2": result["probe_l2"]}), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
