"""The verifier scores one link at a time (``PlacementModel.probability``, plain Python over the
shipped JSON); it must say what the trained model says: scikit-learn's trees as they were
fitted, and the batch arithmetic the evaluation uses, for every link."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from scoring.features import NUMERIC_FEATURES
from scoring.placement_model import MODEL_FORMAT, PlacementModel, load_model
from scoring.training.eval_sample import SAMPLE_DIR
from scoring.training.placement_fit import _trees_json
from scoring.training.train import collect_samples


def test_one_link_at_a_time_is_the_batch_arithmetic():
    model = load_model()
    samples = collect_samples(SAMPLE_DIR, use_cache=False, dev_only=True)
    assert len(samples) > 1000 and {s.dataset for s in samples} == {"mozilla", "wceb", "fundus"}
    batch = model.predict_proba([s.tokens for s in samples], [s.numbers for s in samples])
    single = np.array([model.probability(s.tokens, s.numbers) for s in samples])
    assert np.abs(batch - single).max() < 1e-12
    assert ((batch >= model.threshold) == (single >= model.threshold)).all()
    assert 0.0 < single.min() and single.max() < 1.0


def test_the_shipped_trees_are_scikit_learns_trees():
    """Export a booster fitted here as ``make train`` exports it; the JSON model must give
    scikit-learn's own decision values, missing branches and ties at thresholds included."""
    rng = np.random.default_rng(0)
    width = len(NUMERIC_FEATURES) + 1
    rows = rng.normal(size=(3000, width))
    rows[:, 3] = rng.integers(0, 3, size=3000)  # ties at thresholds
    labels = (rows[:, 0] + 0.5 * rows[:, 3] - rows[:, 5] * rows[:, 7] + rng.normal(scale=0.5, size=3000) > 0).astype(int)
    rows[:, -1] = 0.0  # the text score of links with no known token
    booster = HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(rows, labels)
    model = PlacementModel({
        "format": MODEL_FORMAT, "numeric_features": NUMERIC_FEATURES, "threshold": 0.5,
        "text": {"vocabulary": [], "idf": [], "coef": [], "intercept": 0.0},
        "trees": _trees_json(booster), "baseline": float(np.ravel(booster._baseline_prediction)[0]),
        "calibration": [1.0, 0.0],
    })
    tests = rng.normal(size=(500, width))
    tests[:, 3] = rng.integers(0, 3, size=500)
    tests[:, -1] = 0.0
    expected = booster.decision_function(tests)
    numbers = [list(row[:-1]) for row in tests]
    assert np.abs(model.raw_scores([""] * len(tests), numbers) - expected).max() < 1e-5
    assert np.abs(np.array([model.raw_score("", n) for n in numbers]) - expected).max() < 1e-5


@pytest.mark.parametrize("tokens", ["", "zz-never-seen-1 zz-never-seen-2", "article article p p p div zz-never-seen"])
def test_links_with_few_or_unknown_tokens(tokens):
    model = load_model()
    numbers = [1.0] + [0.0] * (len(NUMERIC_FEATURES) - 1)
    expected = model.predict_proba([tokens], [numbers])[0]
    assert abs(model.probability(tokens, numbers) - expected) < 1e-12


def test_the_model_file_is_small_and_keeps_only_tokens_many_sites_share():
    model = load_model()
    assert len(model.data["text"]["vocabulary"]) < 20000  # the old model: 71,812 tokens, most one site's
    assert model.threshold == 0.5  # calibrated: 0.5 is the decision
