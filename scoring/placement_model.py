"""The trained placement classifier: gradient-boosted trees over structure, fed a TF-IDF model's score.

Two stages, both learned from real labelled pages (``scoring.training.placement_fit``):
1. a logistic regression over the TF-IDF of a link's DOM-path tokens and anchor
   words (``scoring.features``), with a vocabulary of tokens seen on many
   sites, gives a text score;
2. gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``)
   combine that score with the structure features: where the link sits against
   the main text, the lists and sections around it, its region;
3. a logistic calibration, fitted on training sites held out from the fit, so
   that ``editorial_score`` 0.5 is the decision: at or above it, editorial.

The model is stored as plain JSON (vocabulary, idf, coefficients, the trees'
nodes), not a pickle: it loads with any scikit-learn/numpy version, is small,
and can be read by a person. ``make train`` rebuilds it from ``../shared/data``.
Scoring one link is plain Python over those lists (no scikit-learn call: its
per-call checks cost more than the arithmetic); ``predict_proba`` scores many
links at once with numpy and gives the same numbers.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from scoring.features import NUMERIC_FEATURES

__all__ = ["PlacementModel", "MODEL_PATH", "MODEL_FORMAT", "load_model"]

MODEL_PATH = Path(__file__).resolve().parent / "models" / "placement.json.gz"
MODEL_FORMAT = 3


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


class PlacementModel:
    """``probability(tokens, numbers)``: the calibrated probability that a person calls the link editorial."""

    def __init__(self, data: dict):
        self.data = data
        self.threshold = float(data["threshold"])
        self.meta = data.get("meta", {})
        text = data["text"]
        # token -> (column, idf, coefficient): the column orders the sum as the sparse product does.
        self._terms = {token: (i, idf, coef) for i, (token, idf, coef) in
                       enumerate(zip(text["vocabulary"], text["idf"], text["coef"], strict=True))}
        self._text_intercept = float(text["intercept"])
        self._trees = [(t["feature"], t["threshold"], t["left"], t["right"], t["value"]) for t in data["trees"]]
        self._baseline = float(data["baseline"])
        self._slope, self._offset = data["calibration"]

    # --- one link --------------------------------------------------------
    def text_score(self, tokens: str) -> float:
        """The TF-IDF model's decision value: sublinear term frequency times idf, L2-normalised."""
        counts: dict[str, int] = {}
        for token in tokens.split():  # the vectorizer's token_pattern is \S+, no lower-casing
            if token in self._terms:
                counts[token] = counts.get(token, 0) + 1
        weighted = sorted((self._terms[token][0], (1.0 + math.log(n)) * self._terms[token][1], self._terms[token][2])
                          for token, n in counts.items())
        norm = math.sqrt(sum(weight * weight for _, weight, _ in weighted))
        decision = self._text_intercept
        for _, weight, coefficient in weighted:
            decision += (weight / norm) * coefficient
        return decision

    def raw_score(self, tokens: str, numbers: list[float]) -> float:
        """The trees' sum (log-odds before calibration)."""
        row = list(numbers) + [self.text_score(tokens)]
        raw = self._baseline
        for feature, threshold, left, right, value in self._trees:
            node = 0
            while left[node]:
                node = left[node] if row[feature[node]] <= threshold[node] else right[node]
            raw += value[node]
        return raw

    def probability(self, tokens: str, numbers: list[float]) -> float:
        return _expit(self._slope * self.raw_score(tokens, numbers) + self._offset)

    # --- many links --------------------------------------------------------
    def text_scores(self, tokens: list[str]) -> np.ndarray:
        return np.array([self.text_score(t) for t in tokens])

    def raw_scores(self, tokens: list[str], numbers: list[list[float]]) -> np.ndarray:
        rows = np.hstack([np.asarray(numbers, dtype=float).reshape(len(tokens), -1),
                          self.text_scores(tokens)[:, None]]) if tokens else np.zeros((0, len(NUMERIC_FEATURES) + 1))
        raw = np.full(len(rows), self._baseline)
        index = np.arange(len(rows))
        for feature, threshold, left, right, value in self._trees:
            feature, threshold = np.asarray(feature), np.asarray(threshold)
            left, right, value = np.asarray(left), np.asarray(right), np.asarray(value)
            node = np.zeros(len(rows), dtype=int)
            while True:
                inner = left[node] != 0
                if not inner.any():
                    break
                go_left = rows[index, feature[node]] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            raw += value[node]
        return raw

    def predict_proba(self, tokens: list[str], numbers: list[list[float]]) -> np.ndarray:
        """Probability of "editorial" for each link (the same numbers as ``probability``)."""
        return 1.0 / (1.0 + np.exp(-(self._slope * self.raw_scores(tokens, numbers) + self._offset)))

    # --- storage -----------------------------------------------------------
    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.data, sort_keys=True, separators=(",", ":")).encode("utf-8")
        # mtime=0: the same model gives the same bytes (make train is deterministic).
        path.write_bytes(gzip.compress(data, 9, mtime=0))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PlacementModel:
        data = json.loads(gzip.decompress(path.read_bytes()))
        if data.get("format") != MODEL_FORMAT or data["numeric_features"] != NUMERIC_FEATURES:
            raise ValueError(f"{path} was trained with other features; run `make train`")
        return cls(data)


@lru_cache(maxsize=1)
def load_model() -> PlacementModel | None:
    """The shipped model, loaded once per process; None when it is missing."""
    if not MODEL_PATH.exists():
        return None
    return PlacementModel.load(MODEL_PATH)
