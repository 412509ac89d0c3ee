"""Words of 30 languages as shared concepts, weighted by how rare each word is in its language.

The topical-fit model's vocabulary (``scoring.topical``). A page's text becomes
two weighted bags:

- **words**: its words, stemmed (Snowball where a stemmer exists, whole words
  elsewhere; character bigrams for Chinese, Japanese and Thai), each weighted by
  how rare it is in real use of that language (from the ``wordfreq`` lists).
  Common words ("the", "make", "good") weigh almost nothing, so two pages
  agree only when they share the words that carry a subject ("puppy",
  "ransomware", "sourdough"); loanwords, names and figures match across
  languages too ("Bitcoin", "WordPress", "SSD").
- **concepts**: the same words mapped to Princeton WordNet synsets through Open
  Multilingual Wordnet's Wiktionary tables, so "Hund", "chien", "perro",
  "собака" and "dog" are one concept (02084071-n) and a German page can agree
  with an English one word for word.

The lexicon ships in ``scoring/models/concepts/<lang>.tsv.gz`` (built by
``python -m scoring.training.concept_lexicon``; CC BY-SA like its sources,
see the README beside it), one file per language, read the first time a page
in that language is seen, so a process holds only the languages it meets.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer

__all__ = ["LEXICON_DIR", "Lexicon", "lexicon", "forget_lexicons", "bags", "segmenting", "phrased", "normalise", "words_of",
           "PHRASE_SYLLABLES"]

LEXICON_DIR = Path(__file__).resolve().parent / "models" / "concepts"

# Snowball stemmers by language; the rest match whole words (and the lexicon
# lookup tries shorter forms, see Lexicon.concepts_of).
_STEMMERS = {
    "ar": "arabic", "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english", "es": "spanish",
    "fa": "persian", "fi": "finnish", "fr": "french", "hi": "hindi", "hu": "hungarian", "id": "indonesian",
    "it": "italian", "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sv": "swedish", "tr": "turkish",
}
# Written without spaces between words: the lexicon's own entries segment them.
_SEGMENTED = {"ja", "zh", "th"}
# Written a syllable at a time, with a space between syllables: most words are
# two or three of them ("cà phê" coffee, "kiểm tra" check), so the lexicon keeps
# its entries of up to PHRASE_SYLLABLES syllables and a text's syllables are
# joined by the longest entry they spell. Without it, 64% of a Vietnamese page's
# weight found no concept (niche pages; syllables such as "cà" alone mean
# little or something else).
PHRASED = {"vi"}
PHRASE_SYLLABLES = 4
# Languages that write compounds as one word ("Sicherheitslücke", "hondenvoer", "kutyaiskola").
# Hungarian joined on 7 December 2026: its niche pages within Hungarian ranked at ROC AUC
# 0.875 without, 0.907 with its compounds split ("kutyaiskolában" -> dog, school).
COMPOUNDING = {"de", "nl", "sv", "da", "no", "fi", "hu"}
# A word missing from its language's lexicon is looked up in a close sibling's:
# Ukrainian and Bulgarian share much vocabulary with Russian, the Scandinavian
# languages with each other (their own Wiktionary tables are small).
SIBLINGS = {"uk": ("ru",), "bg": ("ru",), "no": ("da", "sv"), "da": ("no", "sv"), "sv": ("no", "da")}
# Hebrew writes "and", "the", "in", "to", "from", "that" and "as" as one letter in front
# of the next word (והבית "and the house"), and no stemmer takes them off: a word missing
# from the lexicon is looked up again without up to CLITICS_MAX of them.
_HEBREW_CLITICS = frozenset("ובלמשהכ")
CLITICS_MAX = 3
# ... and its plurals end in -ים or -ות, the singular's last letter then taking its final form.
_HEBREW_PLURALS = ("ים", "ות")
_HEBREW_FINAL = str.maketrans("כמנפצ", "ךםןףץ")


def _hebrew_forms(key: str):
    """Forms of a Hebrew word to look up when the word itself is missing: without up to
    ``CLITICS_MAX`` prefixed letters, and each also as a singular (הכלבים "the dogs" -> כלב)."""
    for cut in range(CLITICS_MAX + 1):
        if cut and (len(key) - cut < 2 or key[cut - 1] not in _HEBREW_CLITICS):
            return
        stem = key[cut:]
        if cut:
            yield stem
        if stem.endswith(_HEBREW_PLURALS) and len(stem) >= 4:
            singular = stem[:-2]
            yield singular[:-1] + singular[-1].translate(_HEBREW_FINAL)
            yield singular + "ה"  # feminine: דקות "minutes" -> דקה

# Letters with their combining marks: Python's \w alone splits Hindi and Thai
# words at every vowel sign.
_WORD = re.compile(r"[\w\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0900-\u0dff\u0e00-\u0e7f]+")
_NO_SPACES = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Longest dictionary word tried when segmenting Chinese and Japanese; Thai words run
# longer (ประจำปี "annual" is 7 letters; 13% of the Thai National Corpus's words are over 6).
_LONGEST = {"th": 12}
_LONGEST_DEFAULT = 6
# A word's weight is its rarity, -log10 of its frequency in the language, less
# COMMON: words used more than once in a hundred ("the", "und", "de") weigh
# nothing, "dog" (4e-5) about 2.4, "sourdough" (unseen) the most.
COMMON = 2.0
# Words a lexicon remembers it has looked up (their parts and meanings); a long
# crawl meets ever new words, so past this many the memory starts afresh.
_REMEMBERED = 100_000


def segmenting(language: str) -> bool:
    return language in _SEGMENTED


def phrased(language: str) -> bool:
    return language in PHRASED


_stemmers: dict[str, object | None] = {}
_stem_lock = threading.Lock()


@lru_cache(maxsize=100_000)
def normalise(language: str, word: str) -> str:
    """The form a word is counted and looked up by: lower case, NFC, stemmed where a stemmer exists."""
    word = unicodedata.normalize("NFC", word.lower())
    name = _STEMMERS.get(language)
    if name is None or word.isdigit():
        return word
    with _stem_lock:  # Snowball stemmer objects keep state between calls
        if name not in _stemmers:
            _stemmers[name] = snowballstemmer.stemmer(name) if name in snowballstemmer.algorithms() else None
        stemmer = _stemmers[name]
        return stemmer.stemWord(word) if stemmer is not None else word


class Lexicon:
    """One language: normalised word -> (rarity weight, concept ids)."""

    def __init__(self, language: str, weights: dict[str, float], concepts: dict[str, tuple[int, ...]], unseen: float):
        self.language = language
        self.weights = weights
        self.concepts = concepts
        self.unseen = unseen  # the weight of a word too rare for the frequency list
        self._parts: dict[str, tuple[str, ...]] = {}
        self._meanings: dict[str, tuple] = {}
        self._starts: frozenset[str] | None = None

    @classmethod
    def load(cls, language: str, directory: Path = LEXICON_DIR) -> Lexicon | None:
        path = directory / f"{language}.tsv.gz"
        if not path.exists():
            return None
        weights: dict[str, float] = {}
        concepts: dict[str, tuple[int, ...]] = {}
        unseen = 0.0
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                key, weight, ids = line.rstrip("\n").split("\t")
                if key == "":  # the header line holds the weight of unseen words
                    unseen = max(0.0, float(weight) - COMMON)
                    continue
                weights[key] = max(0.0, float(weight) - COMMON)
                if ids:
                    concepts[key] = tuple(int(i, 36) for i in ids.split(" "))
        return cls(language, weights, concepts, unseen)

    @property
    def phrase_starts(self) -> frozenset[str]:
        """The first syllables of the lexicon's entries of several syllables (``PHRASED`` languages)."""
        if self._starts is None:
            self._starts = frozenset(key.split(" ", 1)[0] for key in self.concepts if " " in key)
        return self._starts

    def weight(self, key: str) -> float:
        return self.weights.get(key, self.unseen)

    def concepts_of(self, key: str) -> tuple[int, ...]:
        found = self.concepts.get(key)
        if found is None and not segmenting(self.language) and not phrased(self.language) and len(key) > 5:
            # An inflected or derived form the stemmer left longer than the
            # lexicon's (no stemmer for Ukrainian, Bulgarian, Hebrew, Korean;
            # Russian adjectives): the word without its last letter or two.
            for cut in (1, 2):
                found = self.concepts.get(key[:-cut])
                if found is not None:
                    break
        if found is None and self.language == "he":
            found = next((ids for form in _hebrew_forms(key) if (ids := self.concepts.get(form)) is not None), None)
        return found or ()

    def meaning(self, key: str) -> tuple[tuple[str | None, np.ndarray, float], ...]:
        """What a word counts as: (the compound part or None, its concept ids, its share of the weight)."""
        found = self._meanings.get(key)
        if found is None:
            if len(self._meanings) >= _REMEMBERED:
                self._meanings.clear()
            parts = self.parts(key)
            if parts:  # each part at half weight
                found = tuple((part, np.array(self.concepts_of(part), np.int64), 0.5) for part in parts)
            else:
                ids = self.concepts_of(key) or self._from_siblings(key)
                found = ((None, np.array(ids, np.int64), 1.0),) if ids else ()
            self._meanings[key] = found
        return found

    def _from_siblings(self, key: str) -> tuple[int, ...]:
        for sibling in SIBLINGS.get(self.language, ()):
            other = lexicon(sibling)
            found = other.concepts_of(normalise(sibling, key)) if other is not None else ()
            if found:
                return found
        return ()

    def parts(self, key: str) -> tuple[str, ...]:
        """A compound's known parts ("hundefutter" -> "hund", "futt"); () when it is not one."""
        if self.language not in COMPOUNDING or len(key) < 7 or key in self.concepts:
            return ()
        if key not in self._parts:
            if len(self._parts) >= _REMEMBERED:
                self._parts.clear()
            self._parts[key] = self._split(key)
        return self._parts[key]

    def _split(self, key: str, depth: int = 0) -> tuple[str, ...]:
        # The longest known last part (it carries the meaning in these
        # languages), then a known first part, allowing a linking letter or
        # two; a first part that is itself a compound is split once more
        # ("Sicherheitslückenbericht" -> sicherheit, luck, bericht).
        for cut in range(3, len(key) - 3):
            head, tail = key[:cut], key[cut:]
            if tail not in self.concepts:
                continue
            for link in ("", "s", "es", "n", "en", "e", "er"):
                if link and not head.endswith(link):
                    continue
                stem = head[: len(head) - len(link)] if link else head
                if len(stem) < 3:
                    continue
                first = stem if stem in self.concepts else normalise(self.language, stem)
                if first in self.concepts:
                    return (first, tail)
                if depth == 0 and len(stem) >= 7:
                    inner = self._split(stem, depth + 1)
                    if inner:
                        return (*inner, tail)
        return ()


_lexicons: dict[str, Lexicon | None] = {}
_load_lock = threading.Lock()


def lexicon(language: str | None) -> Lexicon | None:
    """The shipped lexicon of a language, loaded once per process; None for other languages."""
    if not language or language not in _shipped():  # a page's code never names a path
        return None
    if language not in _lexicons:
        with _load_lock:
            if language not in _lexicons:
                _lexicons[language] = Lexicon.load(language)
    return _lexicons[language]


def forget_lexicons() -> None:
    """Read the lexicon files afresh (after ``make train`` rewrote them)."""
    _shipped.cache_clear()
    _lexicons.clear()


@lru_cache(maxsize=1)
def _shipped() -> frozenset[str]:
    return frozenset(path.name.split(".")[0] for path in LEXICON_DIR.glob("*.tsv.gz"))


def _segment(text: str, known: dict[str, float], longest: int = _LONGEST_DEFAULT) -> list[str]:
    """Greedy longest match against the lexicon's words; unknown characters stand alone."""
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if size == 1 or piece in known:
                out.append(piece)
                i += size
                break
    return out


def words_of(text: str, language: str | None) -> list[str]:
    """The normalised words of a text, as counted by ``bags``."""
    lex = lexicon(language)
    if lex is not None and phrased(language or ""):
        return _phrases(text, lex)
    out: list[str] = []
    for word in _WORD.findall(text):
        if _NO_SPACES.search(word):
            if lex is not None and segmenting(language or ""):
                # A character the lexicon does not know is what segmenting left over, not a
                # word: Thai's lexicon knows 1,365 words, and its lone consonants and vowel
                # signs, each as rare as an unseen word, made any two Thai pages alike (the words'
                # cosine 0.81 for different topics; 98% of such pairs scored >= 0.5, SIB-200 dev).
                pieces = _segment(word.lower(), lex.weights, _LONGEST.get(language or "", _LONGEST_DEFAULT))
                out.extend(piece for piece in pieces if len(piece) > 1 or piece in lex.weights)
            else:
                out.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word.isdigit():
            if len(word) >= 3:
                out.append(word)  # years, models and prices are shared across languages
        elif len(word) > 1:
            out.append(normalise(language or "", word))
    return out


def _phrases(text: str, lex: Lexicon) -> list[str]:
    """Syllables joined by the longest lexicon entry they spell, within a run that only spaces separate."""
    out: list[str] = []
    run: list[str] = []
    end = -1
    for match in _WORD.finditer(text):
        if run and text[end : match.start()].strip():  # punctuation between: a new run
            out.extend(_join(run, lex))
            run = []
        run.append(unicodedata.normalize("NFC", match.group().lower()))
        end = match.end()
    out.extend(_join(run, lex))
    return out


def _join(syllables: list[str], lex: Lexicon) -> list[str]:
    out, i = [], 0
    starts = lex.phrase_starts
    while i < len(syllables):
        size = 1
        if syllables[i] in starts:  # only then can a longer entry begin here
            for longer in range(min(PHRASE_SYLLABLES, len(syllables) - i), 1, -1):
                if " ".join(syllables[i : i + longer]) in lex.concepts:
                    size = longer
                    break
        piece = " ".join(syllables[i : i + size])
        if size > 1 or (len(piece) > 1 and not piece.isdigit()) or len(piece) >= 3:
            out.append(piece)
        i += size
    return out


def bags(text: str, language: str | None) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
    """A text's words (word -> weight) and concepts (sorted ids, weights): sublinear counts times rarity."""
    lex = lexicon(language)
    counts = Counter(words_of(text, language))
    words: dict[str, float] = {}
    chunks: list[np.ndarray] = []
    shares: list[float] = []
    for key, count in counts.items():
        rarity = lex.weight(key) if lex is not None else 1.0
        if rarity <= 0:
            continue
        weight = (1.0 + math.log(count)) * rarity
        words[key] = words.get(key, 0.0) + weight
        if lex is None:
            continue
        for part, ids, share in lex.meaning(key):
            if part:  # a compound also counts as each of its parts
                words[part] = words.get(part, 0.0) + weight * share
            if not len(ids):
                continue
            chunks.append(ids)
            shares.append(weight * share / math.sqrt(len(ids)))  # a word of many senses spreads thin
    if not chunks:
        return words, np.zeros(0, np.int64), np.zeros(0, np.float32)
    ids = np.concatenate(chunks)
    weights = np.repeat(np.array(shares, np.float32), [len(c) for c in chunks])
    unique, where = np.unique(ids, return_inverse=True)
    return words, unique, np.bincount(where, weights=weights).astype(np.float32)
