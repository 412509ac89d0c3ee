"""Language of a page's main text (langdetect, seeded, on a bounded sample).

The text decides; the ``lang`` attribute and ``Content-Language`` only break
ties between close candidates or fill in for pages too short to detect.
"""

from __future__ import annotations

import re
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram

from extract.language_codes import primary_subtag

__all__ = ["detect_language", "language_evidence", "load_detector", "primary_subtag"]

# Below this many letters a detection is a guess; the declared language wins.
MIN_LETTERS = 40
# Longer samples cost time and add nothing to accuracy.
SAMPLE_CHARS = 2000
# Random restarts per detection: langdetect's default 7 costs 3.8 ms per page;
# 3 scores the same on the evaluation sets (python -m scoring.evaluate), 2.9 ms.
TRIALS = 3
# When the top two candidates are this close, the declared language breaks the tie.
TIE_MARGIN = 0.2
_LANGDETECT_TO_ISO = {"zh-cn": "zh", "zh-tw": "zh"}
# langdetect's Korean profile is full of Han characters: Traditional Chinese text, with no Hangul in it, comes
# out Korean (131 of 200 four-sentence SIB-200 pages in zho_Hant, 111 of 200 in yue_Hant; the pixnet.net blog
# of the Mozilla set at 0.99999; Mimino666/langdetect#51, open since 2018). Today's Korean is written in Hangul
# and Japanese with kana, so where the letters contradict such a call, the script decides (``_by_script``).
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
# Addresses, and runs of 60+ Latin letters and digits without a space (base64, hashes, tokens:
# no word, and a page with a long one in its text was read as Somali).
# An address starts where its run of non-space characters does: unanchored, "\S+@" tried every
# position of a long run without a space and backed off the whole run each time (a 100,000-letter
# run took 10 s, 3 MB hours). Anchored, each run is read once; the matches are the same.
_URLS = re.compile(r"https?://\S+|www\.\S+|(?<!\S)\S+@\S+|[A-Za-z0-9+/=_-]{60,}")


_factory: DetectorFactory | None = None


def load_detector() -> DetectorFactory:
    """langdetect's profiles, loaded once per process (analysis workers load them before forking).

    Seeded: langdetect samples n-grams at random and is not deterministic otherwise.
    """
    global _factory
    if _factory is None:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        factory.set_seed(0)
        _factory = factory
    return _factory


class _Normalized(dict):
    """langdetect's per-character ``NGram.normalize`` as a ``str.translate`` table, filled as characters come."""

    def __missing__(self, code: int) -> str:
        self[code] = value = NGram.normalize(chr(code))
        return value


_NORMALIZED = _Normalized()
_SPACE_RUNS = re.compile(" +")


class _Detector(Detector):
    """langdetect's detector with its text preparation rewritten: the same n-grams in the
    same order (so the same, seeded, answer). It built the text one character at a time
    with ``+=`` and called two methods per character: 2.5 ms a page on WCEB's pages, 1.7 in
    one pass; with each recurring word's n-grams worked out once, the whole detection
    went 2.3 -> 2.0 ms a page."""

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        self.text += _SPACE_RUNS.sub(" ", text[: self.max_text_length])  # its loop: a run of spaces -> one

    def _extract_ngrams(self) -> list[str]:
        # The n-gram buffer starts afresh after every space, so the n-grams of the text are
        # those of its space-separated chunks (each with its closing space) in order, and
        # a chunk's are the same wherever it comes: "the " is worked out once, not on every page.
        chunks = self.text.translate(_NORMALIZED).split(" ")
        last = chunks.pop()  # no space after it: its buffer never meets one
        result = []
        for chunk in chunks:
            if chunk:
                result += _chunk_ngrams(chunk + " ")
        if last:
            result += _chunk_ngrams(last)
        return result


# Chunks that recur (a language's common words) are most of any text; a worker keeps
# this many (a few MB) whatever the run's length.
_CHUNKS_KEPT = 32768


@lru_cache(maxsize=_CHUNKS_KEPT)
def _chunk_ngrams(chunk: str) -> tuple[str, ...]:
    """langdetect's n-grams of one normalised chunk (no space but perhaps a last one), as its
    ``NGram.add_char`` and ``Detector._extract_ngrams`` find them one character at a time."""
    known = load_detector().word_lang_prob_map
    result = []
    grams, capital = " ", False  # NGram's buffer (the last 1-3 characters) and capitalword
    for ch in chunk:
        last = grams[-1]
        if len(grams) >= NGram.N_GRAM:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            capital = capital or last.isupper()
        else:
            capital = False
        if capital:
            continue
        if ch != " " and ch in known:
            result.append(ch)
        if grams[-2:] in known:
            result.append(grams[-2:])
        if len(grams) >= 3 and grams in known:
            result.append(grams)
    return tuple(result)


def _candidates(sample: str) -> list:
    """langdetect's ranked candidates for a sample."""
    detector = _Detector(load_detector())
    detector.n_trial = TRIALS
    detector.append(sample)
    return detector.get_probabilities()


# A long text is sampled in this many windows spread over it, so that a page mixing
# languages is read where most of its text is, not in one window that may fall
# on a quotation, a teaser block or a translated abstract.
SAMPLE_WINDOWS = 4


def _sample(text: str) -> str:
    text = _URLS.sub(" ", text)
    if len(text) <= SAMPLE_CHARS:
        return text
    # Windows centred at 1/8, 3/8, 5/8 and 7/8 of the text: bylines and teasers at
    # the very edges stay out, every part of the body has its say.
    width = SAMPLE_CHARS // SAMPLE_WINDOWS
    windows = []
    for i in range(SAMPLE_WINDOWS):
        centre = len(text) * (2 * i + 1) // (2 * SAMPLE_WINDOWS)
        start = min(max(0, centre - width // 2), len(text) - width)
        windows.append(text[start : start + width])
    return " ".join(windows)


def _by_script(language: str, sample: str) -> str:
    """``language``, unless it is Korean or Japanese and the sample is nearly all Han characters without
    Hangul or kana (a tenth of the Han count or less): then the language its letters are written for."""
    if language not in ("ko", "ja"):
        return language
    han = len(_HAN.findall(sample))
    hangul, kana = len(_HANGUL.findall(sample)), len(_KANA.findall(sample))
    if language == "ko" and hangul * 10 < han:
        return "ja" if kana * 10 >= han else "zh"
    if language == "ja" and kana * 10 < han:
        return "ko" if hangul * 10 >= han else "zh"
    return language


def detect_language(text: str, declared: str | None = None) -> tuple[str | None, str]:
    """Return ``(language, source)``; source is ``content``, ``declared`` or ``none``."""
    declared_lang = primary_subtag(declared)
    sample = _sample(text)
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return (declared_lang, "declared") if declared_lang else (None, "none")
    try:
        candidates = _candidates(sample)
    except LangDetectException:
        return (declared_lang, "declared") if declared_lang else (None, "none")
    ranked = [(_LANGDETECT_TO_ISO.get(c.lang, c.lang), c.prob) for c in candidates]
    best, best_prob = ranked[0]
    if (written := _by_script(best, sample)) != best:
        return written, "content"
    if declared_lang and declared_lang != best:
        for lang, prob in ranked[1:]:
            if lang == declared_lang and best_prob - prob < TIE_MARGIN:
                return declared_lang, "content"
    return best, "content"


def language_evidence(text: str) -> tuple[str | None, float, int]:
    """``(language, probability, letters)`` of a text, declared language ignored."""
    sample = _sample(text)
    letters = len(_LETTERS.findall(sample))
    if letters < MIN_LETTERS:
        return None, 0.0, letters
    try:
        best = _candidates(sample)[0]
    except LangDetectException:
        return None, 0.0, letters
    return _by_script(_LANGDETECT_TO_ISO.get(best.lang, best.lang), sample), float(best.prob), letters
