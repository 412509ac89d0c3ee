"""Fit the placement model (``scoring.placement_model``) on link samples.

1. vocabulary: the DOM-path tokens and words seen on at least ``MIN_SITES``
   sites (the old model kept every token seen three times: 71,812 of them,
   most one site's class names);
2. the TF-IDF logistic model, and its score for every training link from a
   model that never saw that link's site (5 folds by site), so that the trees
   learn how far to trust it on unseen sites;
3. gradient-boosted trees over the structure features and that score, with
   main-content membership and the text score constrained to push one way;
4. the logistic calibration of the trees' output, fitted by the caller on
   sites held out from 1-3.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from scoring.features import NUMERIC_FEATURES
from scoring.placement_model import MODEL_FORMAT, PlacementModel
from scoring.training.samples import Sample

__all__ = ["FitSettings", "fit_placement", "calibration", "sample_weights"]

MIN_SITES = 8
# What may only ever push one way, whatever the noisier labels say: being in the main
# text or one of its paragraphs never makes a link less editorial; sitting before or
# after the main text, or in a list of one-link items (teasers, menus), never more.
# Without these the trees learned from WCEB's drafted labels to promote teaser headlines
# after the article (Daily Mail "more stories" lists at 0.5-0.85).
MONOTONIC = {"in_main": 1, "in_main_paragraph": 1, "before_main": -1, "after_main": -1, "repeat_one_link_share": -1}


class FitSettings:
    """What was swept on the tuning sites (``scoring.training.train``)."""

    def __init__(self, *, c: float = 0.5, trees: int = 300, learning_rate: float = 0.06, leaves: int = 31,
                 min_leaf: int = 40, l2: float = 1.0, min_sites: int = MIN_SITES, per_page: bool = True,
                 dataset_weights: dict[str, float] | None = None):
        self.c, self.trees, self.learning_rate, self.leaves = c, trees, learning_rate, leaves
        self.min_leaf, self.l2, self.min_sites = min_leaf, l2, min_sites
        self.per_page = per_page
        self.dataset_weights = dataset_weights or {}

    def as_dict(self) -> dict:
        return dict(vars(self))


def sample_weights(samples: list[Sample], per_page: bool = True, dataset_weights: dict[str, float] | None = None,
                   balance_classes: bool = True) -> np.ndarray:
    """Each data set weighs the same in all (WCEB's 1,000 machine-labelled pages would drown the
    rest), each page the same within its set (a page of 600 menu links is one page), and the two
    classes the same overall."""
    pages: dict[tuple[str, str], int] = defaultdict(int)
    for s in samples:
        pages[(s.dataset, s.page)] += 1
    page_count: dict[str, int] = defaultdict(int)
    for dataset, _page in pages:
        page_count[dataset] += 1
    dataset_weights = dataset_weights or {}
    links: dict[str, int] = defaultdict(int)
    for s in samples:
        links[s.dataset] += 1
    weights = np.array([dataset_weights.get(s.dataset, 1.0) / (pages[(s.dataset, s.page)] * page_count[s.dataset]
                        if per_page else links[s.dataset]) for s in samples])
    labels = np.array([s.label for s in samples])
    for label in (0, 1) if balance_classes else ():
        weights[labels == label] *= 0.5 / weights[labels == label].sum()
    return weights * len(samples)


def _vocabulary(samples: list[Sample], min_sites: int) -> list[str]:
    sites: dict[str, set[str]] = defaultdict(set)
    for s in samples:
        for token in set(s.tokens.split()):
            sites[token].add(s.site)
    return sorted(token for token, seen in sites.items() if len(seen) >= min_sites)


def _text_model(samples: list[Sample], vocabulary: list[str], c: float, weights: np.ndarray):
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, dtype=np.float64,
                                 vocabulary=vocabulary)
    matrix = vectorizer.fit_transform([s.tokens for s in samples])
    classifier = LogisticRegression(C=c, max_iter=3000, solver="liblinear", random_state=0)
    classifier.fit(matrix, [s.label for s in samples], sample_weight=weights)
    return vectorizer, classifier


def _text_json(vectorizer: TfidfVectorizer, classifier: LogisticRegression) -> dict:
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    return {"vocabulary": vocabulary, "idf": [round(float(v), 6) for v in vectorizer.idf_],
            "coef": [round(float(v), 6) for v in classifier.coef_[0]], "intercept": float(classifier.intercept_[0])}


def _out_of_fold_text_scores(samples: list[Sample], settings: FitSettings, weights: np.ndarray) -> np.ndarray:
    """Each link's text score from a model fitted without its site."""
    scores = np.zeros(len(samples))
    groups = [s.site for s in samples]
    for fit_index, score_index in GroupKFold(n_splits=5).split(samples, groups=groups):
        fold = [samples[i] for i in fit_index]
        vectorizer, classifier = _text_model(fold, _vocabulary(fold, settings.min_sites), settings.c, weights[fit_index])
        scores[score_index] = classifier.decision_function(vectorizer.transform([samples[i].tokens for i in score_index]))
    return scores


def _trees_json(booster: HistGradientBoostingClassifier) -> list[dict]:
    trees = []
    for (predictor,) in booster._predictors:  # one predictor an iteration for a binary problem
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({
            "feature": [int(f) for f in nodes["feature_idx"]],
            # float32-exact thresholds keep the JSON short and the comparisons the same.
            "threshold": [float(t) for t in nodes["num_threshold"]],
            "left": [0 if is_leaf else int(child) for is_leaf, child in zip(leaf, nodes["left"], strict=True)],
            "right": [0 if is_leaf else int(child) for is_leaf, child in zip(leaf, nodes["right"], strict=True)],
            "value": [round(float(v), 7) if is_leaf else 0.0 for is_leaf, v in zip(leaf, nodes["value"], strict=True)],
        })
    return trees


def fit_placement(samples: list[Sample], settings: FitSettings, calibration_pair: tuple[float, float] = (1.0, 0.0),
                  meta: dict | None = None) -> PlacementModel:
    weights = sample_weights(samples, settings.per_page, settings.dataset_weights)
    text_scores = _out_of_fold_text_scores(samples, settings, weights)
    vectorizer, classifier = _text_model(samples, _vocabulary(samples, settings.min_sites), settings.c, weights)
    rows = np.hstack([np.asarray([s.numbers for s in samples], dtype=float), text_scores[:, None]])
    constraints = [0] * rows.shape[1]
    for name, direction in MONOTONIC.items():
        constraints[NUMERIC_FEATURES.index(name)] = direction
    constraints[-1] = 1  # the text score
    booster = HistGradientBoostingClassifier(
        max_iter=settings.trees, learning_rate=settings.learning_rate, max_leaf_nodes=settings.leaves,
        min_samples_leaf=settings.min_leaf, l2_regularization=settings.l2, monotonic_cst=constraints,
        early_stopping=False, random_state=0,
    )
    booster.fit(rows, [s.label for s in samples], sample_weight=weights)
    data = {
        "format": MODEL_FORMAT,
        "numeric_features": NUMERIC_FEATURES,
        "text": _text_json(vectorizer, classifier),
        "trees": _trees_json(booster),
        "baseline": float(np.ravel(booster._baseline_prediction)[0]),
        "calibration": list(calibration_pair),
        "threshold": 0.5,
        "meta": {**settings.as_dict(), **(meta or {})},
    }
    return PlacementModel(data)


def calibration(raw: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """``(slope, offset)`` of a logistic fit of the labels on the trees' output (Platt scaling),
    each class weighing the same: 0.5 is then where editorial and boilerplate are equally likely."""
    fit = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    fit.fit(raw.reshape(-1, 1), labels, sample_weight=weights)
    return round(float(fit.coef_[0][0]), 6), round(float(fit.intercept_[0]), 6)
