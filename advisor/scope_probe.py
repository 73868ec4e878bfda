"""A second opinion on scope from the meaning of the question: a linear probe on its e5 vector.

The lexical signals of advisor/scope.py cannot tell apart a question whose every word the corpus uses
('Wie is de burgemeester van Gent?') from an answerable one, and the raw e5 similarity of a question
to its passages does not separate them either (0.79-0.83 either way). A regularised logistic
regression on the question's multilingual-e5 vector, trained on the labelled dev questions, learns
the direction "social and sustainable procurement as these sources treat it" versus the rest. Its
probability is one more signal (`dense`) of the scope decision, weighed with the others by
[weights_probe] in scope.toml; it is used only with ADVISOR_SCOPE_PROBE=e5, since it costs an e5
question embedding the default BM25-only configuration does not otherwise pay.

The weights live in advisor/resources/scope_probe.toml, written by
`python -m evals.scope_probe --write` (deterministic) and checked when loaded.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from advisor.errors import ConfigError
from advisor.package_data import read_text

SOURCE = "advisor/resources/scope_probe.toml"
MODELS = {"e5": 384}   # the embedder a probe was trained on, and its dimension


@dataclass(frozen=True)
class Probe:
    model: str
    bias: float
    weights: np.ndarray

    def probability(self, vector: np.ndarray) -> float:
        """The probe's probability that the sources cover the question whose vector this is."""
        z = self.bias + float(np.asarray(vector, dtype=np.float64) @ self.weights)
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))


def load_probe(text: str | None = None) -> Probe:
    """The probe of advisor/resources/scope_probe.toml (or of `text`), checked: known model, one finite
    weight per dimension of its vectors, a finite bias."""
    try:
        data = tomllib.loads(text if text is not None else read_text("advisor.resources", "scope_probe.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{SOURCE}: not valid TOML: {exc}") from None
    known = {"model", "bias", "weights", "trained"}
    if set(data) - known or not {"model", "bias", "weights"} <= set(data):
        raise ConfigError(f"{SOURCE}: needs model, bias and weights (and optionally [trained]); got {sorted(data)}. "
                          "Write it with `python -m evals.scope_probe --write`")
    model = data["model"]
    if model not in MODELS:
        raise ConfigError(f"{SOURCE}: model {model!r} unknown; known: {sorted(MODELS)}")
    weights, bias = data["weights"], data["bias"]
    numbers = isinstance(weights, list) and all(isinstance(w, (int, float)) and not isinstance(w, bool)
                                                for w in weights)
    if not numbers or len(weights) != MODELS[model]:
        raise ConfigError(f"{SOURCE}: weights must be {MODELS[model]} numbers for model {model!r}, got "
                          f"{len(weights) if isinstance(weights, list) else type(weights).__name__}")
    if not isinstance(bias, (int, float)) or isinstance(bias, bool) or not math.isfinite(bias):
        raise ConfigError(f"{SOURCE}: bias must be a finite number, got {bias!r}")
    vector = np.array(weights, dtype=np.float64)
    if not np.isfinite(vector).all():
        raise ConfigError(f"{SOURCE}: weights must be finite numbers")
    return Probe(model, float(bias), vector)


@lru_cache(maxsize=1)
def probe() -> Probe:
    return load_probe()


def train(vectors: np.ndarray, answerable: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    """Logistic regression with an L2 penalty on the weights (not the bias), by Newton's method:
    deterministic, numpy only. Returns (bias, weights)."""
    x = np.hstack([np.ones((len(vectors), 1)), np.asarray(vectors, dtype=np.float64)])
    y = np.asarray(answerable, dtype=np.float64)
    penalty = l2 * np.diag([0.0] + [1.0] * (x.shape[1] - 1))
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -60, 60)))
        gradient = x.T @ (p - y) / len(y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x / len(y) + penalty + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def dump(bias: float, weights: np.ndarray, trained: dict[str, str | int | float], model: str = "e5") -> str:
    """The TOML text of a probe (weights rounded to 6 significant digits)."""
    meta = "\n".join(f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in trained.items())
    rows = ",\n".join("  " + ", ".join(f"{w:.6g}" for w in weights[i:i + 8]) for i in range(0, len(weights), 8))
    return (f"# The scope probe (advisor/scope_probe.py): logistic regression on the question's {model} vector.\n"
            "# Written by `python -m evals.scope_probe --write`; do not edit by hand.\n"
            f'model = "{model}"\nbias = {bias:.6g}\nweights = [\n{rows},\n]\n\n[trained]\n{meta}\n')
