"""Train the topical-fit model (part of ``make train``): ``python -m scoring.training.topical_model``.

1. the lexicons, one per language (``scoring.training.concept_lexicon``);
2. the broad topic space of ``scoring.topics`` on SIB-200's training sentences;
3. the concept profiles from WordNet 3.0 (``scoring.training.concept_graph``);
4. the latent space: real documents — the placement set's web pages (their
   ground-truth main text), MasakhaNEWS training articles, SIB-200 training
   sentences (an id's 30 translations as one document) — as their concepts'
   profiles plus their words, weighted by inverse document frequency; a
   TruncatedSVD of them, its first two components dropped; each concept's
   vector is its profile projected on the rest, each word's its own column;
5. the calibrations: a logistic regression on ``scoring.topical``'s five
   features over every pair of the six calibration niches' pages in the five
   languages the sentence encoder was trained on (``tests/data/niches``), the
   few same-topic pairs weighing as much as the many different-topic ones, so
   that 0.5 is where a pair is as likely one as the other; and, for a pair the
   encoder does not read, the same regression with the encoder's cosine
   replaced by its least-squares estimate from the other four (fitted on the
   same pairs), folded into one regression over those four; and for a pair the
   encoder reads one page of, or two pages of one language, or two pages of
   two languages, only through their English glosses (``scoring.english_gloss``),
   the same with the encoder's cosine estimated from the glosses' cosine and
   the other four, fitted on the same pages glossed as if it did not read them. The other 22
   niches stay held out for ``python -m scoring.evaluate``, as do the niche
   pages in the other seven languages, SIB-200's dev split and MasakhaNEWS's
   dev articles.
"""

from __future__ import annotations

import ast
import csv
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_limits

from scoring.concepts import LEXICON_DIR, bags, forget_lexicons
from scoring.topic_model import LEVELS4, MAX_CHARS, MODEL_PATH, TopicModel, load_topic_model, rows_of
from scoring.topics import LANGUAGES, TOPICS_PATH, TopicSpace, load_topic_space
from scoring.training import concept_graph, concept_lexicon
from scoring.training.datasets import DATA_DIR, read_sib200
from scoring.training.topic_pairs import DEV_NICHES, NICHES_DIR, niche_pages

__all__ = ["train_topical_model", "fit_calibration", "fit_calibrations", "fit_imputation", "fold", "calibration_pairs", "gloss_pairs"]

# Swept 80 / 150 / 250 / 300 on the calibration niches: 150 best within one language.
DIMENSIONS = 150
# The leading components are what every text shares (the mean direction,
# generic words): a long page sits close to every other page on them.
# Dropping two: MasakhaNEWS en-fr latent AUC 0.53 -> 0.69, niche pages 0.93 -> 0.95.
DROPPED_COMPONENTS = 2
# A word joins the space as a word when at least this many documents use it.
WORD_MIN_DOCUMENTS = 4
# The calibrations are fitted on the pages in the five languages the sentence
# encoder was trained on. With the Ukrainian pages too (read as written, with
# lower cosines), 2.9% of different-topic pairs in those five scored >= 0.5
# instead of 1.3%. A calibration fitted on the pages of the six languages it does
# not read, on their four features, ranked their held-out pairs no better (ROC
# AUC 0.913 vs 0.909), called 5.0% of different-topic pairs the same topic
# instead of 1.6% and, its scale unlike the encoder's, lowered SIB-200 (pairs of
# 30 languages, each pair scored by one of the two) from 0.810 to 0.775.
# Tempering the folded calibration (its logit times 0.30, the factor that fits
# the calibration niches of those six languages best) was measured and left
# out: on their held-out pairs the scores as written rank better within one
# language (0.827 -> 0.890: fewer ties at 0.000) and fewer same-topic pairs fall
# under 0.2 (43% -> 24%), but pairs scored without the encoder then sort above
# pairs scored with it: SIB-200 0.810 -> 0.777.
ENCODER_CALIBRATION_LANGUAGES = ("en", "de", "fr", "es", "ru")


def fit_calibration(features: np.ndarray, labels: np.ndarray, non_negative: list[bool], l2: float = 1e-3,
                    balanced: bool = False) -> np.ndarray:
    """Logistic regression with sign constraints (more similarity never lowers the score): weights then bias.
    ``balanced``: each class weighs half, however few pairs it has."""
    signs = 2.0 * labels - 1.0
    counts = np.bincount(labels.astype(int), minlength=2)
    sample = len(labels) / (2.0 * counts[labels.astype(int)]) if balanced and counts.all() else np.ones(len(labels))

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        margin = signs * (features @ params[:-1] + params[-1])
        value = (sample * np.logaddexp(0.0, -margin)).sum() + l2 * (params[:-1] ** 2).sum()
        weight = -signs * sample * expit(-margin)
        gradient = np.concatenate([features.T @ weight + 2 * l2 * params[:-1], [weight.sum()]])
        return value, gradient

    bounds = [(0.0, None) if positive else (None, None) for positive in non_negative] + [(None, None)]
    result = minimize(loss, np.zeros(features.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x.astype(np.float64)


def _shipped_synsets() -> np.ndarray:
    """Every synset some shipped lexicon can name."""
    found: set[int] = set()
    for path in sorted(LEXICON_DIR.glob("*.tsv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                ids = line.rstrip("\n").split("\t")[2]
                if ids:
                    found.update(int(i, 36) for i in ids.split(" "))
    return np.array(sorted(found), dtype=np.int64)


def _profile_matrix(synsets: np.ndarray) -> sp.csr_matrix:
    """One row per synset: its profile over features (synsets and definition words)."""
    profiles = concept_graph.profiles(concept_graph.read_wordnet())
    columns: dict[object, int] = {}
    indptr, indices, data = [0], [], []
    for synset in synsets.tolist():
        for feature, weight in sorted(profiles.get(synset, {synset: 1.0}).items(), key=lambda item: str(item[0])):
            indices.append(columns.setdefault(feature, len(columns)))
            data.append(weight)
        indptr.append(len(indices))
    return sp.csr_matrix((np.array(data, np.float32), np.array(indices), np.array(indptr)), shape=(len(synsets), len(columns)))


def _documents(data_dir: Path):
    """Lists of (language, text) of the real documents the space learns from; none is evaluated on."""
    for path in sorted((data_dir / "placement" / "wceb" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        truth = truth if isinstance(truth, dict) else ast.literal_eval(truth)
        yield [("en", truth.get("main_content") or " ".join(v for v in truth.values() if isinstance(v, str)))]
    csv.field_size_limit(2**31 - 1)
    for folder in sorted((data_dir / "topics" / "masakhanews").iterdir()):
        train = folder / "train.tsv"
        language = {"eng": "en", "fra": "fr", "pcm": "en"}.get(folder.name)  # Nigerian Pidgin reads as English
        if language and train.exists():
            with train.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    yield [(language, f"{row['headline']}. {row['text']}")]
    sib = {lang: read_sib200(data_dir, lang, "train") for lang in LANGUAGES}
    for index_id in sorted(sib["en"]):
        yield [(lang, rows[index_id][1]) for lang, rows in sib.items() if index_id in rows]


def _quantise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of 4 bits (-7..7) with one scale per row, saved two a byte: an eighth of float32. Against int8
    (``bench/topic_quantisation.py``), the held-out figures move by 0.001 at most either way: niche
    pages 0.990 -> 0.991 (the encoder's five), 0.916 -> 0.917 (six it does not read), SIB-200
    0.824/0.823 -> 0.823/0.822, MasakhaNEWS en-fr 0.767 -> 0.768; the file 17.7 -> 9 MB."""
    scales = np.abs(matrix).max(axis=1) / LEVELS4 + 1e-12
    return np.round(matrix / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def _latent_space(synsets: np.ndarray, profiles: sp.csr_matrix, data_dir: Path) -> TopicModel:
    concept_rows, word_bags = [], []
    for parts in _documents(data_dir):
        weights_by_row: dict[int, float] = defaultdict(float)
        words: dict[str, float] = defaultdict(float)
        for language, text in parts:
            bag, ids, weights = bags(text[:MAX_CHARS], language)
            for word, weight in bag.items():
                words[word] += weight
            for row, weight in zip(*rows_of(synsets, ids, weights), strict=True):
                weights_by_row[int(row)] += float(weight)
        concept_rows.append(weights_by_row)
        word_bags.append(words)
    selector = sp.csr_matrix(
        ([w for r in concept_rows for w in r.values()],
         ([i for i, r in enumerate(concept_rows) for _ in r], [row for r in concept_rows for row in r])),
        shape=(len(concept_rows), len(synsets)), dtype=np.float32)
    used: dict[str, int] = defaultdict(int)
    for words in word_bags:
        for word in words:
            used[word] += 1
    vocabulary = sorted(w for w, n in used.items() if n >= WORD_MIN_DOCUMENTS)
    column = {w: i for i, w in enumerate(vocabulary)}
    word_matrix = sp.csr_matrix(
        ([v for words in word_bags for w, v in words.items() if w in column],
         ([i for i, words in enumerate(word_bags) for w in words if w in column],
          [column[w] for words in word_bags for w in words if w in column])),
        shape=(len(word_bags), len(vocabulary)), dtype=np.float32)
    documents = sp.hstack([selector @ profiles, word_matrix]).tocsr()
    frequency = np.bincount(documents.indices, minlength=documents.shape[1])
    idf = (np.log((1 + documents.shape[0]) / (1 + frequency)) + 1).astype(np.float32)
    weighted = documents @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel() + 1e-9
    weighted = sp.diags(1 / norms) @ weighted
    svd = TruncatedSVD(DIMENSIONS + DROPPED_COMPONENTS, random_state=0).fit(weighted)
    components = svd.components_[DROPPED_COMPONENTS:].astype(np.float32)
    features = profiles.shape[1]
    concept_latent = np.asarray((profiles @ sp.diags(idf[:features])) @ components[:, :features].T)
    word_latent = (components[:, features:] * idf[features:]).T
    latent, scales = _quantise(concept_latent)
    word_latent, word_scales = _quantise(word_latent)
    print(f"latent space: {documents.shape[0]} documents, {features} concept features and {len(vocabulary)} words, "
          f"{DIMENSIONS} dimensions", file=sys.stderr)
    return TopicModel(synsets, latent, scales, vocabulary, word_latent, word_scales)


def calibration_pairs(model: TopicModel, niches_dir: Path = NICHES_DIR, dev: bool = True,
                      languages: tuple[str, ...] = ENCODER_CALIBRATION_LANGUAGES) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every pair of niche pages in ``languages`` on one side of the split."""
    from scoring.topical import pair_features

    pages = [p for p in niche_pages(niches_dir) if (p.topic in DEV_NICHES) == dev and p.language in languages]
    features, labels = [], []
    for i, first in enumerate(pages):
        for second in pages[i + 1 :]:
            features.append(pair_features(first.text, second.text, first.language, second.language, model))
            labels.append(int(first.topic == second.topic))
    return np.array(features), np.array(labels)


def gloss_pairs(model: TopicModel, relation: int, niches_dir: Path = NICHES_DIR,
                languages: tuple[str, ...] = ENCODER_CALIBRATION_LANGUAGES) -> np.ndarray:
    """Rows of the four features, the encoder's cosine with pages read through their English glosses,
    and last the encoder's cosine of the two pages themselves, for every pair of calibration niche pages
    in languages it reads, ``relation`` as ``scoring.topical.gloss_relation`` numbers it: 0 two languages,
    one page through its gloss (either one: two rows a pair); 1 two pages of one language, 2 of two
    languages, both through their glosses."""
    from scoring import sentence_encoder
    from scoring.english_gloss import english_gloss
    from scoring.topical import pair_features

    pages = [p for p in niche_pages(niches_dir) if p.topic in DEV_NICHES and p.language in languages]
    read = [sentence_encoder.page_vector(p.text) for p in pages]
    gloss = [sentence_encoder.page_vector(english_gloss(p.text, p.language)) for p in pages]
    rows = []
    for i, first in enumerate(pages):
        for j in range(i + 1, len(pages)):
            second = pages[j]
            if (relation == 1) != (first.language == second.language) or gloss[i] is None or gloss[j] is None:
                continue
            features = pair_features(first.text, second.text, first.language, second.language, model, encoder=False)
            real = float(np.dot(read[i], read[j]))
            cosines = ([float(np.dot(gloss[i], gloss[j]))] if relation else
                       [float(np.dot(gloss[i], read[j])), float(np.dot(read[i], gloss[j]))])
            rows.extend(features + [cosine, real] for cosine in cosines)
    return np.array(rows)


def fit_imputation(features: np.ndarray, non_negative: list[bool]) -> np.ndarray:
    """Least squares of the last feature (the sentence encoder's cosine) on the others: weights then intercept.
    Weights marked ``non_negative`` stay >= 0, so that the folded calibration keeps the rule that more
    similarity never lowers the score (unbounded, the estimate from one gloss gave the shared words a
    negative weight: the glosses' cosine already counts them)."""
    from scipy.optimize import lsq_linear

    predictors = features[:, :-1]
    # A predictor that never varies (two pages of one language: "same language" is always 1) is the
    # intercept's business; its weight stays 0.
    varies = predictors.max(axis=0) > predictors.min(axis=0)
    design = np.hstack([predictors[:, varies], np.ones((len(features), 1))])
    lower = [0.0 if positive else -np.inf for positive, kept in zip(non_negative, varies, strict=True) if kept]
    fitted = lsq_linear(design, features[:, -1], bounds=(lower + [-np.inf], np.inf), method="bvls").x
    solution = np.zeros(predictors.shape[1] + 1)
    solution[np.flatnonzero(varies)] = fitted[:-1]
    solution[-1] = fitted[-1]
    return solution


def fold(calibration: np.ndarray, imputation: np.ndarray) -> np.ndarray:
    """The calibration with its last feature (the encoder's cosine) replaced by that feature's linear estimate
    from the others, and from any further predictors the estimate has (the cosine of glosses): one logistic
    regression over them (weights then bias)."""
    encoder_weight = calibration[-2]
    weights = encoder_weight * imputation[:-1]
    weights[: len(calibration) - 2] += calibration[:-2]
    return np.concatenate([weights, [calibration[-1] + encoder_weight * imputation[-1]]])


# How far a pair of two languages the encoder does not read moves from the calibration without the
# encoder towards the one through both pages' glosses. Chosen on pairs no evaluation uses: SIB-200
# training pages of two of the 13 such languages (2,133 pairs; ROC AUC 0.866 without glosses,
# 0.862 all the way, 0.878 half-way, 0.877 at 0.6, 0.873 at 0.75) and the calibration niches'
# pages in six of them (2,160 pairs across two: 0.940, 0.955, 0.956, 0.958, 0.958). The SIB-200 pairs
# alone pick 0.5 (on the held-out niche pages across two of the six: 0.900, 0.942, 0.933, -, 0.940).
GLOSSES_ACROSS_TRUST = 0.5


def fit_calibrations(model: TopicModel) -> int:
    """Fit ``model``'s three calibrations on the calibration niches' pairs; the number of pairs."""
    from scoring.topical import NON_NEGATIVE

    features, labels = calibration_pairs(model)
    model.calibration = fit_calibration(features, labels, NON_NEGATIVE, balanced=True)
    model.calibration_unread = fold(model.calibration, fit_imputation(features, NON_NEGATIVE[:-1]))
    # Where the encoder reads a page only through its English gloss: its real cosine estimated from the
    # glosses' cosine and the other four, on pages it reads (glossed as if it did not), folded in the same way.
    glossed = [fold(model.calibration, fit_imputation(gloss_pairs(model, relation), NON_NEGATIVE)) for relation in (0, 1, 2)]
    # Two pages of two languages it reads neither of: both glosses come through thin lexicons, unlike the
    # calibration languages' glosses the estimate was fitted on, so that regression is trusted only
    # GLOSSES_ACROSS_TRUST of the way from the one without the encoder (at 0.5, the mean of their logits).
    unread = np.concatenate([model.calibration_unread[:-1], [0.0], model.calibration_unread[-1:]])
    glossed[2] = GLOSSES_ACROSS_TRUST * glossed[2] + (1 - GLOSSES_ACROSS_TRUST) * unread
    model.calibration_glossed = np.stack(glossed)
    return len(labels)


def train_topical_model(data_dir: Path = DATA_DIR, path: Path = MODEL_PATH, lexicons: bool = True) -> TopicModel:
    # One BLAS thread: the SVD's sums then run in one order and a rebuild is byte for byte the same.
    with threadpool_limits(1):
        return _train(data_dir, path, lexicons)


def _train(data_dir: Path, path: Path, lexicons: bool) -> TopicModel:
    if lexicons:
        for language in LANGUAGES:
            concept_lexicon.build(language, data_dir)
        forget_lexicons()
    concept_lexicon.build_glosses(data_dir)
    TopicSpace.fit({lang: read_sib200(data_dir, lang, "train") for lang in LANGUAGES}).save(TOPICS_PATH)
    load_topic_space.cache_clear()
    synsets = _shipped_synsets()
    model = _latent_space(synsets, _profile_matrix(synsets), data_dir)
    pairs = fit_calibrations(model)
    model.save(path)
    load_topic_model.cache_clear()
    print(f"saved {path} ({path.stat().st_size / 1e6:.1f} MB: {len(synsets)} concepts, {len(model.vocabulary)} words); "
          f"calibration on {pairs} pairs: {np.round(model.calibration, 2).tolist()}; "
          f"without the encoder: {np.round(model.calibration_unread, 2).tolist()}; "
          f"through one gloss / two of one language / two of two: {np.round(model.calibration_glossed, 2).tolist()}", file=sys.stderr)
    return model


if __name__ == "__main__":
    train_topical_model(lexicons="--keep-lexicons" not in sys.argv)
