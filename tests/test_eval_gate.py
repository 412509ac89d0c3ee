"""Evaluation gate (trafilatura's eval_gate idea): the shipped models must keep their held-out scores.

Scores are computed afresh with the model files as shipped, on held-out data
only (the placement dev sites and the evaluation-only placement sets,
SIB-200's dev split, MasakhaNEWS dev articles), twice:
- ``sample``: the compact sample the repository carries (``tests/data``,
  cut by ``python -m scoring.training.eval_sample``), so the gate runs from a plain clone;
- ``full``: the full data (``LINKVERIFIER_DATA``, default ``../shared/data``)
  when it is there, as in CI.
Each floor sits a little under the figure measured on that data.
"""

import pytest

from scoring.training.datasets import DATA_DIR
from scoring.training.eval_sample import SAMPLE_DIR
from scoring.training.evaluation import (
    niche_scores,
    placement_scores,
    script_variant_scores,
    topical_scores,
    within_language_scores,
)
from scoring.training.language_eval import language_scores
from scoring.training.topic_pairs import ENCODER_NICHE_LANGUAGES, UNREAD_NICHE_LANGUAGES

FULL = (DATA_DIR / "placement").is_dir()
SOURCES = [
    pytest.param("sample", id="sample"),
    pytest.param("full", id="full", marks=pytest.mark.skipif(not FULL, reason=f"no full data at {DATA_DIR}")),
]
DATA = {"sample": SAMPLE_DIR, "full": DATA_DIR}

# Measured (macro-F1 on held-out pages): sample mozilla 0.939, wceb 0.919, fundus 0.939 (16 pages, 7 languages);
# full mozilla 0.939, wceb 0.772, fundus 0.956, googletrends 0.735, cleaneval 0.693 (the last two never trained
# on). Before each link took its own label (#21): full mozilla 0.906, wceb 0.753, fundus 0.917, googletrends
# 0.763, cleaneval 0.692, on labels of which 1,655 were wrong. The model before #21: 0.886 from outside,
# below trafilatura alone.
PLACEMENT_FLOORS = {
    "sample": {"mozilla": 0.93, "wceb": 0.91, "fundus": 0.93},
    "full": {"mozilla": 0.93, "wceb": 0.765, "fundus": 0.945, "googletrends": 0.725, "cleaneval": 0.685},
}
# How far the model must stay above "inside trafilatura's main text" on all held-out links:
# measured +0.010 on the sample, +0.044 on the full data (+0.075 with each page weighing the same).
BEATS_MAIN_CONTENT_BY = {"sample": 0.008, "full": 0.03}
# Measured, ROC AUC: SIB-200 dev pairs 0.826 cross-language, 0.826 same language (the same on both: the
# sample holds SIB-200's whole dev split; 0.824 and 0.827 before two pages of two languages the encoder
# does not read were read through their glosses, Ukrainian through its gloss and Hungarian compounds were
# split, across on three samples of 1,000 pairs 0.8138 -> 0.8171 on average;
# 0.813 and 0.776 before Thai, Hebrew, Hindi and two Ukrainian pages were read as they are now);
# real English-French news articles 0.794 on the sample's 80 per language (0.797 before), 0.769 on the full
# dev split (0.768). (Before the sentence encoder: 0.793, 0.763, 0.728, 0.652; before
# the niche model: 0.764, 0.763, 0.685, 0.613.)
TOPICAL_FLOORS = {
    "sample": {"sib200 dev, cross-language": 0.79, "sib200 dev, same language": 0.755, "masakhanews dev, en-fr articles": 0.75},
    "full": {"sib200 dev, cross-language": 0.79, "sib200 dev, same language": 0.755, "masakhanews dev, en-fr articles": 0.74},
}
# The held-out niche pages (tests/data/niches, in the repository: the same for both sources), in the
# five languages the sentence encoder was trained on. Measured: ROC AUC 0.991 overall, 0.993 across
# languages, 0.982 within one; 1.3% of different-topic pairs >= 0.5; 87.9% of same-topic pairs >= 0.5
# (the bar: 85%).
NICHE_FLOORS = {"all": 0.98, "across languages": 0.985, "same language": 0.97}
NICHE_MOST_DIFFERENT_OVER_HALF = 0.02
NICHE_LEAST_SAME_OVER_HALF = 0.85
# The same pages without the encoder, as the 13 languages it does not read are scored.
# Measured on the scores as written (3 decimals): ROC AUC 0.946 (0.955 across languages, 0.885
# within one); 1.9% of different-topic pairs and 70.0% of same-topic pairs >= 0.5, none >= 0.9
# (before #25: 0.947, 0.956, 0.881; 1.9%, 69.8%; pairs at 1.00).
NICHE_WITHOUT_ENCODER_FLOORS = {"all": 0.935, "across languages": 0.945, "same language": 0.86}
NICHE_WITHOUT_ENCODER_MOST_DIFFERENT_OVER_HALF = 0.025
# Ukrainian pages (#25), within Ukrainian and against the five; the encoder reads Ukrainian through
# Russian, less well than through the page's English gloss, and reads it through the gloss. Measured:
# ROC AUC 0.945 (0.953 against the five, 0.841 within Ukrainian, many pairs tied at 0.000); 1.5% of
# different-topic pairs and 58.0% of same-topic pairs >= 0.5, none >= 0.9; within Ukrainian 1.2%.
# Within Ukrainian (946 pairs, 43 of them same-topic) the figure moves with each retrain of the shared
# latent space: 0.862 before Hungarian compounds were split in its training text, 0.841 after, while
# SIB-200 within Ukrainian went 0.820 -> 0.822. Read as written against the five: 0.941 (0.947), 0.8%,
# 48.9%, 27 pairs >= 0.9. Before the glosses within Ukrainian: 0.939 (0.947, 0.883), 1.1%, 50.2%;
# within Ukrainian 4.9%, 20 pairs >= 0.9 (baking against fashion at 1.00). Before, without the
# encoder: 0.868 (0.877, 0.698), 1.7%, 43.3%.
NICHE_UKRAINIAN_FLOORS = {"all": 0.935, "against en de fr es ru": 0.94, "same language": 0.82}
NICHE_UKRAINIAN_SAME_OVER_HALF = 0.55
NICHE_UKRAINIAN_MOST_DIFFERENT_OVER_HALF = 0.02
# Six languages the encoder does not read (sv fi cs hu vi el, #25), within one, across two and
# against English; the encoder reads a page in them through its English gloss (against a page it
# reads, two pages of one language, or two of two such languages), and Finnish and Greek have
# FreeDict's words too. Measured: ROC AUC 0.940 (0.926 within one language, 0.930 across two, 0.965
# against English); 1.48% of different-topic pairs >= 0.5 and none >= 0.9; 58.7% of same-topic pairs
# >= 0.5 (69.5% against English). Before Hungarian compounds were split: 0.938 (0.922, 0.929, 0.964),
# 1.49%, 57.8% (Hungarian with English 0.937 -> 0.943, within Hungarian 0.875 -> 0.908). Before the
# glosses across two languages: 0.917 (0.922, 0.895,
# 0.964), 1.75%, 56.1%; before the Thai lexicon's retrain moved the latent space: 0.918 (0.919, 0.900,
# 0.964), 1.6%, 55.6%. Before the glosses: 0.899 (0.827, 0.893, 0.928), 1.6%, 50.9% (54%); before
# that, 0.890, 380 pairs >= 0.9, 47.9%. The bars (0.97, 2%, none >= 0.9, 85%) are not met but
# for the middle two.
NICHE_UNREAD_FLOORS = {"all": 0.93, "same language": 0.91, "across languages": 0.92, "against en": 0.955}
NICHE_UNREAD_SAME_OVER_HALF = 0.56
NICHE_UNREAD_MOST_DIFFERENT_OVER_HALF = 0.02
# Within each of the 30 market languages, 300 pairs of SIB-200 dev pages (the sample holds the whole dev
# split): the share of different-topic pairs >= 0.5 in the worst language. Measured: at most 9.3% (Vietnamese;
# Ukrainian 7.3%, Hebrew and Thai 6.7%, the other 26 at most 5.3%). Before: Thai 98%, Hebrew 95% and
# Hindi 54% (their pages all looked alike to one feature: Thai cut into lone letters that weighed as rare
# words, Hebrew and Hindi glosses mostly left in their own script), which the pooled figures hid.
WITHIN_LANGUAGE_MOST_DIFFERENT_OVER_HALF = 0.12
# Traditional Chinese (zh-TW, zh-HK) against its Simplified twin: the same 300 pairs of SIB-200 dev pages
# against English and 300 within Chinese, the Chinese pages in either script. Measured: against English ROC
# AUC 0.875 (Simplified 0.872), same-topic pairs >= 0.5 44.0% (43.3%); within Chinese 0.940 (0.918),
# different-topic pairs >= 0.5 1.3% (1.3%). Read as written, before it was converted to Simplified: 0.822 and
# 28.0% against English, 4.7% of different-topic pairs >= 0.5 within Chinese (4 of them >= 0.9).
TRADITIONAL_AUC_BELOW_SIMPLIFIED = 0.02
TRADITIONAL_SAME_OVER_HALF_BELOW_SIMPLIFIED = 0.05
TRADITIONAL_DIFFERENT_OVER_HALF_ABOVE_SIMPLIFIED = 0.01
# Measured: 100% of 690 SIB-200 dev pages on both; real pages 100% of 67 (sample), 99.2% of 1,488 (full), 99.6%
# of the 1,482 in languages langdetect has a profile for (the bar: 99.5%; the other six are Icelandic,
# Xhosa and Zulu); MasakhaNEWS 100% of 320 (sample), 99.9% of 1,068 (full).
LANGUAGE_FLOORS = {
    "sample": {"sib200 dev pages, 30 languages": 0.99, "real pages, lang attribute hidden": 0.98,
               "real pages in languages langdetect knows": 0.98, "masakhanews dev articles (en fr so sw)": 0.99},
    "full": {"sib200 dev pages, 30 languages": 0.99, "real pages, lang attribute hidden": 0.985,
             "real pages in languages langdetect knows": 0.995, "masakhanews dev articles (en fr so sw)": 0.99},
}

_cache: dict[tuple[str, str], dict] = {}


def _scores(kind: str, source: str) -> dict:
    if (kind, source) not in _cache:
        data = DATA[source]
        compute = {"placement": lambda: placement_scores(data, use_cache=False), "topical": lambda: topical_scores(data),
                   "language": lambda: language_scores(data)}[kind]
        _cache[(kind, source)] = compute()
    return _cache[(kind, source)]


def test_the_sample_is_in_the_repository():
    assert (SAMPLE_DIR / "placement" / "mozilla-links.tsv").is_file(), "tests/data is missing: python -m scoring.training.eval_sample"
    assert (SAMPLE_DIR / "README.md").is_file()


@pytest.mark.parametrize("source", SOURCES)
def test_placement_macro_f1_floor(source):
    scores = _scores("placement", source)
    for dataset, floor in PLACEMENT_FLOORS[source].items():
        model = scores[dataset][0]
        assert model["name"] == "model"
        assert model["macro_f1"] >= floor, f"{source} {dataset}: {model['macro_f1']:.3f}"


@pytest.mark.parametrize("source", SOURCES)
def test_model_beats_main_content_baseline(source):
    """The model must earn its place over the signal it is built on: on all held-out links, on
    each data set, and in each language with enough labelled links of both kinds."""
    scores = _scores("placement", source)
    model, main_content_only = scores["all"][:2]
    assert main_content_only["name"] == "in trafilatura main content"
    assert model["macro_f1"] >= main_content_only["macro_f1"] + BEATS_MAIN_CONTENT_BY[source], (model, main_content_only)
    assert model["macro_f1_pages"] > main_content_only["macro_f1_pages"]
    for group, (model, main_content_only, *_baselines) in scores.items():
        if group in PLACEMENT_FLOORS[source]:
            assert model["macro_f1"] > main_content_only["macro_f1"], f"{source} {group}: {model} {main_content_only}"
        elif group.startswith(("language ", "page type ")):  # never below it (a listing: both make the same errors)
            assert model["macro_f1"] >= main_content_only["macro_f1"], f"{source} {group}: {model} {main_content_only}"
    assert "language de" in scores  # the German pages are there to be judged


@pytest.mark.parametrize("source", SOURCES)
def test_topical_auc_floor(source):
    scores = _scores("topical", source)
    for pairs, floor in TOPICAL_FLOORS[source].items():
        assert scores[pairs]["model"] >= floor, f"{source} {pairs}: {scores[pairs]['model']:.3f}"


def test_topical_fit_on_held_out_niche_pages():
    scores = niche_scores()
    assert scores["all"]["niches"] >= 20 and scores["all"]["languages"] >= 5
    for relation, floor in NICHE_FLOORS.items():
        assert scores[relation]["auc"] >= floor, f"{relation}: {scores[relation]}"
    assert scores["all"]["different >= 0.5"] <= NICHE_MOST_DIFFERENT_OVER_HALF, scores["all"]
    assert scores["all"]["same >= 0.5"] >= NICHE_LEAST_SAME_OVER_HALF, scores["all"]


def test_topical_fit_on_held_out_niche_pages_without_the_encoder():
    scores = niche_scores(encoder=False)
    for relation, floor in NICHE_WITHOUT_ENCODER_FLOORS.items():
        assert scores[relation]["auc"] >= floor, f"{relation}: {scores[relation]}"
    assert scores["all"]["different >= 0.5"] <= NICHE_WITHOUT_ENCODER_MOST_DIFFERENT_OVER_HALF, scores["all"]
    assert scores["all"]["different >= 0.9"] == 0, scores["all"]


def test_topical_fit_on_ukrainian_niche_pages():
    scores = niche_scores(languages=("uk",), against=ENCODER_NICHE_LANGUAGES)
    for relation, floor in NICHE_UKRAINIAN_FLOORS.items():
        assert scores[relation]["auc"] >= floor, f"{relation}: {scores[relation]}"
    assert scores["all"]["different >= 0.5"] <= NICHE_UKRAINIAN_MOST_DIFFERENT_OVER_HALF, scores["all"]
    assert scores["all"]["different >= 0.9"] == 0 and scores["all"]["same >= 0.5"] >= NICHE_UKRAINIAN_SAME_OVER_HALF, \
        scores["all"]
    within = scores["same language"]
    assert within["different >= 0.5"] <= NICHE_UKRAINIAN_MOST_DIFFERENT_OVER_HALF and within["different >= 0.9"] == 0, within


def test_topical_fit_in_six_languages_the_encoder_does_not_read():
    scores = niche_scores(languages=UNREAD_NICHE_LANGUAGES, against=("en",))
    assert scores["all"]["niches"] >= 20 and scores["all"]["languages"] == 7
    for relation, floor in NICHE_UNREAD_FLOORS.items():
        assert scores[relation]["auc"] >= floor, f"{relation}: {scores[relation]}"
    assert scores["all"]["different >= 0.5"] <= NICHE_UNREAD_MOST_DIFFERENT_OVER_HALF, scores["all"]
    assert scores["all"]["different >= 0.9"] == 0, scores["all"]
    assert scores["all"]["same >= 0.5"] >= NICHE_UNREAD_SAME_OVER_HALF, scores["all"]


def test_topical_fit_within_each_market_language():
    scores = within_language_scores(SAMPLE_DIR)
    assert len(scores) == 30
    over = {language: round(score["different >= 0.5"], 3) for language, score in scores.items()
            if score["different >= 0.5"] > WITHIN_LANGUAGE_MOST_DIFFERENT_OVER_HALF}
    assert not over, over


def test_traditional_chinese_is_read_as_well_as_simplified():
    scores = script_variant_scores(SAMPLE_DIR)
    for pair in ("zh / en", "zh / zh"):
        simplified, traditional = scores[pair], scores[pair.replace("zh", "zh-Hant")]
        assert traditional["auc"] >= simplified["auc"] - TRADITIONAL_AUC_BELOW_SIMPLIFIED, (pair, traditional, simplified)
        assert traditional["same >= 0.5"] >= simplified["same >= 0.5"] - TRADITIONAL_SAME_OVER_HALF_BELOW_SIMPLIFIED, (
            pair, traditional, simplified)
        assert traditional["different >= 0.5"] <= simplified["different >= 0.5"] + TRADITIONAL_DIFFERENT_OVER_HALF_ABOVE_SIMPLIFIED, (
            pair, traditional, simplified)


@pytest.mark.parametrize("source", SOURCES)
def test_topical_model_beats_plain_tfidf_across_languages(source):
    cross = _scores("topical", source)["sib200 dev, cross-language"]
    assert cross["model"] > cross["surface n-grams only"] + 0.15


@pytest.mark.parametrize("source", SOURCES)
def test_language_accuracy_floor(source):
    scores = _scores("language", source)
    for dataset, floor in LANGUAGE_FLOORS[source].items():
        score = scores[dataset]
        assert score["accuracy"] >= floor, f"{source} {dataset}: {score['accuracy']:.3%} {score['confusions']}"
