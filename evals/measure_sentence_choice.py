"""Would e5 similarity help choose the answer sentences? A measurement, not a product path.

    .venv/bin/python -m evals.measure_sentence_choice [--split dev] [--betas 0,0.1,0.2,0.3] [--embedder none]

Runs the advisor (retrieval as configured by --embedder) over the golden items of a split, with the
composer's sentence score plus beta times the question-sentence cosine (min-max normalised over the
candidate sentences of that question), and prints the answer metrics per beta. Sentence vectors are
computed once per sentence and kept (what precomputing them at ingest would give); the timing line
says what computing them at question time would cost.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from advisor import compose
from advisor.embedders import get_embedder
from evals import golden
from evals.runner import summarise
from evals.systems import AdvisorSystem

METRICS = ["citation_precision", "evidence_recall", "fact_recall", "answer_rate", "refusal_recall",
           "verdict_accuracy"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--betas", default="0,0.1,0.2,0.3")
    parser.add_argument("--embedder", default="none", help="retrieval embedder (sentence vectors are always e5)")
    args = parser.parse_args(argv)
    items = golden.load(split=args.split)
    e5 = get_embedder("e5")
    vectors: dict[str, np.ndarray] = {}
    state = {"question": None, "beta": 0.0, "embed_s": 0.0, "sentences": 0}
    lexical_score = compose.score_sentences

    def score_sentences(sentences, found):
        lexical_score(sentences, found)
        if not state["beta"] or state["question"] is None or not sentences:
            return
        missing = list(dict.fromkeys(s.clean for s in sentences if s.clean not in vectors))
        if missing:
            t = time.perf_counter()
            for text, vector in zip(missing, e5.embed(missing)):
                vectors[text] = vector
            state["embed_s"] += time.perf_counter() - t
            state["sentences"] += len(missing)
        sims = np.array([float(vectors[s.clean] @ state["question"]) for s in sentences])
        span = sims.max() - sims.min()
        for s, sim in zip(sentences, (sims - sims.min()) / span if span > 0 else np.zeros_like(sims)):
            s.score += state["beta"] * float(sim)

    compose.score_sentences = score_sentences
    with tempfile.TemporaryDirectory() as tmp:
        system = AdvisorSystem("advisor", Path(tmp), embedder=args.embedder)
        questions = {i.id: e5.embed_query([i.question])[0] for i in items}
        print(f"{len(items)} {args.split} questions, retrieval: {args.embedder}")
        print("| beta | " + " | ".join(METRICS) + " |\n|---|" + "---|" * len(METRICS))
        for beta in (float(b) for b in args.betas.split(",")):
            state["beta"] = beta
            records = []
            for item in items:
                state["question"] = questions[item.id]
                records.append(system.run(item))
            scores = summarise(records, METRICS)[args.split]["metrics"]
            print(f"| {beta} | " + " | ".join(f"{scores[m]:.3f}" if scores[m] is not None else "n/a"
                                              for m in METRICS) + " |", flush=True)
    if state["sentences"]:
        print(f"\n{state['sentences']} distinct candidate sentences embedded in {state['embed_s']:.1f} s "
              f"({state['embed_s'] / len(items) * 1000:.0f} ms a question if done at question time)")


if __name__ == "__main__":
    main()
