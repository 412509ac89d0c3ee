"""Train the cross-language topic space and the topical-fit calibration (part of ``make train``).

1. calibration: fit a topic space on 4/5 of the SIB-200 training sentences,
   build same- and cross-language page pairs from the other 1/5, and fit a
   logistic regression on ``topical.pair_features`` (so the calibration never
   sees the overconfidence of a model on its own training text);
2. fit the shipped topic space on all training sentences and store the
   calibration with it. The dev split stays untouched for ``scoring.evaluate``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from scoring.datasets import DATA_DIR
from scoring.topic_pairs import pairs, sib200_pages
from scoring.topical import pair_features
from scoring.topics import LANGUAGES, TOPICS_PATH, TopicSpace, read_sib200

__all__ = ["train_topics"]

CALIBRATION_PAIRS = 1500  # per kind (same language, cross language)


# Which calibration weights must be >= 0: more similarity may never lower the
# score (SIB-200's broad topics alone would teach a negative surface weight).
_NON_NEGATIVE = [True, True, False, True, True, True, True]


def fit_calibration(features: np.ndarray, labels: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression with sign constraints: weights then bias."""
    signs = 2.0 * labels - 1.0

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        margin = signs * (features @ params[:-1] + params[-1])
        value = np.logaddexp(0.0, -margin).sum() + l2 * (params[:-1] ** 2).sum()
        weight = -signs * expit(-margin)
        gradient = np.concatenate([features.T @ weight + 2 * l2 * params[:-1], [weight.sum()]])
        return value, gradient

    bounds = [(0.0, None) if positive else (None, None) for positive in _NON_NEGATIVE] + [(None, None)]
    result = minimize(loss, np.zeros(features.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x.astype(np.float64)


def _split(train: dict, keep) -> dict:
    return {lang: {i: row for i, row in rows.items() if keep(int(i))} for lang, rows in train.items()}


def train_topics(data_dir: Path = DATA_DIR, path: Path = TOPICS_PATH) -> TopicSpace:
    train = {lang: read_sib200(data_dir, lang, "train") for lang in LANGUAGES}
    held_space = TopicSpace.fit(_split(train, lambda i: i % 5 != 0))
    pages = sib200_pages(data_dir, "train", keep=lambda i: int(i) % 5 == 0)
    chosen = pairs(pages, CALIBRATION_PAIRS, same_language=True) + pairs(pages, CALIBRATION_PAIRS, same_language=False, seed=1)
    features = np.array([pair_features(a.text, b.text, a.language == b.language, held_space) for a, b, _ in chosen])
    labels = np.array([label for _, _, label in chosen])
    space = TopicSpace.fit(train)
    space.calibration = fit_calibration(features, labels)
    space.save(path)
    print(f"saved {path} ({path.stat().st_size / 1e6:.1f} MB, {len(space.vectorizer.vocabulary_)} tokens); "
          f"calibration weights {np.round(space.calibration, 3).tolist()}", file=sys.stderr)
    return space


if __name__ == "__main__":
    train_topics()
