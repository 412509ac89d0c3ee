"""Scores of the shipped models on held-out data: what ``python -m scoring.evaluate`` prints and the gate pins.

Placement: precision, recall and F1 per class and macro-F1 on the held-out
pages (the dev sites of the trainable sets, never trained or tuned on, and
the evaluation-only sets, never trained on at all), per data set, per page
language and per page type, next to the reference baselines: "inside
trafilatura's main content" alone (the signal the model is built on, which it
must beat), the hand rule, and the DOM-region rule alone.
Topical fit: ROC AUC of same- vs different-topic pairs, within and across
languages, on SIB-200 and MasakhaNEWS, and on the held-out niche pages.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from scoring.features import NUMERIC_FEATURES
from scoring.placement import BOILERPLATE_REGIONS, capped_placement, judge_placement
from scoring.placement_model import MODEL_PATH, PlacementModel
from scoring.training.datasets import DATA_DIR, DATASETS
from scoring.training.samples import Sample
from scoring.training.train import collect_samples

__all__ = ["placement_scores", "placement_evaluation", "placement_groups", "topical_scores", "niche_scores", "within_language_scores",
           "MIN_GROUP_LINKS"]

# A language or page type is reported on its own from this many labelled links, with
# at least MIN_GROUP_CLASS of each class (macro-F1 over 2 editorial links says nothing).
MIN_GROUP_LINKS = 50
MIN_GROUP_CLASS = 10
_INTERNAL = NUMERIC_FEATURES.index("internal")


def _report(name: str, truth: list[int], predicted: list[int], page_weights: list[float]) -> dict:
    """Per class and macro-F1 over links; ``macro_f1_pages`` weighs each page the same (a page of
    600 menu links counts as one page, as when a user checks one or two backlinks a page)."""
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=[1, 0], zero_division=0)
    by_page = precision_recall_fscore_support(truth, predicted, labels=[1, 0], zero_division=0, sample_weight=page_weights)[2]
    return {
        "name": name,
        "editorial": (precision[0], recall[0], f1[0], int(support[0])),
        "boilerplate": (precision[1], recall[1], f1[1], int(support[1])),
        "macro_f1": float(np.mean(f1)),
        "macro_f1_pages": float(np.mean(by_page)),
    }


def placement_groups(samples: list[Sample]) -> dict[str, list[Sample]]:
    """The held-out links by data set, all together, those to other sites, by page language and by page type."""
    groups: dict[str, list[Sample]] = {d: [s for s in samples if s.dataset == d] for d in DATASETS}
    groups = {name: subset for name, subset in groups.items() if subset}
    groups["all"] = list(samples)
    # What a backlink is: a link to another site. Most labelled links are a page's own menus and footers.
    groups["links to other sites"] = [s for s in samples if not s.numbers[_INTERNAL]]
    for key, prefix in ((lambda s: s.language, "language"), (lambda s: s.page_type, "page type")):
        counts = Counter((key(s), s.label) for s in samples)
        for value in sorted({key(s) for s in samples if key(s)}):
            if counts[(value, 0)] + counts[(value, 1)] >= MIN_GROUP_LINKS and min(counts[(value, 0)], counts[(value, 1)]) >= MIN_GROUP_CLASS:
                groups[f"{prefix} {value}"] = [s for s in samples if key(s) == value]
    return groups


def placement_scores(data_dir: Path = DATA_DIR, model_path: Path = MODEL_PATH, use_cache: bool = True) -> dict[str, list[dict]]:
    """Reports per group (``placement_groups``) for the model, then the baselines: the first is the
    model, the second "in trafilatura main content"."""
    return placement_evaluation(data_dir, model_path, use_cache)[0]


# editorial_score bins for the reliability table
RELIABILITY_BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001)


def placement_evaluation(data_dir: Path = DATA_DIR, model_path: Path = MODEL_PATH,
                         use_cache: bool = True) -> tuple[dict[str, list[dict]], list[tuple[float, float, int, float]]]:
    """``(reports, reliability)``: the reports of ``placement_scores``, and for each bin of
    ``editorial_score`` on the held-out links ``(low, high, links, share labelled editorial)``:
    a calibrated score puts about half of the links near 0.5 on each side."""
    model = PlacementModel.load(model_path)
    held_out = collect_samples(data_dir, use_cache=use_cache, dev_only=True)
    # One link at a time, through the same arithmetic the verifier runs.
    scores = {id(s): capped_placement(model.probability(s.tokens, s.numbers), s.region, s.cue)[0] for s in held_out}
    links_on_page = Counter((s.dataset, s.page) for s in held_out)
    reports: dict[str, list[dict]] = {}
    for group, subset in placement_groups(held_out).items():
        truth = [s.label for s in subset]
        weights = [1.0 / links_on_page[(s.dataset, s.page)] for s in subset]
        reports[group] = [
            _report("model", truth, [int(scores[id(s)] >= model.threshold) for s in subset], weights),
            _report("in trafilatura main content", truth, [int(s.in_main) for s in subset], weights),
            _report("rule: region + main content", truth,
                    [int(judge_placement(s.region, s.in_main, s.main_found).placement == "editorial") for s in subset], weights),
            _report("DOM-region rule", truth, [int(s.region not in BOILERPLATE_REGIONS and s.region != "other") for s in subset],
                    weights),
        ]
    reliability = []
    for low, high in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:], strict=False):
        labels = [s.label for s in held_out if low <= scores[id(s)] < high]
        reliability.append((low, min(high, 1.0), len(labels), float(np.mean(labels)) if labels else float("nan")))
    return reports, reliability


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


# Pairs of SIB-200 dev pages drawn within each language (of the 1,275 its 51 dev pages make),
# half of them same-topic.
LANGUAGE_PAIRS = 300


def within_language_scores(data_dir: Path = DATA_DIR) -> dict[str, dict[str, float]]:
    """Per market language, pairs of two SIB-200 dev pages in that language: ROC AUC and the share of
    different-topic pairs scored >= 0.5. Where a language's pages all look alike to one of the
    features (a script the encoder does not read, leftovers of segmentation that weigh as rare
    words), most different-topic pairs of that language pass 0.5 while the pooled figures hardly move."""
    from scoring.topical import topical_fit
    from scoring.topics import LANGUAGES
    from scoring.training.topic_pairs import pairs, sib200_pages

    dev_pages = sib200_pages(data_dir, "dev")
    out = {}
    for language in LANGUAGES:
        chosen = pairs([p for p in dev_pages if p.language == language], LANGUAGE_PAIRS, same_language=True, seed=12)
        out[language] = _separation([label for _, _, label in chosen],
                                    [topical_fit(a.text, b.text, a.language, b.language) for a, b, _ in chosen])
    return out


def script_variant_scores(data_dir: Path = DATA_DIR) -> dict[str, dict[str, float]]:
    """Traditional Chinese read as well as Simplified: the same pairs of SIB-200 dev pages (the same sentences,
    the same topics) scored with the Simplified and with the Traditional text of each Chinese page, against
    English pages and within Chinese. Separation as ``within_language_scores`` gives it."""
    from scoring.topical import topical_fit
    from scoring.training.topic_pairs import Page, pairs, sib200_pages

    pages = sib200_pages(data_dir, "dev", languages=("en", "zh", "zh-Hant"))
    traditional = {page.ids: page for page in pages if page.language == "zh-Hant"}

    def as_written(page: Page) -> Page:
        return page

    def in_traditional(page: Page) -> Page:
        return traditional[page.ids] if page.language == "zh" else page

    out = {}
    for name, chosen in (("zh / en", pairs([p for p in pages if p.language in ("zh", "en")], LANGUAGE_PAIRS, same_language=False, seed=13)),
                         ("zh / zh", pairs([p for p in pages if p.language == "zh"], LANGUAGE_PAIRS, same_language=True, seed=14))):
        labels = [label for _, _, label in chosen]
        for key, read in ((name, as_written), (name.replace("zh", "zh-Hant"), in_traditional)):
            scored = [(read(a), read(b)) for a, b, _ in chosen]
            out[key] = _separation(labels, [topical_fit(a.text, b.text, a.language, b.language) for a, b in scored])
    return out


def _separation(labels: list[int], scores: list[float]) -> dict[str, float]:
    """How topical fit separates same-topic pairs (label 1) from different-topic ones: ROC AUC, the share
    of different-topic pairs >= 0.5, their number >= 0.9, the share of same-topic pairs >= 0.5."""
    from sklearn.metrics import roc_auc_score

    truth, fit = np.array(labels), np.array(scores)
    return {
        "auc": float(roc_auc_score(truth, fit)),
        "different >= 0.5": float((fit[truth == 0] >= 0.5).mean()),
        "different >= 0.9": int((fit[truth == 0] >= 0.9).sum()),
        "same >= 0.5": float((fit[truth == 1] >= 0.5).mean()),
        "pairs": len(truth),
    }


def niche_scores(niches_dir: Path | None = None, encoder: bool = True, languages: tuple[str, ...] | None = None,
                 against: tuple[str, ...] = ()) -> dict[str, dict[str, float]]:
    """Topical fit on the held-out niche pages: per language relation, ROC AUC, the share of
    different-topic pairs scored >= 0.5, their number >= 0.9, and the share of same-topic pairs >= 0.5.
    ``languages``: the pages in those languages (default: the five the sentence encoder was trained
    on, ``ENCODER_NICHE_LANGUAGES``), within one language and across two; ``against``: also each of
    them against the pages in these ("against en"). ``encoder=False`` scores the pages as if their
    languages were among those the sentence encoder does not read."""
    from scoring.topical import topical_fit
    from scoring.training.topic_pairs import DEV_NICHES, ENCODER_NICHE_LANGUAGES, NICHES_DIR, niche_pages

    languages = languages or ENCODER_NICHE_LANGUAGES
    against = tuple(language for language in against if language not in languages)
    pages = [p for p in niche_pages(niches_dir or NICHES_DIR)
             if p.topic not in DEV_NICHES and p.language in set(languages) | set(against)]
    opposite = f"against {' '.join(against)}"
    relations = ["same language", "across languages"] + ([opposite] if against else [])
    scored: dict[str, tuple[list[int], list[float]]] = {relation: ([], []) for relation in relations}
    for i, first in enumerate(pages):
        for second in pages[i + 1 :]:
            outside = (first.language in against) + (second.language in against)
            if outside == 2:
                continue
            if outside:
                relation = opposite
            else:
                relation = "same language" if first.language == second.language else "across languages"
            scored[relation][0].append(int(first.topic == second.topic))
            scored[relation][1].append(topical_fit(first.text, second.text, first.language, second.language,
                                                   encoder=encoder))
    scored["all"] = ([y for r in relations for y in scored[r][0]], [f for r in relations for f in scored[r][1]])
    out = {}
    for relation, (labels, scores) in scored.items():
        if not labels:  # one language: nothing across languages
            continue
        out[relation] = _separation(labels, scores)
    out["all"]["niches"] = len({p.topic for p in pages})
    out["all"]["languages"] = len({p.language for p in pages})
    return out
