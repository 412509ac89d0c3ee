"""How close the source page's topic is to the target page's: 0..1, the same scale in every language.

0.5 means "a person reading both pages would call them the same topic": a
dog-grooming page and a puppy-training page, in any two of the 30 languages,
score above it; a dog page and a zero-day whitepaper, an SEO guide and a
web-hosting offer, a football report and a yoga class score below it.

Four numbers every pair has, and a fifth where the encoder reads both pages:
1. ``words``: cosine of the two texts' rare words (same words, names,
   loanwords: strong within a language; ``scoring.topic_model``);
2. ``concepts``: cosine of their WordNet concepts (the same meaning in any
   language);
3. ``latent``: cosine in the space learned from real text, plus half the
   cosine in the broad topic space of ``scoring.topics`` (SIB-200's parallel
   sentences), which keeps broad subjects apart on long pages;
4. whether the two pages share a language;
5. ``sentence encoder``: cosine of the two leads in Google's multilingual
   sentence encoder (``scoring.sentence_encoder``), when both languages are
   among the 16 it reads (``COVERED`` there); a page in another language it
   reads through the page's English gloss (``scoring.english_gloss``), against
   a page it reads, a page of the same language or a page of another such
   language (``gloss_relation``).
A logistic regression fitted on hand-written pages of six calibration niches
(``make train``), same- and different-topic pairs weighing alike, maps them to
0..1; for a pair read through a gloss, the same regression with the encoder's
cosine replaced by its linear estimate from the glosses' cosine and the other
four (``TopicModel.calibration_glossed``, one for each ``gloss_relation``; two
glosses of two languages count half), and for a pair it has no vector of,
from the other four alone (``TopicModel.calibration_unread``), so that a score
means the same whichever two languages meet. Where the encoder did not read
both pages the evidence is thinner (a gloss is a word-by-word reading; two pages
in Swedish, Finnish, Czech, Hungarian, Vietnamese or Greek share few concepts
the lexicons know), so such a score keeps only ``UNREAD_CONFIDENCE`` of its
distance above 0.5: it says "same topic" but never "certainly" (under 0.875).
22 other niches are held out to measure it (``python -m scoring.evaluate``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from extract.chinese_script import simplified
from extract.hreflang import same_language_code
from scoring import sentence_encoder
from scoring.english_gloss import english_gloss
from scoring.topic_model import MAX_CHARS, TopicModel, load_topic_model
from scoring.topics import load_topic_space

__all__ = ["topical_fit", "pair_features", "glossed", "encoder_vector", "surface_similarity", "FEATURES", "NON_NEGATIVE",
           "gloss_relation",
           "SURFACE_CHARS", "UNREAD", "UNREAD_CONFIDENCE"]

# Character n-grams of the first SURFACE_CHARS characters: longer texts cost
# time and scored no better.
SURFACE_CHARS = 2000


@lru_cache(maxsize=1)
def _hasher():
    """Stateless hashing, so a target page's vector is computed once and reused for every source
    that links to it; log-scaled counts stand in for IDF. Built on first use: only the evaluation's
    baseline and a verifier without its shipped model need it, and importing scikit-learn costs an
    analysis process 0.9 s of CPU at start."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**20, alternate_sign=False, norm=None)


FEATURES = ["words", "concepts", "latent + broad", "same language", "sentence encoder"]
# Which calibration weights must be >= 0: more similarity may never lower the score.
NON_NEGATIVE = [True, True, True, False, True]
# The features of a pair the encoder cannot read: the first four.
UNREAD = 4
# Above 0.5, the share of the calibrated distance from 0.5 that a pair read without
# the encoder keeps. On the held-out niche pages in the six languages it does not
# read, 0.9% of different-topic pairs were calibrated >= 0.9 (a person would see
# "1.00" on a travel page linking to an electric-car page); scaled, no pair without
# the encoder reaches 0.875, and the 0.5 line, the ranking and every score under
# 0.5 stay as calibrated.
UNREAD_CONFIDENCE = 0.75
# The broad topic space's share beside the latent one. Swept 0.4 / 0.5 / 0.6 / 1.0
# on the niche pages and the old benchmarks: the latent cosine alone gives SIB-200
# 0.75 across languages and 0.73 within one; plus half the broad one, 0.79 and
# 0.77, the niche pages keep ROC AUC 0.95 and MasakhaNEWS moves by under 0.015.
BROAD_SHARE = 0.5


@lru_cache(maxsize=256)
def _surface_vector(text: str):
    vector = _hasher().transform([text[:SURFACE_CHARS]]).tocsr()
    vector.data = np.log1p(vector.data)
    norm = np.sqrt(vector.multiply(vector).sum())
    return vector / norm if norm else vector


def surface_similarity(first: str, second: str) -> float:
    """Cosine of log-scaled character 3-5-gram counts."""
    return float(_surface_vector(first).multiply(_surface_vector(second)).sum())


def pair_features(first: str, second: str, first_language: str | None, second_language: str | None,
                  model: TopicModel | None = None, encoder: bool = True) -> list[float]:
    """The first ``UNREAD`` features, and the sentence encoder's cosine when it has a vector of both
    pages (of a page in a language it does not read: of its English gloss, see ``glossed``).
    ``encoder=False``: without the encoder at all (the evaluation uses it)."""
    model = model or load_topic_model()
    first_language, second_language = same_language_code(first_language), same_language_code(second_language)
    # Traditional Chinese (zh-TW, zh-HK) is read in Simplified characters, the script every feature was
    # learnt from: SIB-200's held-out pages in Traditional against English ones, ROC AUC 0.822 -> 0.875 and
    # same-topic pairs >= 0.5 28% -> 44% (the same pairs with the Simplified text: 0.872, 43%).
    first, second = _in_simplified(first, first_language), _in_simplified(second, second_language)
    similar = {"words": 0.0, "concepts": 0.0, "latent": 0.0}
    if model is not None:
        similar = model.similarities(model.represent(first, first_language), model.represent(second, second_language))
    space = load_topic_space()
    broad = float(np.dot(space.represent(first), space.represent(second))) if space is not None else 0.0
    same = float(first_language is not None and first_language == second_language)
    features = [similar["words"], similar["concepts"], similar["latent"] + BROAD_SHARE * broad, same]
    cosine = encoder_similarity(first, second, first_language, second_language) if encoder else None
    return features if cosine is None else features + [cosine]


def _in_simplified(text: str, language: str | None) -> str:
    return simplified(text[:MAX_CHARS]) if language == "zh" else text


def glossed(first_language: str | None, second_language: str | None) -> int:
    """How many of the two pages the encoder reads only through their English gloss: 0, 1 or 2."""
    first_language, second_language = same_language_code(first_language), same_language_code(second_language)
    return sum(not sentence_encoder.covered(language) for language in (first_language, second_language))


def encoder_vector(text: str, language: str | None) -> np.ndarray | None:
    """The sentence encoder's vector of a page's lead: of the lead itself in a language it reads
    (``COVERED``), of its English gloss in another (``scoring.english_gloss``); None when it has none."""
    if sentence_encoder.covered(language):
        return sentence_encoder.page_vector(text)
    english = english_gloss(text, language)
    return sentence_encoder.page_vector(english) if english else None


def encoder_similarity(first: str, second: str, first_language: str | None, second_language: str | None) -> float | None:
    """The sentence encoder's cosine of the two pages (of a page in a language it does not read: of its
    English gloss, see ``glossed``); None where it has no vector of one of them. The language codes as
    ``pair_features`` normalised them."""
    first_vector = encoder_vector(first, first_language)
    second_vector = encoder_vector(second, second_language) if first_vector is not None else None
    return float(np.dot(first_vector, second_vector)) if second_vector is not None else None


def gloss_relation(first_language: str | None, second_language: str | None) -> int:
    """Which of ``TopicModel.calibration_glossed`` scores a pair read through glosses: 0 one page
    through its gloss, 1 two pages of one language, 2 two pages of two languages; -1 none."""
    through = glossed(first_language, second_language)
    if through < 2:
        return through - 1
    return 1 if same_language_code(first_language) == same_language_code(second_language) else 2


def topical_fit(source_text: str, target_text: str, source_language: str | None = None,
                target_language: str | None = None, *, encoder: bool = True) -> float | None:
    if not source_text.strip() or not target_text.strip():
        return None
    model = load_topic_model()
    features = pair_features(source_text, target_text, source_language, target_language, model, encoder)
    if model is None or model.calibration is None:
        return round(surface_similarity(source_text, target_text), 3)  # no shipped model: plain n-gram similarity
    relation = gloss_relation(source_language, target_language)
    read = len(features) == len(FEATURES) and relation < 0
    glossed_calibrations = model.calibration_glossed if model.calibration_glossed is not None else ()
    if read:
        calibration = model.calibration
    elif len(features) == len(FEATURES) and relation < len(glossed_calibrations):
        calibration = glossed_calibrations[relation]
    else:  # no encoder vector of a page (or a model from before the glosses)
        features, calibration = features[:UNREAD], model.calibration_unread
    if calibration is None or len(calibration) != len(features) + 1:
        raise ValueError("the shipped topic model was calibrated on other features; run `make train`")
    fit = float(1.0 / (1.0 + np.exp(-(np.dot(calibration[:-1], features) + calibration[-1]))))
    if not read and fit > 0.5:
        fit = 0.5 + (fit - 0.5) * UNREAD_CONFIDENCE
    return round(fit, 3)
