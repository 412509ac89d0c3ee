"""A page the sentence encoder cannot read, as the English words its lexicon gives.

The encoder (``scoring.sentence_encoder``) reads 17 of the 30 market languages.
For a page in one of the others (Swedish, Finnish, Czech, Hungarian,
Vietnamese, Greek…), each word of its lead is looked up in the language's
concept lexicon (``scoring.concepts``) and replaced by the commonest English
word of its first two WordNet concepts; a word the lexicon does not know
(a name, a loanword, a model number) stays as written (unless it is in a script
the encoder was not trained on and most of the lead found no English word:
``MIN_TRANSLATED``), and words commoner than
``MIN_RARITY`` are left out ("so", "den", "kun": their lexicon senses are more
often wrong than right). The encoder then reads that string of English words:
"valpkurs brukshundklubben koppel" becomes something like "puppy course dog
club leash", which it places near an English, German or Spanish dog page.

Measured on the held-out niche pages in sv fi cs hu vi el: the encoder's
cosine of the glossed pages alone ranks same- above different-topic pairs at
ROC AUC 0.88 within one language, 0.90 across two and 0.94 against English;
of the pages as written, 0.58, 0.57 and 0.71. With the other features
(``scoring.topical``; ``make evaluate``), within one language and against
English it adds most.

The English word of each concept ships in ``scoring/models/glosses.tsv.gz``
(``python -m scoring.training.concept_lexicon``, from Open Multilingual
Wordnet's English Wiktionary table: of a concept's English lemmas, the
commonest single word), loaded the first time a page needs it.
"""

from __future__ import annotations

import gzip
import re
import threading
from functools import lru_cache
from pathlib import Path

from scoring.concepts import _WORD, lexicon, normalise, phrased, words_of

__all__ = ["GLOSS_PATH", "english_gloss", "load_glosses", "MIN_RARITY", "MIN_TRANSLATED", "SENSES", "LEAD_CHARS"]

GLOSS_PATH = Path(__file__).resolve().parent / "models" / "glosses.tsv.gz"
# A word's rarity (``scoring.concepts``: -log10 of its frequency, less 2) below
# which it is left out. Swept 0 / 0.5 / 1.0 / 1.5 on the niche pages: 1.0 ranked
# best within one language and against English.
MIN_RARITY = 1.0
# Concepts of a word that are read: the lexicon lists a word's senses, and the
# first two gave the encoder more to go on than one (ROC AUC within one language
# 0.855 vs 0.870) and no less elsewhere.
SENSES = 2
# Characters of the page that are glossed: the encoder reads the first 128
# pieces only, and the gloss is about as long as the text it comes from.
LEAD_CHARS = 1500
# Scripts of no language the encoder was trained on (Hebrew, Greek, Devanagari and the
# other Indic scripts). Where the lexicon put less than MIN_TRANSLATED of a lead's words
# into English, a word in them that it could not is left out, not kept as written: the
# gloss of a Hebrew page was then mostly Hebrew, any two such glosses looked alike to the
# encoder (its cosine 0.84 for different-topic pairs as for same-topic ones, SIB-200 dev),
# and 95% of different-topic Hebrew pairs scored >= 0.5 (Hindi 54%).
_UNREAD_SCRIPT = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0590-\u05ff\u0900-\u0dff]")
MIN_TRANSLATED = 0.5

_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_glosses() -> dict[int, str]:
    """Concept id -> English word; empty when the file is missing (the encoder then stays out)."""
    with _lock:
        if not GLOSS_PATH.exists():
            return {}
        glosses = {}
        with gzip.open(GLOSS_PATH, "rt", encoding="utf-8") as handle:
            for line in handle:
                synset, _, word = line.rstrip("\n").partition("\t")
                if word:
                    glosses[int(synset, 36)] = word
        return glosses


def english_gloss(text: str, language: str | None) -> str:
    """The lead's words as English words in their order; "" where the language has no lexicon."""
    lex = lexicon(language)
    glosses = load_glosses()
    if lex is None or not glosses or not language:
        return ""
    lead = text[:LEAD_CHARS]
    if phrased(language):  # the lexicon's own syllable joining; the keys are the written words
        pairs = [(key, key) for key in words_of(lead, language)]
    else:
        pairs = [(normalise(language, word), word.lower()) for word in _WORD.findall(lead)
                 if (len(word) > 1 and not word.isdigit()) or len(word) >= 3]
    words: list[tuple[str, ...] | str] = []  # each word's English words, or the word as written
    translated = 0
    for key, written in pairs:
        if lex.weight(key) <= MIN_RARITY:
            continue
        english = [glosses[int(i)] for _part, ids, _share in lex.meaning(key) for i in ids[:SENSES] if int(i) in glosses]
        translated += bool(english)
        words.append(tuple(dict.fromkeys(english)) if english else written)
    # Mostly English, the words left as written are the page's own names and terms, and two pages
    # of one language that share them agree (Greek niche pages: ROC AUC 0.93 with them, 0.89 without).
    keep_unread = translated >= MIN_TRANSLATED * len(words)
    out: list[str] = []
    for word in words:
        if isinstance(word, tuple):
            out.extend(word)
        elif keep_unread or not _UNREAD_SCRIPT.search(word):
            out.append(word)
    return " ".join(out)
