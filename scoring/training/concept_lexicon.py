"""Build ``scoring/models/concepts/<lang>.tsv.gz``, the lexicon of ``scoring.concepts``.

For each of the 30 market languages, from two sources:
- Open Multilingual Wordnet's Wiktionary tables (``lexicons/omw-wikt`` in the
  data folder): every single-word lemma, normalised as pages are, mapped to the
  WordNet synsets it names;
- for English, Princeton WordNet 3.0's own lemmas too (``scoring.training.concept_graph``);
- for Finnish, Greek and Bulgarian, FreeDict's Wiktionary-drawn dictionaries
  (``scoring.training.freedict``): a word the tables leave without a concept
  takes the commonest senses of its English translations (Finnish 21,140 ->
  51,952 words with concepts, Greek 8,811 -> 23,695, Bulgarian 8,093 ->
  30,524);
- the ``wordfreq`` package's frequency list ("small": words used at least once
  in a million): each normalised word's rarity, -log10 of the summed
  frequency of the words that normalise to it. wordfreq has no Thai; for it,
  the Thai National Corpus frequencies that PyThaiNLP ships. (Before, every Thai
  word weighed as a word never seen: "มี" (have) as much as "เทศกาล" (festival),
  and a page was cut into the 1,365 words of its Wiktionary table and lone letters.)

One line per normalised word: ``word<TAB>rarity<TAB>synsets`` (base-36 ids,
space-separated, possibly none); the first line, with an empty word, gives the
rarity of a word absent from the list. Sorted, so a rebuild is byte-stable.

Beside them, ``scoring/models/glosses.tsv.gz`` (``build_glosses``): each concept
with an English lemma in the English Wiktionary table, and the commonest of
those lemmas (a single word before a phrase), the word
``scoring.english_gloss`` puts in a page's place for the sentence encoder.
"""

from __future__ import annotations

import gzip
import math
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from scoring.concepts import (
    _WORD,
    LEXICON_DIR,
    PHRASE_SYLLABLES,
    forget_lexicons,
    lexicon,
    normalise,
    phrased,
    segmenting,
)
from scoring.english_gloss import GLOSS_PATH, load_glosses
from scoring.topics import LANGUAGES
from scoring.training import freedict
from scoring.training.datasets import DATA_DIR

__all__ = ["build", "build_glosses", "OMW_CODES"]

# Market language -> the OMW table's ISO 639-3 code.
OMW_CODES = {
    "en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "nl": "nld", "pl": "pol",
    "ru": "rus", "uk": "ukr", "tr": "tur", "ar": "arb", "he": "heb", "fa": "fas", "hi": "hin", "id": "ind",
    "vi": "vie", "th": "tha", "ja": "jpn", "ko": "kor", "zh": "cmn", "sv": "swe", "da": "dan", "no": "nob",
    "fi": "fin", "cs": "ces", "ro": "ron", "hu": "hun", "el": "ell", "bg": "bul",
}
# A word FreeDict translates (``scoring.training.freedict``: Finnish, Greek, Bulgarian) takes
# this many senses of each of this many of its English translations, where Wiktionary's tables give none.
FREEDICT_TRANSLATIONS = 2
FREEDICT_SENSES = 2
# The rarest words wordfreq's "small" lists keep: used once in a million words.
_LEAST_FREQUENCY = 1e-6
# wordfreq's codes where they differ from ours.
_WORDFREQ_CODES = {"no": "nb"}
# Synset id "02084071-n" -> one integer: offset * 4 + part of speech.
_POS = {"n": 0, "v": 1, "a": 2, "s": 2, "r": 3}


def _synset_id(synset: str) -> int:
    offset, pos = synset.split("-")
    return int(offset) * 4 + _POS[pos]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _keys(language: str, lemma: str) -> list[str]:
    """The normalised form(s) a lemma is found under: single words only (multi-word lemmas
    would need phrase matching), but whole strings for languages segmented by this lexicon
    and up to ``PHRASE_SYLLABLES`` syllables for those written a syllable at a time."""
    if segmenting(language):
        return [lemma.lower()] if 1 < len(lemma) <= 6 and " " not in lemma else []
    words = _WORD.findall(lemma)
    if phrased(language) and 1 < len(words) <= PHRASE_SYLLABLES and " ".join(words) == " ".join(lemma.split()):
        return [unicodedata.normalize("NFC", " ".join(words).lower())]
    if len(words) != 1 or len(words[0]) < 2 or words[0] != lemma.strip():
        return []
    return [normalise(language, words[0])]


def _word_frequencies(language: str) -> dict[str, float]:
    """Word -> frequency in real use: wordfreq's "small" list, or for Thai, which wordfreq lacks, the
    Thai National Corpus counts PyThaiNLP ships (33.5 million words), cut as wordfreq cuts its lists."""
    import wordfreq  # training only: the shipped lexicon carries what it needs

    code = _WORDFREQ_CODES.get(language, language)
    if code in wordfreq.available_languages("small"):
        return wordfreq.get_frequency_dict(code, "small")
    if language != "th":
        return {}
    from pythainlp.corpus.tnc import word_freqs

    counts = word_freqs()
    total = sum(count for _word, count in counts)
    return {word: count / total for word, count in counts if count / total >= _LEAST_FREQUENCY}


def _frequencies(language: str) -> dict[str, float]:
    summed: dict[str, float] = defaultdict(float)
    for word, frequency in _word_frequencies(language).items():
        if segmenting(language):
            if not any(ch.isspace() for ch in word):
                summed[word.lower()] += frequency
            continue
        for piece in _WORD.findall(word):
            summed[normalise(language, piece)] += frequency
    return summed


def build(language: str, data_dir: Path = DATA_DIR, directory: Path = LEXICON_DIR) -> Path:
    concepts: dict[str, set[int]] = defaultdict(set)
    table = data_dir / "lexicons" / "omw-wikt" / f"wn-wikt-{OMW_CODES[language]}.tab"
    with table.open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(fields) != 3:
                continue
            synset, kind, lemma = fields
            if kind.endswith(":lemma"):
                for key in _keys(language, lemma):
                    concepts[key].add(_synset_id(synset))
    from_freedict = _freedict_concepts(language, concepts)
    if language == "en":  # Princeton WordNet's own English lemmas, where it is installed
        from scoring.training.concept_graph import WORDNET_DIR, read_wordnet

        if (WORDNET_DIR / "data.noun").exists():
            for synset, info in read_wordnet(WORDNET_DIR).items():
                for lemma in info["words"]:
                    for key in _keys(language, lemma):
                        concepts[key].add(synset)
    frequencies = _frequencies(language)
    if phrased(language):  # wordfreq counts syllables; it estimates a phrase from them
        import wordfreq

        for key in concepts:
            if " " in key and key not in frequencies:
                frequencies[key] = wordfreq.word_frequency(key, language) or 0.0
        frequencies = {key: f for key, f in frequencies.items() if f > 0}
    # Absent from a list of words used once in a million or more: rarer than its rarest.
    floor = min(frequencies.values()) if frequencies else 1e-6
    unseen = -math.log10(floor) + 0.5
    lines = [f"\t{unseen:.2f}\t"]
    for key in sorted(set(concepts) | set(frequencies)):
        if not key or "\t" in key:
            continue
        rarity = -math.log10(frequencies[key]) if key in frequencies else unseen
        ids = " ".join(_base36(i) for i in sorted(concepts.get(key, ())))
        lines.append(f"{key}\t{rarity:.2f}\t{ids}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{language}.tsv.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    print(f"{language}: {len(lines) - 1} words, {len(concepts)} with concepts ({from_freedict} from FreeDict), "
          f"{path.stat().st_size / 1e3:.0f} kB", file=sys.stderr)
    return path


def _freedict_concepts(language: str, concepts: dict[str, set[int]]) -> int:
    """Give a word the Wiktionary tables leave without a concept the ``FREEDICT_SENSES`` commonest WordNet
    senses of each of its first ``FREEDICT_TRANSLATIONS`` English translations; how many words gained some."""
    from scoring.training.concept_graph import WORDNET_DIR

    found = freedict.translations(language)
    if not found or not (WORDNET_DIR / "index.noun").exists():
        return 0
    senses = freedict.english_senses(WORDNET_DIR)
    added = 0
    for word, english in sorted(found.items()):
        ids = {i for translation in english[:FREEDICT_TRANSLATIONS]
               for i in senses.get(translation.lower(), ())[:FREEDICT_SENSES]}
        for key in _keys(language, word):
            if ids and key not in concepts:
                concepts[key] = set(ids)
                added += 1
    return added


def build_glosses(data_dir: Path = DATA_DIR, path: Path = GLOSS_PATH) -> Path:
    """Concept -> its commonest English lemma, by the English lexicon's rarity (build that first)."""
    forget_lexicons()
    english = lexicon("en")
    best: dict[int, tuple[float, str]] = {}
    with (data_dir / "lexicons" / "omw-wikt" / "wn-wikt-eng.tab").open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(fields) != 3 or not fields[1].endswith(":lemma"):
                continue
            synset, _kind, lemma = fields
            lemma = " ".join(lemma.split())
            if not lemma:
                continue
            # A phrase ("look after") only where the concept has no single word.
            rank = (english.weight(normalise("en", lemma)) if " " not in lemma else 100.0, lemma)
            key = _synset_id(synset)
            if key not in best or rank < best[key]:
                best[key] = rank
    lines = [f"{_base36(key)}\t{lemma}" for key, (_rank, lemma) in sorted(best.items())]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    load_glosses.cache_clear()
    print(f"glosses: {len(lines)} concepts with an English word, {path.stat().st_size / 1e3:.0f} kB", file=sys.stderr)
    return path


def main() -> int:
    for language in LANGUAGES:
        build(language)
    build_glosses()
    return 0


if __name__ == "__main__":
    sys.exit(main())
