"""What a page is about, as vectors two pages can be compared by, in any of 30 languages.

A text becomes (``TopicModel.represent``):
- ``words``: its rare words (``scoring.concepts``), unit length: the same
  words, names and loanwords;
- ``concepts``: those words as WordNet concepts shared by all languages, unit
  length: "Hund", "chien" and "dog" are one;
- ``latent``: the concepts and words in a 150-dimension space learned from
  real text (``scoring.training.topical_model``): each concept enters with what
  WordNet says around it (hypernyms, domain, derivations, definition words),
  and the space knows what goes together in use, so "puppy" meets "leash",
  "mortgage" meets "deposit", "bitcoin" meets "wallet".

The model file ``scoring/models/topic_model.npz`` (``make train``) holds each
concept's and each known word's latent vector (4 bits a value, two values a
byte, one scale per row: ``pack4``; unpacked to int8 when loaded, 0.12 s once
a process: a page's rows unpacked as the page comes cost 1 ms more a page) and the
three calibrations of ``scoring.topical``: with the sentence encoder's cosine,
with its cosine of a page's English gloss for a pair in a language the encoder
does not read, and without it. It is loaded once per process.
"""

from __future__ import annotations

import io
import math
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from scoring.concepts import bags

__all__ = ["MODEL_PATH", "TopicModel", "Representation", "load_topic_model", "rows_of", "MAX_CHARS", "bag_cosine",
           "pack4", "unpack4", "LEVELS4"]

MODEL_PATH = Path(__file__).resolve().parent / "models" / "topic_model.npz"
# Only the lead of a page's main text counts: it carries the topic, and the
# work stays a few milliseconds.
MAX_CHARS = 4000


# A 4-bit value runs from -LEVELS4 to LEVELS4 (times its row's scale).
LEVELS4 = 7


def pack4(values: np.ndarray) -> np.ndarray:
    """Rows of integers in -8..7, an even number a row, as two a byte (the first in the low half)."""
    nibbles = (values.astype(np.int8) & 0x0F).astype(np.uint8)
    return nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)


# Each byte's two values: unpacking is one lookup, with no temporary the size of the matrix (bit
# operations left 10 MB more resident in the process that loaded the model).
_BYTE_VALUES = np.array([[(b & 0x0F) - 16 * ((b & 0x0F) >= 8), (b >> 4) - 16 * ((b >> 4) >= 8)] for b in range(256)],
                        np.int8)


def unpack4(packed: np.ndarray) -> np.ndarray:
    """The int8 rows ``pack4`` was given."""
    return _BYTE_VALUES[packed].reshape(packed.shape[0], packed.shape[1] * 2)


@dataclass(frozen=True)
class Representation:
    words: dict[str, float]  # unit length
    concept_ids: np.ndarray  # sorted
    concept_weights: np.ndarray  # unit length
    latent: np.ndarray  # unit length (zero when nothing was recognised)


def _unit(bag: dict) -> dict:
    norm = math.sqrt(sum(v * v for v in bag.values()))
    return {k: v / norm for k, v in bag.items()} if norm else {}


def bag_cosine(first: dict, second: dict) -> float:
    if len(first) > len(second):
        first, second = second, first
    return float(sum(v * second.get(k, 0.0) for k, v in first.items()))


def _sorted_cosine(first: Representation, second: Representation) -> float:
    _, here, there = np.intersect1d(first.concept_ids, second.concept_ids, assume_unique=True, return_indices=True)
    return float(np.dot(first.concept_weights[here], second.concept_weights[there]))


def rows_of(synsets: np.ndarray, ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the given concept ids in the sorted ``synsets`` (ids it lacks are dropped), and their weights."""
    if not len(ids) or not len(synsets):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    rows = np.minimum(np.searchsorted(synsets, ids), len(synsets) - 1)
    known = synsets[rows] == ids
    return rows[known], weights[known]


class TopicModel:
    def __init__(self, synsets: np.ndarray, latent: np.ndarray, scales: np.ndarray, vocabulary: list[str],
                 word_latent: np.ndarray, word_scales: np.ndarray, calibration: np.ndarray | None = None,
                 calibration_unread: np.ndarray | None = None, calibration_glossed: np.ndarray | None = None):
        self.synsets = synsets  # sorted synset ids, one per row of ``latent``
        self.latent = latent  # int8 (or float), concepts x dimensions
        self.scales = scales.astype(np.float32)
        # Words the space knows as words: names, loanwords and words no lexicon
        # maps ("bitcoin", "wordpress", "bundesliga").
        self.vocabulary = {word: i for i, word in enumerate(vocabulary)}
        self.word_latent = word_latent
        self.word_scales = word_scales.astype(np.float32)
        self.calibration = calibration  # logistic weights then bias over scoring.topical's features
        # The same over the features but the sentence encoder's, for a pair it
        # does not read (a language outside ``scoring.sentence_encoder.COVERED``).
        self.calibration_unread = calibration_unread
        # Rows over the five features, for a pair the encoder reads one page of (row 0),
        # two pages of one language (row 1) or two pages of two languages (row 2) only
        # through their English glosses (``scoring.english_gloss``): the first
        # calibration with the encoder's cosine estimated from the glosses' cosine and
        # the other four (row 2 half-way to ``calibration_unread``). A model from
        # before row 2 scores such pairs without the encoder.
        self.calibration_glossed = calibration_glossed
        self.represent = lru_cache(maxsize=256)(self._represent)  # a target is compared with all its sources

    def _represent(self, text: str, language: str | None) -> Representation:
        words, ids, weights = bags(text[:MAX_CHARS], language)
        latent = np.zeros(self.latent.shape[1], np.float32)
        concept_weights = weights / (float(np.linalg.norm(weights)) or 1.0)
        rows, weights = rows_of(self.synsets, ids, weights)
        if len(rows):
            latent += (self.latent[rows].astype(np.float32) * self.scales[rows, None]).T @ weights
        known = [(self.vocabulary[w], v) for w, v in words.items() if w in self.vocabulary]
        if known:
            index = np.fromiter((i for i, _ in known), np.int64, len(known))
            weight = np.fromiter((v for _, v in known), np.float32, len(known))
            latent += (self.word_latent[index].astype(np.float32) * self.word_scales[index, None]).T @ weight
        length = float(np.linalg.norm(latent))
        return Representation(_unit(words), ids, concept_weights, latent / length if length else latent)

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every concept's and every word's latent vector, as float32."""
        return (self.latent.astype(np.float32) * self.scales[:, None],
                self.word_latent.astype(np.float32) * self.word_scales[:, None])

    def similarities(self, first: Representation, second: Representation) -> dict[str, float]:
        return {
            "words": bag_cosine(first.words, second.words),
            "concepts": _sorted_cosine(first, second),
            "latent": float(np.dot(first.latent, second.latent)),
        }

    # --- storage: plain arrays, no pickle --------------------------------------
    def save(self, path: Path = MODEL_PATH) -> None:
        """An .npz that np.load reads, written byte-stable (fixed member dates, fixed order)."""
        vocabulary = "\n".join(sorted(self.vocabulary, key=self.vocabulary.get)).encode("utf-8")
        arrays = {
            "synsets": self.synsets, **_stored("latent", self.latent), "scales": self.scales,
            "vocabulary": np.frombuffer(vocabulary, np.uint8), **_stored("word_latent", self.word_latent),
            "word_scales": self.word_scales,
            "calibration": self.calibration if self.calibration is not None else np.zeros(0),
            "calibration_unread": self.calibration_unread if self.calibration_unread is not None else np.zeros(0),
            "calibration_glossed": self.calibration_glossed if self.calibration_glossed is not None else np.zeros(0),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                member.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(member, buffer.getvalue())

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TopicModel:
        with np.load(path, allow_pickle=False) as arrays:
            calibration = arrays["calibration"]
            unread = arrays["calibration_unread"] if "calibration_unread" in arrays.files else np.zeros(0)
            glossed = arrays["calibration_glossed"] if "calibration_glossed" in arrays.files else np.zeros(0)
            vocabulary = arrays["vocabulary"].tobytes().decode("utf-8").split("\n") if arrays["vocabulary"].size else []
            return cls(arrays["synsets"], _loaded("latent", arrays), arrays["scales"], vocabulary, _loaded("word_latent", arrays),
                       arrays["word_scales"], calibration.astype(np.float64) if calibration.size else None,
                       unread.astype(np.float64) if unread.size else None,
                       glossed.astype(np.float64) if glossed.size else None)


def _stored(name: str, matrix: np.ndarray) -> dict[str, np.ndarray]:
    """``{name + "4": packed}`` for int8 values that fit in 4 bits, else ``{name: matrix}``."""
    if matrix.dtype == np.int8 and matrix.shape[1] % 2 == 0 and (not matrix.size or -8 <= matrix.min() <= matrix.max() <= 7):
        return {name + "4": pack4(matrix)}
    return {name: matrix}


def _loaded(name: str, arrays) -> np.ndarray:
    return unpack4(arrays[name + "4"]) if name + "4" in arrays.files else arrays[name]


_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_topic_model() -> TopicModel | None:
    """The shipped model, loaded once per process; None when missing."""
    with _lock:
        return TopicModel.load(MODEL_PATH) if MODEL_PATH.exists() else None
