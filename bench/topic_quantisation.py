"""What the topic model's latent vectors lose when stored in fewer bits than they are.

``scoring/models/topic_model.npz`` is mostly one vector of 150 values per
concept and per word, 4 bits a value (9 MB; 17.7 MB as int8 before). This takes
the shipped vectors, stores them again in fewer bits, refits the calibrations
on the same calibration niches as ``make train`` does, and prints the held-out figures of ``make evaluate`` for
each: ROC AUC on the niche pages (the encoder's five languages, the six it
does not read with English), SIB-200 and MasakhaNEWS. Needs ``../shared/data``.

    python bench/topic_quantisation.py [shipped 3 pq30 pq15]

``N`` (a number) is N bits a value with one scale a row; ``pqM`` is product
quantisation, M slices of the vector each as one of 256 k-means centroids
(M bytes a row).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

import scoring.topical as topical  # noqa: E402
from scoring.topic_model import MODEL_PATH, TopicModel  # noqa: E402
from scoring.training.evaluation import niche_scores, topical_scores  # noqa: E402
from scoring.training.topic_pairs import UNREAD_NICHE_LANGUAGES  # noqa: E402
from scoring.training.topical_model import fit_calibrations  # noqa: E402


def scalar(matrix: np.ndarray, bits: int) -> tuple[np.ndarray, int]:
    """Each row rounded to ``bits`` bits a value with its own scale; the bytes it would take."""
    levels = 2 ** (bits - 1) - 1
    scales = np.abs(matrix).max(axis=1) / levels + 1e-12
    return np.round(matrix / scales[:, None]) * scales[:, None], matrix.shape[0] * (matrix.shape[1] * bits // 8 + 4)


def product(matrix: np.ndarray, slices: int) -> tuple[np.ndarray, int]:
    """Each slice of each row as the nearest of 256 k-means centroids of that slice; the bytes it would take."""
    from sklearn.cluster import KMeans

    width = matrix.shape[1] // slices
    rebuilt = np.empty_like(matrix)
    for i in range(slices):
        part = matrix[:, i * width:(i + 1) * width]
        fit = KMeans(256, n_init=1, max_iter=30, random_state=0).fit(part)
        rebuilt[:, i * width:(i + 1) * width] = fit.cluster_centers_[fit.labels_]
    return rebuilt, matrix.shape[0] * slices + slices * 256 * width * 4


def stored(matrix: np.ndarray, form: str) -> tuple[np.ndarray, int]:
    return product(matrix, int(form[2:])) if form.startswith("pq") else scalar(matrix, int(form))


def figures(model: TopicModel) -> str:
    topical.load_topic_model = lambda: model  # what topical_fit scores with, for this process only
    encoder = niche_scores()["all"]["auc"]
    unread = niche_scores(languages=UNREAD_NICHE_LANGUAGES, against=("en",))["all"]["auc"]
    rest = topical_scores()
    return (f"niche pages, encoder's 5: {encoder:.3f}  six unread with en: {unread:.3f}  "
            f"SIB-200 across/within: {rest['sib200 dev, cross-language']['model']:.3f}/"
            f"{rest['sib200 dev, same language']['model']:.3f}  "
            f"MasakhaNEWS en-fr: {rest['masakhanews dev, en-fr articles']['model']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms", nargs="*", default=["shipped", "3", "pq30", "pq15"])
    args = parser.parse_args()
    shipped = TopicModel.load(MODEL_PATH)
    concepts, words = shipped.vectors()
    vocabulary = sorted(shipped.vocabulary, key=shipped.vocabulary.get)
    with threadpool_limits(1):
        for form in args.forms:
            started = time.perf_counter()
            if form == "shipped":
                model = shipped  # its calibrations are refitted as they were fitted: the same
                # 4 bits a value as saved (``TopicModel.save``), a float32 scale a row
                size = (model.latent.size + model.word_latent.size) // 2 + 4 * (len(concepts) + len(words))
            else:
                (rebuilt, concept_bytes), (word_rebuilt, word_bytes) = stored(concepts, form), stored(words, form)
                model = TopicModel(shipped.synsets, rebuilt.astype(np.float32), np.ones(len(rebuilt), np.float32), vocabulary,
                                   word_rebuilt.astype(np.float32), np.ones(len(word_rebuilt), np.float32))
                size = concept_bytes + word_bytes
            fit_calibrations(model)  # as make train fits them
            print(f"{form:>5}: vectors {size / 1e6:5.1f} MB  {figures(model)}  ({time.perf_counter() - started:.0f} s)",
                  flush=True)


if __name__ == "__main__":
    main()
