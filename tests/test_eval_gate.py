"""Evaluation gate (trafilatura's eval_gate idea): the shipped models must keep their dev-set scores.

Scores are computed afresh from ../shared/data (the dev sites only, never
trained on) with the model file as shipped. The floors sit a little under
the figures measured when the model was trained (see the model's meta).
"""

import pytest

from scoring.datasets import DATA_DIR
from scoring.evaluate import placement_scores, topical_scores
from scoring.language_eval import language_scores

# Measured at training: mozilla 0.925, wceb 0.771 (macro-F1, dev sites).
PLACEMENT_FLOORS = {"mozilla": 0.915, "wceb": 0.755}
# Measured at training: ROC AUC 0.764 cross-language, 0.763 same language (SIB-200 dev pairs);
# 0.613 on real English-French news articles (MasakhaNEWS dev, first 4,000 characters).
TOPICAL_FLOORS = {
    "sib200 dev, cross-language": 0.74, "sib200 dev, same language": 0.74, "masakhanews dev, en-fr articles": 0.60,
}


@pytest.fixture(scope="module")
def scores():
    if not (DATA_DIR / "placement").is_dir():
        pytest.fail(f"evaluation data missing at {DATA_DIR}: CI must have ../shared/data beside the project")
    return placement_scores(use_cache=False)


@pytest.mark.parametrize("dataset", sorted(PLACEMENT_FLOORS))
def test_placement_macro_f1_floor(scores, dataset):
    model = scores[dataset][0]
    assert model["name"] == "model"
    assert model["macro_f1"] >= PLACEMENT_FLOORS[dataset], f"{dataset}: {model['macro_f1']:.3f}"


def test_model_beats_main_content_baseline(scores):
    model, main_content_only = scores["all"][0], scores["all"][1]
    assert model["macro_f1"] > main_content_only["macro_f1"]


@pytest.fixture(scope="module")
def topical():
    return topical_scores()


@pytest.mark.parametrize("pairs", sorted(TOPICAL_FLOORS))
def test_topical_auc_floor(topical, pairs):
    assert topical[pairs]["model"] >= TOPICAL_FLOORS[pairs], f"{pairs}: {topical[pairs]['model']:.3f}"


def test_topical_model_beats_plain_tfidf_across_languages(topical):
    cross = topical["sib200 dev, cross-language"]
    assert cross["model"] > cross["surface n-grams only"] + 0.15


# Measured: 100% of 690 SIB-200 dev pages, 99.5% of 1,031 real pages, 99.8% of 1,068 MasakhaNEWS articles.
LANGUAGE_FLOORS = {
    "sib200 dev pages, 30 languages": 0.99,
    "real pages, lang attribute hidden": 0.985,
    "masakhanews dev articles (en fr so sw)": 0.99,
}


@pytest.fixture(scope="module")
def languages():
    return language_scores(DATA_DIR)


@pytest.mark.parametrize("dataset", sorted(LANGUAGE_FLOORS))
def test_language_accuracy_floor(languages, dataset):
    score = languages[dataset]
    assert score["accuracy"] >= LANGUAGE_FLOORS[dataset], f"{dataset}: {score['accuracy']:.3%} {score['confusions']}"
