"""The verifier scores one link at a time (``PlacementModel.probability``); it must say what
the trained model says (``predict_proba``, scikit-learn's arithmetic) for every link."""

import numpy as np
import pytest

from scoring.features import NUMERIC_FEATURES
from scoring.placement_model import load_model
from scoring.training.eval_sample import SAMPLE_DIR
from scoring.training.train import collect_samples


def test_one_link_at_a_time_is_the_trained_model():
    model = load_model()
    samples = collect_samples(SAMPLE_DIR, use_cache=False, dev_only=True)
    assert len(samples) > 1000
    batch = model.predict_proba([s.tokens for s in samples], [s.numbers for s in samples])
    single = np.array([model.probability(s.tokens, s.numbers) for s in samples])
    assert np.abs(batch - single).max() < 1e-12
    assert ((batch >= model.threshold) == (single >= model.threshold)).all()


@pytest.mark.parametrize("tokens", ["", "zz-never-seen-1 zz-never-seen-2", "article article p p p div zz-never-seen"])
def test_links_with_few_or_unknown_tokens(tokens):
    model = load_model()
    numbers = [1.0] + [0.0] * (len(NUMERIC_FEATURES) - 1)
    expected = model.predict_proba([tokens], [numbers])[0]
    assert abs(model.probability(tokens, numbers) - expected) < 1e-12
