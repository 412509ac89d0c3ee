"""The trained placement classifier: TF-IDF over ancestor tokens + scaled structure, logistic regression.

The model is stored as plain JSON (vocabulary, idf, scaler, coefficients), not
a pickle: it loads with any scikit-learn/numpy version, is small, and can be
read by a person. ``make train`` rebuilds it from ``../shared/data``.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from scoring.features import NUMERIC_FEATURES

__all__ = ["PlacementModel", "MODEL_PATH", "load_model"]

MODEL_PATH = Path(__file__).resolve().parent / "models" / "placement.json.gz"


def _numeric(numbers) -> np.ndarray:
    """The structure features, each also split by main-content membership.

    A linear model cannot tell on its own that a dense block of links means
    boilerplate outside trafilatura's main text but often a reference list
    inside it; the split features let it weigh both cases (Mozilla dev
    macro-F1 0.917 -> 0.922)."""
    values = np.asarray(numbers, dtype=float)
    in_main = values[:, :1]  # NUMERIC_FEATURES[0]
    return np.hstack([values, in_main * values[:, 2:], (1 - in_main) * values[:, 2:]])


def _vectorizer(min_df: int = 1) -> TfidfVectorizer:
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, min_df=min_df, sublinear_tf=True, dtype=np.float64)


class PlacementModel:
    def __init__(self, vectorizer: TfidfVectorizer, scaler: StandardScaler, classifier: LogisticRegression, threshold: float, meta: dict):
        self.vectorizer = vectorizer
        self.scaler = scaler
        self.classifier = classifier
        self.threshold = threshold
        self.meta = meta
        self._fast = None  # the model as plain lookups, built on the first ``probability``

    @classmethod
    def fit(cls, tokens: list[str], numbers: list[list[float]], labels: list[int], *, c: float, min_df: int,
            numeric_weight: float, sample_weight: list[float] | None = None) -> PlacementModel:
        vectorizer = _vectorizer(min_df)
        text = vectorizer.fit_transform(tokens)
        scaler = StandardScaler().fit(_numeric(numbers))
        matrix = sparse.hstack([text, sparse.csr_matrix(scaler.transform(_numeric(numbers)) * numeric_weight)]).tocsr()
        classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", solver="liblinear", random_state=0)
        classifier.fit(matrix, labels, sample_weight=sample_weight)
        return cls(vectorizer, scaler, classifier, 0.5, {"c": c, "min_df": min_df, "numeric_weight": numeric_weight})

    def _matrix(self, tokens: list[str], numbers: list[list[float]]):
        weight = self.meta["numeric_weight"]
        scaled = self.scaler.transform(_numeric(numbers)) * weight
        return sparse.hstack([self.vectorizer.transform(tokens), sparse.csr_matrix(scaled)]).tocsr()

    def predict_proba(self, tokens: list[str], numbers: list[list[float]]) -> np.ndarray:
        """Probability of "editorial" for each link."""
        if not tokens:
            return np.zeros(0)
        return self.classifier.predict_proba(self._matrix(tokens, numbers))[:, 1]

    def probability(self, tokens: str, numbers: list[float]) -> float:
        """``predict_proba`` for one link, the same arithmetic without scikit-learn's per-call
        checks and sparse matrices (0.73 -> 0.04 ms a link): sublinear TF-IDF over the
        tokens, L2-normalised, plus the scaled structure features, through the logistic."""
        if self._fast is None:
            vocabulary = self.vectorizer.vocabulary_
            coef = self.classifier.coef_[0]
            text_coef = coef[: len(vocabulary)]
            self._fast = (
                {token: (i, float(self.vectorizer.idf_[i]), float(text_coef[i])) for token, i in vocabulary.items()},
                coef[len(vocabulary):], float(self.classifier.intercept_[0]),
            )
        terms, numeric_coef, intercept = self._fast
        counts: dict[str, int] = {}
        for token in tokens.split():  # the vectorizer's token_pattern is \S+, no lower-casing
            if token in terms:
                counts[token] = counts.get(token, 0) + 1
        # (TF-IDF weight, coefficient) in column order, the order the sparse product adds them in.
        weighted = sorted((terms[token][0], (1.0 + math.log(n)) * terms[token][1], terms[token][2])
                          for token, n in counts.items())
        norm = math.sqrt(sum(weight * weight for _, weight, _ in weighted))
        decision = 0.0
        for _, weight, coefficient in weighted:
            decision += (weight / norm) * coefficient
        scaled = (_numeric([numbers])[0] - self.scaler.mean_) / self.scaler.scale_ * self.meta["numeric_weight"]
        decision += float(scaled @ numeric_coef) + intercept
        return float(expit(decision))

    # --- storage -----------------------------------------------------------
    def to_json(self) -> dict:
        vocabulary = sorted(self.vectorizer.vocabulary_, key=self.vectorizer.vocabulary_.get)
        return {
            "format": 2,
            "numeric_features": NUMERIC_FEATURES,
            "vocabulary": vocabulary,
            "idf": [round(float(v), 6) for v in self.vectorizer.idf_],
            "scaler_mean": [float(v) for v in self.scaler.mean_],
            "scaler_scale": [float(v) for v in self.scaler.scale_],
            "coef": [round(float(v), 6) for v in self.classifier.coef_[0]],
            "intercept": float(self.classifier.intercept_[0]),
            "threshold": self.threshold,
            "meta": self.meta,
        }

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode("utf-8")
        # mtime=0: the same model gives the same bytes (make train is deterministic).
        path.write_bytes(gzip.compress(data, mtime=0))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PlacementModel:
        data = json.loads(gzip.decompress(path.read_bytes()))
        if data.get("format") != 2 or data["numeric_features"] != NUMERIC_FEATURES:
            raise ValueError(f"{path} was trained with other features; run `make train`")
        vectorizer = _vectorizer()
        vectorizer.vocabulary_ = {token: i for i, token in enumerate(data["vocabulary"])}
        vectorizer.idf_ = np.asarray(data["idf"])
        scaler = StandardScaler()
        scaler.mean_ = np.asarray(data["scaler_mean"])
        scaler.scale_ = np.asarray(data["scaler_scale"])
        scaler.var_ = scaler.scale_**2
        scaler.n_features_in_ = len(scaler.mean_)
        classifier = LogisticRegression()
        classifier.coef_ = np.asarray([data["coef"]])
        classifier.intercept_ = np.asarray([data["intercept"]])
        classifier.classes_ = np.asarray([0, 1])
        return cls(vectorizer, scaler, classifier, data["threshold"], data["meta"])


@lru_cache(maxsize=1)
def load_model() -> PlacementModel | None:
    """The shipped model, loaded once per process; None when it is missing."""
    if not MODEL_PATH.exists():
        return None
    return PlacementModel.load(MODEL_PATH)
