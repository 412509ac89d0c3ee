"""Scores of the shipped models on held-out data: what ``python -m scoring.evaluate`` prints and the gate pins.

Placement: precision, recall and F1 per class and macro-F1 on the dev sites
(never trained on) of each dataset, next to the two reference baselines —
"inside trafilatura's main content" alone and the DOM-region rule alone.
Topical fit: ROC AUC of same- vs different-topic pairs, within and across
languages, on SIB-200 and MasakhaNEWS, and on the held-out niche pages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from scoring.placement import BOILERPLATE_REGIONS, judge_placement
from scoring.placement_model import MODEL_PATH, PlacementModel
from scoring.training.datasets import DATA_DIR
from scoring.training.train import collect_samples

__all__ = ["placement_scores", "topical_scores", "niche_scores"]


def _report(name: str, truth: list[int], predicted: list[int]) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=[1, 0], zero_division=0)
    return {
        "name": name,
        "editorial": (precision[0], recall[0], f1[0], int(support[0])),
        "boilerplate": (precision[1], recall[1], f1[1], int(support[1])),
        "macro_f1": float(np.mean(f1)),
    }


def placement_scores(data_dir: Path = DATA_DIR, model_path: Path = MODEL_PATH, use_cache: bool = True) -> dict[str, list[dict]]:
    """Reports per dataset ("mozilla", "wceb", "all") for the model and the baselines."""
    model = PlacementModel.load(model_path)
    dev = collect_samples(data_dir, use_cache=use_cache, dev_only=True)
    reports: dict[str, list[dict]] = {}
    for dataset in ("mozilla", "wceb", "all"):
        subset = [s for s in dev if dataset in ("all", s.dataset)]
        truth = [s.label for s in subset]
        # One link at a time, through the same arithmetic the verifier runs.
        scores = np.array([model.probability(s.tokens, s.numbers) for s in subset])
        reports[dataset] = [
            _report("model", truth, list((scores >= model.threshold).astype(int))),
            _report("in trafilatura main content", truth, [int(s.in_main) for s in subset]),
            _report("rule: region + main content", truth, [int(judge_placement(s.region, s.in_main, s.main_found).placement == "editorial") for s in subset]),
            _report("DOM-region rule", truth, [int(s.region not in BOILERPLATE_REGIONS and s.region != "other") for s in subset]),
        ]
    return reports


# Dev pairs per kind: enough for AUC to be stable to about +-0.01.
TOPIC_PAIRS = 1000


def topical_scores(data_dir: Path = DATA_DIR) -> dict[str, dict[str, float]]:
    """ROC AUC of same- vs different-topic pairs on held-out data, model and surface baseline."""
    from sklearn.metrics import roc_auc_score

    from scoring.topical import surface_similarity, topical_fit
    from scoring.training.topic_pairs import masakhanews_pairs, pairs, sib200_pages

    dev_pages = sib200_pages(data_dir, "dev")
    sets = {
        "sib200 dev, cross-language": pairs(dev_pages, TOPIC_PAIRS, same_language=False, seed=7),
        "sib200 dev, same language": pairs(dev_pages, TOPIC_PAIRS, same_language=True, seed=8),
        "masakhanews dev, en-fr articles": masakhanews_pairs(data_dir, 400, seed=9),
        # The same articles within one language: how far the broad news categories
        # can be told apart at all, the reference for the cross-language figure.
        "masakhanews dev, en-en articles": masakhanews_pairs(data_dir, 400, seed=10, languages=("en", "en")),
        "masakhanews dev, fr-fr articles": masakhanews_pairs(data_dir, 400, seed=11, languages=("fr", "fr")),
    }
    scores = {}
    for name, chosen in sets.items():
        labels = [label for _, _, label in chosen]
        model = [topical_fit(a.text, b.text, a.language, b.language) for a, b, _ in chosen]
        surface = [surface_similarity(a.text, b.text) for a, b, _ in chosen]
        scores[name] = {"model": roc_auc_score(labels, model), "surface n-grams only": roc_auc_score(labels, surface)}
    return scores


def niche_scores(niches_dir: Path | None = None, encoder: bool = True) -> dict[str, dict[str, float]]:
    """Topical fit on the held-out niche pages: per language relation, ROC AUC, the share of
    different-topic pairs scored >= 0.5 and the share of same-topic pairs scored >= 0.5.
    ``encoder=False`` scores the pages as if their languages were among those the sentence
    encoder does not read: what the other 14 market languages get, on text we can judge."""
    from sklearn.metrics import roc_auc_score

    from scoring.topical import topical_fit
    from scoring.training.topic_pairs import DEV_NICHES, NICHES_DIR, niche_pages

    pages = [p for p in niche_pages(niches_dir or NICHES_DIR) if p.topic not in DEV_NICHES]
    scored: dict[str, tuple[list[int], list[float]]] = {"same language": ([], []), "across languages": ([], [])}
    for i, first in enumerate(pages):
        for second in pages[i + 1 :]:
            relation = "same language" if first.language == second.language else "across languages"
            scored[relation][0].append(int(first.topic == second.topic))
            scored[relation][1].append(topical_fit(first.text, second.text, first.language, second.language,
                                                   encoder=encoder))
    scored["all"] = (scored["same language"][0] + scored["across languages"][0],
                     scored["same language"][1] + scored["across languages"][1])
    out = {}
    for relation, (labels, scores) in scored.items():
        truth, fit = np.array(labels), np.array(scores)
        out[relation] = {
            "auc": float(roc_auc_score(truth, fit)),
            "different >= 0.5": float((fit[truth == 0] >= 0.5).mean()),
            "same >= 0.5": float((fit[truth == 1] >= 0.5).mean()),
            "pairs": len(truth),
        }
    out["all"]["niches"] = len({p.topic for p in pages})
    out["all"]["languages"] = len({p.language for p in pages})
    return out
