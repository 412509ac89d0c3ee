"""Bilingual word lists from FreeDict (Debian's ``dict-freedict-*``), for the lexicons of thin languages.

Open Multilingual Wordnet's Wiktionary tables name a concept for only part of
the words a Finnish, Greek or Bulgarian page uses (on the Finnish
niche pages, 58% of the rare words' weight; Greek 60%). FreeDict's WikDict
dictionaries, also drawn from Wiktionary and also CC BY-SA 3.0, translate many
more words to English; ``scoring.training.concept_lexicon`` gives such a word
the concepts of its English translations, where the Wiktionary tables give it
none. Only the CC BY-SA dictionaries are read (``SOURCES``); the others
FreeDict ships for these languages are GPL.

Read from ``/usr/share/dictd`` (``make train`` installs the packages), or
``LINKVERIFIER_FREEDICT``; a missing file is skipped, so a lexicon built
without them is the Wiktionary tables' alone.
"""

from __future__ import annotations

import gzip
import os
import re
from collections import defaultdict
from pathlib import Path

from scoring.training.concept_graph import WORDNET_DIR

__all__ = ["FREEDICT_DIR", "SOURCES", "PACKAGES", "translations", "english_senses"]

FREEDICT_DIR = Path(os.environ.get("LINKVERIFIER_FREEDICT", "/usr/share/dictd"))
# language -> (dictionary, direction): "to English" dictionaries read headword -> translations,
# "from English" ones the other way round. All CC BY-SA 3.0 (Debian's copyright file says which).
SOURCES = {
    "fi": [("fin-eng", "to English"), ("eng-fin", "from English")],
    "el": [("ell-eng", "to English")],
    "bg": [("eng-bul", "from English")],
}
# Not read: eng-nor (CC BY-SA too). Swedish and Danish words missing from their own lexicons are looked up
# in Norwegian's (scoring.concepts.SIBLINGS), and with its 4,051 words from FreeDict the Swedish niche pages
# ranked worse within Swedish (ROC AUC 0.975 -> 0.955), for nothing measurable in Norwegian (SIB-200 +-0.002).
PACKAGES = sorted({f"dict-freedict-{name}" for sources in SOURCES.values() for name, _ in sources})
# "word /ipa/ <pos>" opens an entry (none, one or two pronunciations, "//ˈpʌpi// /[ˈpʰɐpi]/"); its next
# line (or numbered lines "1. ...") translates it.
_HEADWORD = re.compile(r"^([^/<\s][^/<]*?)\s*(?:/[^<]*)?<[^<>]*>\s*$")
_SENSE = re.compile(r"^\d+\.\s+")


def _entries(path: Path):
    """(headword, translations) of a dictd file; the line after a translation is a definition, skipped."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        headword, expecting = None, False
        for line in handle:
            line = line.rstrip("\n")
            match = _HEADWORD.match(line)
            if match:
                headword, expecting = match.group(1).strip(), True
                continue
            if headword is None:
                continue
            numbered = _SENSE.match(line)
            if expecting or numbered:
                text = line[numbered.end():] if numbered else line
                words = [w.strip() for w in text.split(",") if w.strip()]
                if words:
                    yield headword, words
                expecting = False


def translations(language: str, directory: Path = FREEDICT_DIR) -> dict[str, list[str]]:
    """A word of ``language`` -> its English translations, in the dictionaries' order; {} without them."""
    found: dict[str, list[str]] = defaultdict(list)
    for name, direction in SOURCES.get(language, ()):
        path = directory / f"freedict-{name}.dict.dz"
        if not path.exists():
            continue
        for headword, words in _entries(path):
            if direction == "to English":
                found[headword].extend(words)
            else:
                for word in words:
                    found[word].append(headword)
    return dict(found)


def english_senses(directory: Path = WORDNET_DIR) -> dict[str, list[int]]:
    """An English word -> its WordNet synset ids, commonest sense first (WordNet's index files)."""
    from scoring.training.concept_graph import synset_id

    senses: dict[str, list[int]] = defaultdict(list)
    for name, pos in (("noun", "n"), ("verb", "v"), ("adj", "a"), ("adv", "r")):
        with (directory / f"index.{name}").open(encoding="latin-1") as handle:
            for line in handle:
                if line.startswith(" "):
                    continue
                fields = line.split()
                count = int(fields[2])
                for offset in fields[-count:]:
                    senses[fields[0].replace("_", " ")].append(synset_id(offset, pos))
    return dict(senses)
